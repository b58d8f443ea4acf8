//! The engine's notion of now. Nothing in kis reads the system time except
//! [`SystemClock`]; tests drive deadlines, escalation and validity with [`ManualClock`].

use std::sync::Mutex;

use chrono::{DateTime, Duration, NaiveDate, Utc};

/// A source of the current instant.
pub trait Clock: Send + Sync {
    /// The current instant (UTC). The business date is derived with the policy's offset.
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock (the default).
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until moved: for tests, simulations and replays.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
}

impl ManualClock {
    /// A clock stopped at `now`.
    pub fn new(now: DateTime<Utc>) -> Self {
        ManualClock {
            now: Mutex::new(now),
        }
    }

    /// Moves the clock to `now` (backwards too).
    pub fn set(&self, now: DateTime<Utc>) {
        *self.now.lock().unwrap_or_else(|p| p.into_inner()) = now;
    }

    /// Moves the clock forward by `by`; a move past the instants kis holds (see
    /// [`crate::input::instant`]) is refused and leaves the clock where it was.
    pub fn advance(&self, by: Duration) -> Result<(), crate::error::InvalidInput> {
        let mut now = self.now.lock().unwrap_or_else(|p| p.into_inner());
        *now = crate::input::later("clock", *now, by)?;
        Ok(())
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// 1970-01-01: day 0 of the day numbers below (Arrow's `date32`, fact segments).
pub(crate) const EPOCH: NaiveDate = match NaiveDate::from_ymd_opt(1970, 1, 1) {
    Some(d) => d,
    None => panic!("1970-01-01 is a date"),
};

/// A date as its day number: days since 1970-01-01.
pub fn day_number(date: NaiveDate) -> i32 {
    // Every NaiveDate is within i32 days of 1970 (chrono's range is about 262,000 years).
    date.signed_duration_since(EPOCH).num_days() as i32
}

/// The date of a day number, or `None` past the dates chrono can represent (about
/// 262,000 years either way), which only a damaged or hostile input holds.
pub fn date_of_day(days: i32) -> Option<NaiveDate> {
    EPOCH.checked_add_signed(Duration::days(days as i64))
}
