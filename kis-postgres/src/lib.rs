//! `PostgresStore`: kis on PostgreSQL, for an ERP running several application servers
//! (or a backend serving many phones) on one database.
//!
//! Pure Rust (the sync `postgres` crate, no libpq). Correct under concurrency by
//! PostgreSQL's own means: optimistic version checks as single conditional `UPDATE`s,
//! counter reservations under a row lock, the audit chain's head under a row lock so
//! that concurrent engines append one gapless chain, and retryable errors (serialization
//! failures, deadlocks, lost connections) reported as `Unavailable` for the engine to retry.

#![warn(missing_docs)]

mod conn;
mod errors;
mod schema;
mod store;
mod tx;

pub use store::{PostgresOptions, PostgresStore};
