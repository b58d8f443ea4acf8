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

    /// Moves the clock forward by `seconds`; a move past the instants kis holds is an
    /// `InvalidInput`, and the clock stays where it was.
    pub fn advance_seconds(&self, seconds: i64) -> Result<(), crate::error::KisError> {
        let by = TimeDelta::try_seconds(seconds).ok_or_else(|| {
            kis::InvalidInput::new("seconds", format!("{seconds} is too many seconds"))
        });
        by.and_then(|by| self.inner.advance(by))
            .map_err(|e| kis::Error::from(e).into())
    }

    /// The clock's instant.
    pub fn now(&self) -> SystemTime {
        kis::Clock::now(self.inner.as_ref()).into()
    }
}
