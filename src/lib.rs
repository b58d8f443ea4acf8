//! # kis
//!
//! An embeddable sales-management engine: one price system, approval chains for quotes,
//! price exceptions, contracts and expense claims, KPI scoring, expense budgets, and an
//! append-only audit trail, all driven by a policy file. See the README for a tour.
//!
//! This facade re-exports the domain ([`kis_core`]) and the stores, so that `use kis::*`
//! is enough for an application, and [`open_store`] picks a backend from a location.

use std::sync::Arc;

pub use kis_core::*;
pub use kis_postgres::{PostgresOptions, PostgresStore};
pub use kis_sqlite::{SqliteOptions, SqliteStore, Synchronous};

/// Opens the store at `location`: a `postgres://` or `postgresql://` URL (PostgreSQL),
/// `:memory:` (a private in-memory SQLite database), or a file path (SQLite, created if
/// missing). This is how the Python and Kotlin bindings choose a backend: the same API,
/// only the location differs.
pub fn open_store(location: &str) -> Result<Arc<dyn Store>, StoreError> {
    if location.starts_with("postgres://") || location.starts_with("postgresql://") {
        Ok(Arc::new(PostgresStore::connect(location)?))
    } else if location == ":memory:" {
        Ok(Arc::new(SqliteStore::open_in_memory()?))
    } else {
        Ok(Arc::new(SqliteStore::open(location)?))
    }
}
