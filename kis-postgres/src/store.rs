//! Connecting to PostgreSQL as a kis store.

use std::time::Duration;

use postgres::NoTls;

use crate::conn::PgConn;
use crate::schema;
use crate::tx::PgTx;
use kis_core::store::pool::Pool;
use kis_core::store::{Store, StoreError, Transaction, TxMode};

/// Options for [`PostgresStore::connect_with`].
#[derive(Debug, Clone)]
pub struct PostgresOptions {
    /// Connections kept open (one per concurrent transaction of this process).
    pub pool_size: usize,
    /// A schema to keep kis's tables in (created if missing); `None`: the connection's
    /// default search path (usually `public`). Lets several kis databases share one
    /// PostgreSQL database, and tests run side by side.
    pub schema: Option<String>,
    /// How long a transaction waits for a free connection when all `pool_size` are in
    /// use; then it fails with the retryable `StoreError::Unavailable`.
    pub checkout_timeout: Duration,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        PostgresOptions {
            pool_size: 8,
            schema: None,
            checkout_timeout: Duration::from_secs(30),
        }
    }
}

/// A kis store in a PostgreSQL database.
pub struct PostgresStore {
    pool: Pool<PgConn>,
    schema: Option<String>,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("schema", &self.schema)
            .finish()
    }
}

impl PostgresStore {
    /// Connects with a URL (`postgres://user@host:port/db`) and default options, and
    /// migrates the schema if needed.
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        PostgresStore::connect_with(url, PostgresOptions::default())
    }

    /// Connects with explicit options.
    pub fn connect_with(url: &str, options: PostgresOptions) -> Result<Self, StoreError> {
        if let Some(s) = &options.schema
            && (s.is_empty()
                || s.len() > 63
                || !s
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
        {
            return Err(StoreError::Backend {
                backend: crate::errors::BACKEND,
                message: format!("schema name {s:?}: use 1-63 lower-case letters, digits or '_'"),
            });
        }
        let target = crate::tls::Target::parse(url)?;
        let opener = {
            let schema = options.schema.clone();
            move || open(&target, schema.as_deref())
        };
        let mut first = opener()?;
        first.with_store(schema::migrate)?;
        Ok(PostgresStore {
            pool: Pool::new(first, options.pool_size, Box::new(opener))
                .with_checkout_timeout(options.checkout_timeout),
            schema: options.schema,
        })
    }

    /// The schema version of this build.
    pub fn schema_version() -> i32 {
        schema::SCHEMA_VERSION
    }
}

fn open(target: &crate::tls::Target, schema: Option<&str>) -> Result<PgConn, StoreError> {
    let mut conn = match target.connector()? {
        Some(tls) => PgConn::connect(target.url(), tls)?,
        None => PgConn::connect(target.url(), NoTls)?,
    };
    if let Some(s) = schema {
        // The name was checked to be [a-z0-9_]+, so quoting it is safe.
        conn.batch(&format!(
            "CREATE SCHEMA IF NOT EXISTS \"{s}\"; SET search_path TO \"{s}\""
        ))?;
    }
    Ok(conn)
}

impl Store for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    fn begin(&self, mode: TxMode) -> Result<Box<dyn Transaction + '_>, StoreError> {
        let conn = self.pool.get()?;
        Ok(Box::new(PgTx::begin(conn, mode)?))
    }
}
