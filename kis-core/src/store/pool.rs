//! A small pool of database connections for store backends: one connection per
//! concurrent transaction, opened on demand up to a limit, then waiting for one back.

use std::ops::{Deref, DerefMut};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use super::StoreError;

/// Opens a new connection for the pool.
pub type Opener<C> = Box<dyn Fn() -> Result<C, StoreError> + Send + Sync>;

/// A pool of connections of type `C`.
pub struct Pool<C> {
    idle: Mutex<(Vec<C>, usize)>,
    returned: Condvar,
    max: usize,
    open: Opener<C>,
    checkout_timeout: Option<Duration>,
}

impl<C> Pool<C> {
    /// A pool holding `first`, opening up to `max` connections in all with `open`.
    pub fn new(first: C, max: usize, open: Opener<C>) -> Self {
        Pool {
            idle: Mutex::new((vec![first], 1)),
            returned: Condvar::new(),
            max: max.max(1),
            open,
            checkout_timeout: None,
        }
    }

    /// The pool, where [`get`](Self::get) waits at most `timeout` for a connection when
    /// all are in use, then fails with the retryable [`StoreError::Unavailable`].
    pub fn with_checkout_timeout(mut self, timeout: Duration) -> Self {
        self.checkout_timeout = Some(timeout);
        self
    }

    /// An idle connection, a new one if under the limit, or waits for one (at most the
    /// checkout timeout, if the pool has one).
    pub fn get(&self) -> Result<Pooled<'_, C>, StoreError> {
        let deadline = self
            .checkout_timeout
            .and_then(|t| Instant::now().checked_add(t));
        let mut guard = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(conn) = guard.0.pop() {
                return Ok(Pooled {
                    pool: self,
                    conn: Some(conn),
                });
            }
            if guard.1 < self.max {
                guard.1 = guard.1.saturating_add(1);
                drop(guard);
                return match (self.open)() {
                    Ok(conn) => Ok(Pooled {
                        pool: self,
                        conn: Some(conn),
                    }),
                    Err(e) => {
                        let mut g = self.idle.lock().unwrap_or_else(|p| p.into_inner());
                        g.1 = g.1.saturating_sub(1);
                        Err(e)
                    }
                };
            }
            guard = match deadline {
                None => self.returned.wait(guard).unwrap_or_else(|p| p.into_inner()),
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Err(StoreError::Unavailable {
                            backend: "pool",
                            message: format!(
                                "no connection came free within {:?}: all {} are in use",
                                self.checkout_timeout.unwrap_or_default(),
                                self.max
                            ),
                        });
                    }
                    self.returned
                        .wait_timeout(guard, left)
                        .unwrap_or_else(|p| p.into_inner())
                        .0
                }
            };
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
        let mut g = self.pool.idle.lock().unwrap_or_else(|p| p.into_inner());
        g.1 = g.1.saturating_sub(1);
        drop(g);
        self.pool.returned.notify_one();
    }
}

// `conn` is `Some` from `get` until `discard` or `drop` take it, and neither runs while
// the loan is dereferenced: these cannot fail.
#[allow(clippy::expect_used)]
impl<C> Deref for Pooled<'_, C> {
    type Target = C;
    fn deref(&self) -> &C {
        self.conn.as_ref().expect("connection present until drop")
    }
}

#[allow(clippy::expect_used)]
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

#[cfg(test)]
mod tests {
    use super::*;

    /// With every connection on loan, a checkout waits its timeout and then fails with
    /// a retryable error; once one is back, the next checkout gets it.
    #[test]
    fn a_checkout_times_out_when_every_connection_is_in_use() {
        let pool = Pool::new(1u32, 1, Box::new(|| Ok(2u32)))
            .with_checkout_timeout(Duration::from_millis(50));
        let held = pool.get().unwrap();
        match pool.get() {
            Err(StoreError::Unavailable { message, .. }) => {
                assert!(message.contains("all 1 are in use"), "{message}")
            }
            other => panic!("expected a timeout, got {:?}", other.map(|c| *c)),
        }
        drop(held);
        assert_eq!(*pool.get().unwrap(), 1);
    }
}
