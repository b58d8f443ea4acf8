//! Connections as a server uses them: from inside an async runtime (an axum handler or a
//! tokio task calls the store directly), over TLS as the URL's `sslmode` asks, and with a
//! bounded wait for a pooled connection.
//!
//! Needs the throwaway server of scripts/test.sh (`KIS_TEST_POSTGRES_URL`; for TLS also
//! `KIS_TEST_POSTGRES_CA`, the CA that signed its certificate).

mod support;

use std::sync::Arc;
use std::time::Duration;

use kis_core::admin::AddUser;
use kis_core::store::{Store, StoreError, TxMode};
use kis_core::{Actor, Engine, Policy, Role};
use kis_postgres::{PostgresOptions, PostgresStore};

const POLICY: &str = include_str!("../../examples/policy.toml");

fn options(pool_size: usize) -> PostgresOptions {
    PostgresOptions {
        pool_size,
        schema: Some(support::unique_schema()),
        checkout_timeout: Duration::from_millis(200),
    }
}

/// A whole engine's life (connect, migrate, commands, reads, audit, drop) inside
/// `block_on` of a current-thread and of a multi-thread runtime: no panic, same results.
#[test]
fn the_store_works_from_inside_a_tokio_runtime() {
    let Some(url) = support::url() else { return };
    let runtimes = [
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap(),
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap(),
    ];
    for rt in runtimes {
        let url = url.clone();
        rt.block_on(async move {
            let store = Arc::new(PostgresStore::connect_with(&url, options(2)).unwrap());
            let engine = Engine::open(store, Policy::from_toml(POLICY).unwrap()).unwrap();
            engine.bootstrap_admin("admin", "Admin").unwrap();
            let user = AddUser {
                id: "fin".into(),
                name: "Fan".into(),
                role: Role::Finance,
                team: None,
            };
            engine.execute(&Actor::new("admin"), &user).unwrap();
            assert_eq!(engine.history("users", "fin").unwrap().len(), 1);
            assert!(engine.verify_audit().unwrap().is_intact());
            drop(engine);
        });
    }
}

/// With every pooled connection in a transaction, the next waits its checkout timeout
/// and fails with the retryable `Unavailable`.
#[test]
fn a_full_pool_times_out_with_a_retryable_error() {
    let Some(url) = support::url() else { return };
    let store = PostgresStore::connect_with(&url, options(1)).unwrap();
    let held = store.begin(TxMode::Read).unwrap();
    match store.begin(TxMode::Read) {
        Err(StoreError::Unavailable { message, .. }) => {
            assert!(message.contains("in use"), "{message}")
        }
        Err(other) => panic!("expected Unavailable, got {other}"),
        Ok(_) => panic!("expected a timeout"),
    }
    drop(held);
    assert!(store.begin(TxMode::Read).is_ok());
}

/// The connections of this test's database that are encrypted, as the server sees them.
fn encrypted_connections(url: &str, sep: char) -> i64 {
    let mut plain =
        postgres::Client::connect(&format!("{url}{sep}sslmode=disable"), postgres::NoTls).unwrap();
    let mine_plain: bool = plain
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(!mine_plain, "sslmode=disable must stay plaintext");
    plain
        .query_one(
            "SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
             WHERE s.ssl AND a.datname = current_database()",
            &[],
        )
        .unwrap()
        .get(0)
}

/// libpq's meanings of `sslmode`: the default (`prefer`) and `require` encrypt without
/// checking the certificate; `verify-full` checks it against the server's CA given as
/// `sslrootcert`, and without that CA refuses it; `disable` stays plaintext.
#[test]
fn tls_is_used_and_verified_as_the_url_asks() {
    let Some(url) = support::url() else { return };
    let Ok(ca) = std::env::var("KIS_TEST_POSTGRES_CA") else {
        assert!(
            std::env::var("KIS_SKIP_POSTGRES").as_deref() == Ok("1"),
            "KIS_TEST_POSTGRES_CA is not set: scripts/pg.sh makes a CA when openssl is present"
        );
        return;
    };
    let sep = if url.contains('?') { '&' } else { '?' };
    for (mode, extra) in [
        ("prefer", String::new()),
        ("require", String::new()),
        ("verify-ca", format!("&sslrootcert={ca}")),
        ("verify-full", format!("&sslrootcert={ca}")),
    ] {
        let store =
            PostgresStore::connect_with(&format!("{url}{sep}sslmode={mode}{extra}"), options(1))
                .unwrap_or_else(|e| panic!("{mode}: {e}"));
        let held = store.begin(TxMode::Read).unwrap();
        assert!(
            encrypted_connections(&url, sep) >= 1,
            "{mode}: no TLS connection on the server"
        );
        drop(held);
    }
    // The private CA is not among the Mozilla roots: verification refuses the server.
    for mode in ["verify-ca", "verify-full"] {
        match PostgresStore::connect_with(&format!("{url}{sep}sslmode={mode}"), options(1)) {
            Err(StoreError::Unavailable { message, .. }) => {
                assert!(message.contains("TLS"), "{mode}: {message}")
            }
            Err(other) => panic!("{mode}: expected a TLS error, got {other}"),
            Ok(_) => panic!("{mode}: a certificate from an unknown CA was accepted"),
        }
    }
}

/// A document edited in the table behind kis's back is refused on read, naming the
/// collection and key (its checksum no longer matches).
#[test]
fn an_edited_document_is_refused_on_read() {
    let Some(url) = support::url() else { return };
    let schema = support::unique_schema();
    let store = PostgresStore::connect_with(
        &url,
        PostgresOptions {
            pool_size: 1,
            schema: Some(schema.clone()),
            checkout_timeout: Duration::from_secs(5),
        },
    )
    .unwrap();
    kis_core::store::write(&store, |tx| {
        tx.put(
            "users",
            "li",
            r#"{"name":"Li"}"#,
            kis_core::store::Expected::Absent,
        )
    })
    .unwrap();
    let sep = if url.contains('?') { '&' } else { '?' };
    let mut raw =
        postgres::Client::connect(&format!("{url}{sep}sslmode=disable"), postgres::NoTls).unwrap();
    raw.batch_execute(&format!(
        "UPDATE \"{schema}\".documents SET body = '{{\"name\":\"Mallory\"}}' WHERE id = 'li'"
    ))
    .unwrap();
    let err = kis_core::store::read(&store, |tx| tx.get("users", "li")).unwrap_err();
    match err {
        StoreError::Corrupt { message, .. } => assert!(message.contains("users/li"), "{message}"),
        other => panic!("expected Corrupt, got {other}"),
    }
}
