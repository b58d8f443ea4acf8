//! The explanation of a price: every rule considered, and what it did or why not.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// What happened to one rule on one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// It applied.
    Applied,
    /// It matched but another exclusive rule ranked higher.
    Outranked,
    /// A condition failed (the detail says which).
    NotMatched,
    /// A guard changed the price (floor margin, discount cap).
    Guard,
}

/// One line of a price's explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TraceStep {
    /// The rule id (or the guard's policy key).
    pub rule: String,
    /// What happened.
    pub outcome: Outcome,
    /// Why, in words.
    pub detail: String,
    /// The unit price after this step, when it changed the price.
    pub unit_price: Option<Decimal>,
}
