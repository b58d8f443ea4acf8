//! # kis
//!
//! An embeddable sales-management engine: one price system, approval chains for quotes,
//! price exceptions, contracts and expense claims, KPI scoring, expense budgets, and an
//! append-only audit trail, all driven by a policy file. See the README for a tour.
//!
//! This facade re-exports the domain ([`kis_core`]) and the stores, so that `use kis::*`
//! is enough for an application, and [`open_store`] picks a backend from a location.
//!
//! The rest of this page is the project's README: its Rust block is a doctest.
#![doc = include_str!("../README.md")]

use std::sync::Arc;

pub use kis_core::*;
#[cfg(feature = "postgres")]
pub use kis_postgres::{PostgresOptions, PostgresStore};
#[cfg(feature = "sqlite")]
pub use kis_sqlite::{SqliteOptions, SqliteStore, Synchronous};

/// Dates and instants in kis's API: a business date is a [`NaiveDate`] (a calendar day in
/// the company's time zone), an instant a [`DateTime<Utc>`].
pub use chrono::{DateTime, NaiveDate, Utc};
/// Exact decimal amounts: every amount, quantity and score in kis's API.
pub use rust_decimal::Decimal;

/// Opens the store at `location`: a `postgres://` or `postgresql://` URL (PostgreSQL),
/// `:memory:` (a private in-memory SQLite database), or a file path (SQLite, created if
/// missing). This is how the Python and Kotlin bindings choose a backend: the same API,
/// only the location differs. A backend this build leaves out (the `sqlite` and
/// `postgres` features) is refused with a message naming the feature.
pub fn open_store(location: &str) -> Result<Arc<dyn Store>, StoreError> {
    if location.starts_with("postgres://") || location.starts_with("postgresql://") {
        #[cfg(feature = "postgres")]
        return Ok(Arc::new(PostgresStore::connect(location)?));
        #[cfg(not(feature = "postgres"))]
        return Err(left_out("postgres"));
    }
    #[cfg(feature = "sqlite")]
    {
        if location == ":memory:" {
            Ok(Arc::new(SqliteStore::open_in_memory()?))
        } else {
            Ok(Arc::new(SqliteStore::open(location)?))
        }
    }
    #[cfg(not(feature = "sqlite"))]
    Err(left_out("sqlite"))
}

#[cfg(any(not(feature = "postgres"), not(feature = "sqlite")))]
fn left_out(backend: &'static str) -> StoreError {
    StoreError::Backend {
        backend,
        message: format!(
            "this build of kis leaves out the {backend} store: enable the `{backend}` feature"
        ),
    }
}
