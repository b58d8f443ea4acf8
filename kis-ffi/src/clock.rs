//! A manual clock for tests and simulations on the app side.

use std::sync::Arc;
use std::time::SystemTime;

use chrono::{DateTime, TimeDelta, Utc};

/// A clock that stands still until moved.
#[derive(uniffi::Object)]
pub struct ManualClock {
    pub(crate) inner: Arc<kis::ManualClock>,
}

#[uniffi::export]
impl ManualClock {
    /// A clock stopped at `now`.
    #[uniffi::constructor]
    pub fn new(now: SystemTime) -> Arc<Self> {
        Arc::new(ManualClock {
            inner: Arc::new(kis::ManualClock::new(DateTime::<Utc>::from(now))),
        })
    }

    /// Moves the clock to `now`.
    pub fn set(&self, now: SystemTime) {
        self.inner.set(DateTime::<Utc>::from(now));
    }

    /// Moves the clock forward by `seconds`.
    pub fn advance_seconds(&self, seconds: i64) {
        self.inner.advance(TimeDelta::seconds(seconds));
    }

    /// The clock's instant.
    pub fn now(&self) -> SystemTime {
        kis::Clock::now(self.inner.as_ref()).into()
    }
}
