//! The store a command works on, and who acts: every command of kis carries its actor
//! (P2), and the command line's is `--as` (or `KIS_USER`).

use std::sync::Arc;

use chrono::{NaiveDate, NaiveTime, TimeZone as _, Utc};
use clap::Args;
use kis::{Actor, Clock, Engine, ManualClock, SystemClock};

use crate::out::Failure;

/// Where the store is and who acts.
#[derive(Debug, Clone, Args)]
pub struct StoreArgs {
    /// The store: a SQLite file, or a `postgresql://` URL.
    #[arg(long, env = "KIS_STORE")]
    pub store: String,
    /// The user kis acts as (every command is authorised as this user, P2).
    #[arg(long = "as", env = "KIS_USER", default_value = "admin")]
    pub actor: String,
    /// Judge as on this day (company time) instead of today: reports of "this month",
    /// impact, deadlines.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<NaiveDate>,
}

impl StoreArgs {
    /// The engine on the store, under the policy installed last.
    pub fn open(&self) -> Result<Engine, Failure> {
        let store = kis::open_store(&self.store)
            .map_err(|e| Failure::Error(format!("cannot open the store {}: {e}", self.store)))?;
        let manual = self.today.map(|_| Arc::new(ManualClock::new(Utc::now())));
        let clock: Arc<dyn Clock> = match &manual {
            Some(m) => m.clone(),
            None => Arc::new(SystemClock),
        };
        let engine = Engine::open_installed(store, clock).map_err(|e| match e {
            kis::Error::NotFound { .. } => Failure::Error(format!(
                "{} holds no policy: create it with `kis init --store {} --policy FILE`",
                self.store, self.store
            )),
            e => Failure::Error(e.to_string()),
        })?;
        if let (Some(day), Some(manual)) = (self.today, manual) {
            // Noon on that day on the company's wall clock.
            let noon =
                Utc.from_utc_datetime(&day.and_time(NaiveTime::MIN)) + chrono::TimeDelta::hours(12);
            let east = engine.policy().zone().seconds_east_at(noon);
            manual.set(noon - chrono::TimeDelta::seconds(i64::from(east)));
        }
        Ok(engine)
    }

    /// The acting user.
    pub fn actor(&self) -> Actor {
        Actor::new(self.actor.as_str())
    }
}
