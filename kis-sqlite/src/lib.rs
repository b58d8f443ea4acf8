//! `SqliteStore`: the embedded default store of kis.
//!
//! One file (or `:memory:`), WAL journal, `BEGIN IMMEDIATE` for write transactions so a
//! transaction never fails half-way on a lock, STRICT tables with money as exact decimal
//! TEXT, and a versioned schema migrated on open. Several processes may open the same
//! file: SQLite serialises their writers.

#![warn(missing_docs)]

mod errors;
mod schema;
mod store;
mod tx;

pub use store::{SqliteOptions, SqliteStore, Synchronous};
