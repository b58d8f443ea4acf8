//! Opening a SQLite database as a kis store.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::errors::map;
use crate::schema;
use crate::tx::SqliteTx;
use kis_core::store::pool::Pool;
use kis_core::store::{Store, StoreError, Transaction, TxMode};

/// How hard SQLite works to make a commit durable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Synchronous {
    /// Every commit survives power loss (the default: a committed approval stays).
    #[default]
    Full,
    /// Commits survive a crash of the process, and may be lost on power loss; several
    /// times faster on slow disks.
    Normal,
}

/// Options for opening a [`SqliteStore`].
#[derive(Debug, Clone)]
pub struct SqliteOptions {
    /// Durability of commits.
    pub synchronous: Synchronous,
    /// How long a writer waits for another process's write lock before giving up.
    pub busy_timeout: Duration,
    /// Connections kept for concurrent readers (writers are serialised by SQLite).
    pub pool_size: usize,
    /// The key of an encrypted database file (SQLCipher: build with the `sqlcipher`
    /// feature). Given to a build without SQLCipher, opening fails rather than writing
    /// an unencrypted file.
    pub key: Option<String>,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        SqliteOptions {
            synchronous: Synchronous::Full,
            busy_timeout: Duration::from_secs(5),
            pool_size: 4,
            key: None,
        }
    }
}

/// A kis store in a SQLite database file.
pub struct SqliteStore {
    pool: Pool<Connection>,
    path: Option<PathBuf>,
    /// Writers of this process queue here before `BEGIN IMMEDIATE`, instead of polling
    /// SQLite's lock through the busy handler's sleeps (other processes still do).
    writer: std::sync::Mutex<()>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish()
    }
}

impl SqliteStore {
    /// Opens (or creates) the database at `path` with the default options.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        SqliteStore::open_with(path, SqliteOptions::default())
    }

    /// Opens (or creates) the database at `path`, migrating its schema if needed.
    pub fn open_with(path: impl AsRef<Path>, options: SqliteOptions) -> Result<Self, StoreError> {
        let path = path.as_ref().to_path_buf();
        let opener = {
            let path = path.clone();
            let options = options.clone();
            move || connect(Some(&path), &options)
        };
        let mut first = opener()?;
        schema::migrate(&mut first)?;
        Ok(SqliteStore {
            pool: Pool::new(first, options.pool_size, Box::new(opener)),
            path: Some(path),
            writer: std::sync::Mutex::new(()),
        })
    }

    /// A private in-memory database (one connection; gone when dropped).
    pub fn open_in_memory() -> Result<Self, StoreError> {
        let options = SqliteOptions::default();
        let mut first = connect(None, &options)?;
        schema::migrate(&mut first)?;
        let refuse = || -> Result<Connection, StoreError> { unreachable_pool() };
        Ok(SqliteStore {
            pool: Pool::new(first, 1, Box::new(refuse)),
            path: None,
            writer: std::sync::Mutex::new(()),
        })
    }

    /// The database file, or `None` in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The schema version of this build.
    pub fn schema_version() -> i64 {
        schema::SCHEMA_VERSION
    }
}

fn unreachable_pool() -> Result<Connection, StoreError> {
    // The in-memory pool has one connection and never opens another.
    Err(StoreError::Backend {
        backend: crate::errors::BACKEND,
        message: "in-memory database has a single connection".into(),
    })
}

fn connect(path: Option<&Path>, options: &SqliteOptions) -> Result<Connection, StoreError> {
    let conn = match path {
        Some(p) => Connection::open_with_flags(
            p,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        ),
        None => Connection::open_in_memory(),
    }
    .map_err(map)?;
    if let Some(key) = &options.key {
        // SQLCipher answers `cipher_version`; plain SQLite ignores `PRAGMA key` silently.
        let cipher: Option<String> = conn
            .query_row("PRAGMA cipher_version", [], |r| r.get(0))
            .ok();
        if cipher.is_none() {
            return Err(StoreError::Backend {
                backend: crate::errors::BACKEND,
                message: "a key was given, but this build links SQLite without SQLCipher \
                          (enable kis-sqlite's `sqlcipher` feature)"
                    .into(),
            });
        }
        conn.pragma_update(None, "key", key).map_err(map)?;
    }
    conn.busy_timeout(options.busy_timeout).map_err(map)?;
    if path.is_some() {
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(map)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Backend {
                backend: crate::errors::BACKEND,
                message: format!("could not enable WAL (journal mode is {mode})"),
            });
        }
    }
    let sync = match options.synchronous {
        Synchronous::Full => "FULL",
        Synchronous::Normal => "NORMAL",
    };
    conn.pragma_update(None, "synchronous", sync).map_err(map)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(map)?;
    // Read pages through a memory map instead of a read() copy per page: long scans (a
    // year of sales facts) spent a third of their time copying pages into SQLite's cache.
    // As much as SQLite's build allows on 64-bit (2 GiB by default: a year of 10 M facts
    // is 1.7 GB, past the 1 GiB mapped before); 32-bit processes keep address space.
    conn.pragma_update(None, "mmap_size", MMAP_SIZE)
        .map_err(map)?;
    // Keep query plans stable: without this, SQLite re-prepares a statement whenever a
    // range bound (our scans' `id >= ?`) gets a new value, which doubled command cost.
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )
    .map_err(map)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

/// The bytes of the file SQLite reads through a memory map (`PRAGMA mmap_size`; SQLite
/// clamps it to its compile-time `SQLITE_MAX_MMAP_SIZE`).
const MMAP_SIZE: i64 = if cfg!(target_pointer_width = "64") {
    1 << 40
} else {
    1 << 28
};

impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn begin(&self, mode: TxMode) -> Result<Box<dyn Transaction + '_>, StoreError> {
        // Take the in-process writer turn before a connection, so a waiting writer does
        // not hold a connection readers could use.
        let turn = match mode {
            TxMode::Write => Some(self.writer.lock().unwrap_or_else(|p| p.into_inner())),
            TxMode::Read => None,
        };
        let conn = self.pool.get()?;
        Ok(Box::new(SqliteTx::begin(conn, mode, turn)?))
    }
}
