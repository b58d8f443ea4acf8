//! Kotlin and Swift bindings of kis (uniffi, proc macros). Thin by design: the engine's
//! whole API crosses through one method, `KisEngine::call`, as the JSON of the API
//! declaration (`kis::api`), and the typed Kotlin and Swift APIs are generated from that
//! declaration's schema. Validation stays in kis-core; this crate only translates its
//! errors (`KisError`) and opens engines.
//!
//! Why not uniffi derives on the core types: the records would then be declared twice
//! (once for serde and the schema that Python, HTTP and sync read, once for uniffi), and
//! every new field would have to agree in both. One schema, one wire, three generated
//! bindings keep "same input, same output" true by construction (docs/design.md).

// uniffi returns errors by value across the FFI: `KisError` carries core's message and
// its fields, and boxing it would only move the same bytes behind a pointer.
#![allow(clippy::result_large_err)]

mod background;
mod clock;
mod engine;
mod error;
mod replica;
mod values;

pub use clock::ManualClock;
pub use engine::KisEngine;
pub use error::{KisError, PolicyProblem};
pub use replica::KisReplica;
pub use values::Amount;

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

/// Rounds an amount by a policy's rounding rule (scale and mode): the one rounding of
/// money kis does, for an app that shows a figure it computed itself.
#[uniffi::export]
pub fn round_amount(policy_toml: String, amount: Amount) -> Result<Amount, KisError> {
    let policy = kis::Policy::from_toml(&policy_toml)?;
    Ok(Amount::from_decimal(
        policy.rounding().round_decimal(amount.parse("amount")?),
    ))
}
