//! `PostgresStore`: kis on PostgreSQL, for an ERP running several application servers
//! (or a backend serving many phones) on one database.
//!
//! Pure Rust (the sync `postgres` crate, no libpq). Correct under concurrency by
//! PostgreSQL's own means: each write transaction first locks the audit chain's head row
//! (every command appends to that one chain, so writers are serialised there in any
//! case; locking first makes the queue fair and spares lost races), version checks are
//! single conditional `UPDATE`s, counter reservations run under a row lock, and
//! retryable errors (serialization failures, deadlocks, lost connections) are reported
//! as `Unavailable` for the engine to retry. Reads use a snapshot and never wait.

#![warn(missing_docs)]

mod conn;
mod errors;
mod schema;
mod store;
mod tls;
mod tx;

pub use store::{PostgresOptions, PostgresStore};
