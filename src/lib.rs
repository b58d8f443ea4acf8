//! # kis
//!
//! An embeddable sales-management engine: one price system, approval chains for quotes,
//! price exceptions, contracts and expense claims, KPI scoring, expense budgets, and an
//! append-only audit trail, all driven by a policy file. See the README for a tour.
//!
//! This facade re-exports the domain ([`kis_core`]) and the embedded SQLite store, so
//! that `use kis::*` is enough for an application.

pub use kis_core::*;
pub use kis_sqlite::{SqliteOptions, SqliteStore, Synchronous};
