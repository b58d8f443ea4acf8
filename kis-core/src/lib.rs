//! kis-core: the sales-management domain of kis, pure Rust with no I/O.
//!
//! It turns a company's sales regulation (`policy.md`, clauses P1..P9) into types and
//! rules: money and rounding, the organisation and who may do what, the policy file, the
//! storage contract, the hash-chained audit trail, and the [`Engine`] that runs commands.
//! Storage backends live in their own crates (`kis-sqlite`, `kis-postgres`); the
//! in-memory store is here.

#![warn(missing_docs)]
// #16: nothing a caller passes in, or a store hands back, may panic kis. Arithmetic is
// checked (`checked`, or `saturating_*` where a bound makes overflow impossible, said in a
// comment), indexing goes through `get`, and an `expect` carries the reason it cannot
// fail. Tests may do as they like.
#![cfg_attr(
    not(test),
    deny(
        clippy::arithmetic_side_effects,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

pub mod admin;
pub mod api;
pub mod approval;
pub mod audit;
pub mod cases;
pub mod checked;
pub mod clock;
#[cfg(feature = "arrow")]
pub mod columnar;
pub mod crm;
pub mod document;
pub mod engine;
pub mod error;
pub mod expense;
pub mod facts;
pub mod feed;
pub mod ids;
pub mod impact;
pub mod import;
pub mod input;
pub mod kpi;
pub mod money;
pub mod org;
pub mod policy;
pub mod pricing;
pub mod report;
pub mod reviews;
pub mod sales;
pub mod store;
pub mod sync;
pub mod token;

pub use clock::{Clock, ManualClock, SystemClock};
pub use document::{Document, Versioned};
pub use engine::{Command, CommandContext, Engine, PolicyVersion};
pub use error::{Error, InvalidInput, Result};
pub use ids::{TeamId, UserId};
pub use money::{Currency, Money, MoneyError, RoundingMode, RoundingPolicy};
pub use org::{Actor, Role, Team, User};
pub use policy::{Policy, PolicyError, PolicyProblem};
pub use store::{MemoryStore, Store, StoreError};

/// The name a value has on the wire (its serde name): `ApprovalStatus::Pending` is
/// `"pending"`. The bindings use it so that every language names states the same way.
pub fn wire_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}
