//! A small pool of connections: one per concurrent transaction, up to a limit.

use std::ops::{Deref, DerefMut};
use std::sync::{Condvar, Mutex};

use rusqlite::Connection;

use kis_core::store::StoreError;

pub(crate) struct Pool {
    idle: Mutex<(Vec<Connection>, usize)>,
    returned: Condvar,
    max: usize,
    open: Box<dyn Fn() -> Result<Connection, StoreError> + Send + Sync>,
}

impl Pool {
    pub(crate) fn new(
        first: Connection,
        max: usize,
        open: Box<dyn Fn() -> Result<Connection, StoreError> + Send + Sync>,
    ) -> Self {
        Pool {
            idle: Mutex::new((vec![first], 1)),
            returned: Condvar::new(),
            max: max.max(1),
            open,
        }
    }

    /// An idle connection, a new one if under the limit, or waits for one.
    pub(crate) fn get(&self) -> Result<Pooled<'_>, StoreError> {
        let mut guard = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(conn) = guard.0.pop() {
                return Ok(Pooled {
                    pool: self,
                    conn: Some(conn),
                });
            }
            if guard.1 < self.max {
                guard.1 += 1;
                drop(guard);
                return match (self.open)() {
                    Ok(conn) => Ok(Pooled {
                        pool: self,
                        conn: Some(conn),
                    }),
                    Err(e) => {
                        self.idle.lock().unwrap_or_else(|p| p.into_inner()).1 -= 1;
                        Err(e)
                    }
                };
            }
            guard = self.returned.wait(guard).unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// A connection on loan from the pool; returned when dropped.
pub(crate) struct Pooled<'a> {
    pool: &'a Pool,
    conn: Option<Connection>,
}

impl Deref for Pooled<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn.as_ref().expect("connection present until drop")
    }
}

impl DerefMut for Pooled<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        self.conn.as_mut().expect("connection present until drop")
    }
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.pool
                .idle
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .0
                .push(conn);
            self.pool.returned.notify_one();
        }
    }
}
