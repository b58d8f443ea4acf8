//! Connecting tests to the throwaway server, each in a fresh schema.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};

use kis_postgres::{PostgresOptions, PostgresStore};

/// The server URL, or `None` when PostgreSQL tests are explicitly skipped.
pub fn url() -> Option<String> {
    match std::env::var("KIS_TEST_POSTGRES_URL") {
        Ok(url) => Some(url),
        Err(_) if std::env::var("KIS_SKIP_POSTGRES").as_deref() == Ok("1") => {
            eprintln!("SKIPPED: PostgreSQL test (KIS_SKIP_POSTGRES=1)");
            None
        }
        Err(_) => panic!(
            "KIS_TEST_POSTGRES_URL is not set: run scripts/test.sh (it starts a throwaway \
             PostgreSQL), or set KIS_SKIP_POSTGRES=1 to skip these tests knowingly"
        ),
    }
}

/// A unique schema name for this process and call.
pub fn unique_schema() -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "kis_t{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

/// A store in a fresh, empty schema.
pub fn fresh_store() -> Option<PostgresStore> {
    let url = url()?;
    Some(store_in(&url, &unique_schema()))
}

/// A store in the given schema.
pub fn store_in(url: &str, schema: &str) -> PostgresStore {
    PostgresStore::connect_with(
        url,
        PostgresOptions {
            pool_size: 4,
            schema: Some(schema.to_string()),
            ..Default::default()
        },
    )
    .expect("connect to the test server")
}
