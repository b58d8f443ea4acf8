//! The kinds of document that go through a review chain.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::policy::{ApprovalPolicy, Chain};

/// A kind of reviewed document; each has its chain in `[approval.<kind>]`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// A quote (P3.2b).
    Quote,
    /// A special-price application (P4.1c).
    PriceException,
    /// A contract (P3.4).
    Contract,
    /// A change to a signed contract (P7.3).
    ContractChange,
    /// An expense claim (P6.2).
    ExpenseClaim,
    /// An expense budget (P6.1).
    Budget,
}

impl DocKind {
    /// The name used in the policy file, queue keys and the API.
    pub fn as_str(&self) -> &'static str {
        match self {
            DocKind::Quote => "quote",
            DocKind::PriceException => "price_exception",
            DocKind::Contract => "contract",
            DocKind::ContractChange => "contract_change",
            DocKind::ExpenseClaim => "expense_claim",
            DocKind::Budget => "budget",
        }
    }

    /// Parses a kind name.
    pub fn parse(name: &str) -> Option<DocKind> {
        [
            DocKind::Quote,
            DocKind::PriceException,
            DocKind::Contract,
            DocKind::ContractChange,
            DocKind::ExpenseClaim,
            DocKind::Budget,
        ]
        .into_iter()
        .find(|k| k.as_str() == name)
    }

    /// This kind's chain in the policy.
    pub fn chain<'p>(&self, policy: &'p ApprovalPolicy) -> &'p Chain {
        match self {
            DocKind::Quote => &policy.quote,
            DocKind::PriceException => &policy.price_exception,
            DocKind::Contract => &policy.contract,
            DocKind::ContractChange => &policy.contract_change,
            DocKind::ExpenseClaim => &policy.expense_claim,
            DocKind::Budget => &policy.budget,
        }
    }
}

impl fmt::Display for DocKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
