//! Connecting to PostgreSQL as a kis store.

use postgres::{Client, NoTls};

use crate::conn::PgConn;
use crate::errors::map;
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
}

impl Default for PostgresOptions {
    fn default() -> Self {
        PostgresOptions {
            pool_size: 8,
            schema: None,
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
        let opener = {
            let url = url.to_string();
            let schema = options.schema.clone();
            move || open(&url, schema.as_deref())
        };
        let mut first = opener()?;
        schema::migrate(&mut first.client)?;
        Ok(PostgresStore {
            pool: Pool::new(first, options.pool_size, Box::new(opener)),
            schema: options.schema,
        })
    }

    /// The schema version of this build.
    pub fn schema_version() -> i32 {
        schema::SCHEMA_VERSION
    }
}

fn open(url: &str, schema: Option<&str>) -> Result<PgConn, StoreError> {
    let mut client = Client::connect(url, NoTls).map_err(|e| StoreError::Unavailable {
        backend: crate::errors::BACKEND,
        message: format!("cannot connect: {e}"),
    })?;
    if let Some(s) = schema {
        // The name was checked to be [a-z0-9_]+, so quoting it is safe.
        client
            .batch_execute(&format!(
                "CREATE SCHEMA IF NOT EXISTS \"{s}\"; SET search_path TO \"{s}\""
            ))
            .map_err(map)?;
    }
    Ok(PgConn::new(client))
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
