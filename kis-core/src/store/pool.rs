//! A small pool of database connections for store backends: one connection per
//! concurrent transaction, opened on demand up to a limit, then waiting for one back.

use std::ops::{Deref, DerefMut};
use std::sync::{Condvar, Mutex};

use super::StoreError;

/// Opens a new connection for the pool.
pub type Opener<C> = Box<dyn Fn() -> Result<C, StoreError> + Send + Sync>;

/// A pool of connections of type `C`.
pub struct Pool<C> {
    idle: Mutex<(Vec<C>, usize)>,
    returned: Condvar,
    max: usize,
    open: Opener<C>,
}

impl<C> Pool<C> {
    /// A pool holding `first`, opening up to `max` connections in all with `open`.
    pub fn new(first: C, max: usize, open: Opener<C>) -> Self {
        Pool {
            idle: Mutex::new((vec![first], 1)),
            returned: Condvar::new(),
            max: max.max(1),
            open,
        }
    }

    /// An idle connection, a new one if under the limit, or waits for one.
    pub fn get(&self) -> Result<Pooled<'_, C>, StoreError> {
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
pub struct Pooled<'a, C> {
    pool: &'a Pool<C>,
    conn: Option<C>,
}

impl<C> Pooled<'_, C> {
    /// Drops the connection instead of returning it (after a failure that may have left
    /// it in an unknown state); the pool opens a new one when needed.
    pub fn discard(mut self) {
        self.conn = None;
        self.pool.idle.lock().unwrap_or_else(|p| p.into_inner()).1 -= 1;
        self.pool.returned.notify_one();
    }
}

impl<C> Deref for Pooled<'_, C> {
    type Target = C;
    fn deref(&self) -> &C {
        self.conn.as_ref().expect("connection present until drop")
    }
}

impl<C> DerefMut for Pooled<'_, C> {
    fn deref_mut(&mut self) -> &mut C {
        self.conn.as_mut().expect("connection present until drop")
    }
}

impl<C> Drop for Pooled<'_, C> {
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
