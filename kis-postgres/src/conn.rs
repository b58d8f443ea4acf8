//! A connection with its prepared statements, and the one place that talks to the
//! client: every call goes through here, so that it also works from a thread that
//! drives an async runtime (an axum handler, a tokio task).
//!
//! The `postgres` client is blocking: each call runs its own small tokio runtime, and
//! tokio panics when a runtime is started on a thread already inside one. So when the
//! caller's thread is inside a runtime, the call runs on a short-lived scoped thread
//! instead (the caller still waits for it, as it would for any blocking call), and scans
//! are collected there before they are visited. Outside a runtime, nothing changes:
//! calls run on the caller's thread and scans stream.

use std::collections::HashMap;
use std::ops::ControlFlow;

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{Client, Row, Statement};

use crate::errors::map;
use kis_core::store::StoreError;

/// Whether this thread is inside a tokio runtime, where the blocking client may not run.
fn in_runtime() -> bool {
    tokio::runtime::Handle::try_current().is_ok()
}

/// Runs `f` on this thread, or, inside an async runtime, on a scoped thread of its own.
pub(crate) fn blocking<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    if !in_runtime() {
        return f();
    }
    std::thread::scope(|s| match s.spawn(f).join() {
        Ok(r) => r,
        // The work itself does not panic; if it did, the panic goes on as it would have.
        Err(p) => std::panic::resume_unwind(p),
    })
}

/// The parameters of one statement.
pub(crate) type Params<'p> = &'p [&'p (dyn ToSql + Sync)];

/// A client and the statements prepared on it (prepared once per connection).
pub(crate) struct PgConn {
    client: Option<Client>,
    statements: HashMap<&'static str, Statement>,
}

fn closed() -> StoreError {
    StoreError::Unavailable {
        backend: crate::errors::BACKEND,
        message: "the connection is closed".into(),
    }
}

impl PgConn {
    /// Connects to `url` with `tls`.
    pub(crate) fn connect<T>(url: &str, tls: T) -> Result<Self, StoreError>
    where
        T: postgres::tls::MakeTlsConnect<postgres::Socket> + Send + 'static,
        T::TlsConnect: Send,
        T::Stream: Send,
        <T::TlsConnect as postgres::tls::TlsConnect<postgres::Socket>>::Future: Send,
    {
        let client =
            blocking(|| Client::connect(url, tls)).map_err(|e| StoreError::Unavailable {
                backend: crate::errors::BACKEND,
                message: format!("cannot connect: {e}"),
            })?;
        Ok(PgConn {
            client: Some(client),
            statements: HashMap::new(),
        })
    }

    /// Runs `f` with the client (see [`blocking`]).
    pub(crate) fn with<R: Send>(
        &mut self,
        f: impl FnOnce(&mut Client) -> Result<R, postgres::Error> + Send,
    ) -> Result<R, StoreError> {
        self.with_store(|c| f(c).map_err(map))
    }

    /// [`with`](Self::with) for work that maps its own errors (migrations).
    pub(crate) fn with_store<R: Send>(
        &mut self,
        f: impl FnOnce(&mut Client) -> Result<R, StoreError> + Send,
    ) -> Result<R, StoreError> {
        let client = self.client.as_mut().ok_or_else(closed)?;
        blocking(|| f(client))
    }

    /// The prepared statement for `sql`, preparing it on first use.
    fn statement(&mut self, sql: &'static str) -> Result<Statement, StoreError> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.with(|c| c.prepare(sql))?;
        self.statements.insert(sql, s.clone());
        Ok(s)
    }

    /// Runs a prepared statement and returns its row, if any.
    pub(crate) fn query_opt(
        &mut self,
        sql: &'static str,
        params: Params<'_>,
    ) -> Result<Option<Row>, StoreError> {
        let stmt = self.statement(sql)?;
        self.with(|c| c.query_opt(&stmt, params))
    }

    /// Runs a prepared statement and returns the rows it changed.
    pub(crate) fn execute(
        &mut self,
        sql: &'static str,
        params: Params<'_>,
    ) -> Result<u64, StoreError> {
        let stmt = self.statement(sql)?;
        self.with(|c| c.execute(&stmt, params))
    }

    /// Runs statements without parameters (`BEGIN`, `COMMIT`...).
    pub(crate) fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        self.with(|c| c.batch_execute(sql))
    }

    /// Runs a prepared query and visits its rows in order until `visit` breaks: streamed
    /// from the server on this thread, or collected first inside an async runtime.
    pub(crate) fn rows(
        &mut self,
        sql: &'static str,
        params: Params<'_>,
        visit: &mut dyn FnMut(&Row) -> Result<ControlFlow<()>, StoreError>,
    ) -> Result<(), StoreError> {
        let stmt = self.statement(sql)?;
        let client = self.client.as_mut().ok_or_else(closed)?;
        if in_runtime() {
            let all = blocking(|| client.query(&stmt, params)).map_err(map)?;
            for row in &all {
                if visit(row)?.is_break() {
                    break;
                }
            }
            return Ok(());
        }
        let mut rows = client
            .query_raw(&stmt, params.iter().copied())
            .map_err(map)?;
        while let Some(row) = rows.next().map_err(map)? {
            if visit(&row)?.is_break() {
                break;
            }
        }
        Ok(())
    }
}

impl Drop for PgConn {
    fn drop(&mut self) {
        // Closing the client also runs its runtime: off the caller's one, if it has one.
        if let Some(client) = self.client.take() {
            blocking(move || drop(client));
        }
    }
}
