//! Kotlin and Swift bindings of kis (uniffi, proc macros). Thin: each exported method
//! converts its arguments (validating them here, so a bad value from the app becomes
//! `KisException.InvalidInput`, never an internal error), calls the engine, and converts
//! the result or the error.

// uniffi returns errors by value across the FFI: `KisError` carries core's message and
// its fields, and boxing it would only move the same bytes behind a pointer.
#![allow(clippy::result_large_err)]

mod clock;
mod crm;
mod engine;
mod error;
mod expense;
mod kpi;
mod leads;
mod records;
mod report;
mod sales;
mod values;

pub use clock::ManualClock;
pub use engine::KisEngine;
pub use error::{KisError, PolicyProblem};
pub use records::{AuditEntry, AuditReport, Money, PolicyVersion, Role, Team, User};
pub use sales::{
    Customer, DocumentKind, InboxItem, Line, LineRequest, PriceException, Product, Quote, Review,
    ReviewOutcome, ReviewStep,
};
pub use values::{Amount, Day};

uniffi::setup_scaffolding!();

/// The API's JSON Schema document: every entry of the declaration (name, kind, doc),
/// its request and output types. `KisEngine.call` runs any of them.
#[uniffi::export]
pub fn api_schema() -> String {
    kis::api::schema().to_string()
}

/// Validates policy TOML text without opening an engine; returns its content hash.
#[uniffi::export]
pub fn validate_policy(policy_toml: String) -> Result<String, KisError> {
    Ok(kis::Policy::from_toml(&policy_toml)?.hash().to_string())
}

/// Adds two amounts of money; different currencies are `KisException.CurrencyMismatch`.
#[uniffi::export]
pub fn add_money(a: Money, b: Money) -> Result<Money, KisError> {
    let sum = a
        .to_core("a")?
        .checked_add(&b.to_core("b")?)
        .map_err(kis::Error::from)?;
    Ok(Money::from_core(sum))
}

/// Rounds an amount by a policy's rounding rule (scale and mode).
#[uniffi::export]
pub fn round_amount(policy_toml: String, amount: Amount) -> Result<Amount, KisError> {
    let policy = kis::Policy::from_toml(&policy_toml)?;
    Ok(Amount::from_decimal(
        policy.rounding().round_decimal(amount.parse("amount")?),
    ))
}
