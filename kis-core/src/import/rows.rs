//! The rows an import batch carries, one type per table. Each row has a key (a user's
//! id, a sale's `order:line`...) that makes importing it again change nothing.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::facts::Credit;
use crate::ids::{TeamId, UserId};
use crate::kpi::Metrics;
use crate::money::Currency;
use crate::org::Role;
use crate::sales::Contact;

/// A user of the sales organisation (P2.1), as an HR system lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UserRow {
    /// The user's id (the row's key).
    pub id: UserId,
    /// Their name.
    pub name: String,
    /// Their role.
    pub role: Role,
    /// Their team; required for reps (P2.1).
    #[serde(default)]
    pub team: Option<TeamId>,
}

/// A team: its manager and the director it rolls up to (P2.1, P2.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TeamRow {
    /// The team's id (the row's key).
    pub id: TeamId,
    /// Its name.
    pub name: String,
    /// The leading manager.
    pub manager: UserId,
    /// The director, if any.
    #[serde(default)]
    pub director: Option<UserId>,
}

/// A customer record (P8.1) with its contacts (P8.2). Fields left out keep what kis has;
/// the owner changes only by a transfer, which is audited as one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CustomerRow {
    /// The customer's id (the row's key).
    pub id: String,
    /// Name.
    pub name: String,
    /// Customer group (price rules refer to it).
    pub group: String,
    /// The owning rep.
    pub owner: UserId,
    /// Region.
    #[serde(default)]
    pub region: Option<String>,
    /// Industry.
    #[serde(default)]
    pub industry: Option<String>,
    /// Preferences and needs.
    #[serde(default)]
    pub preferences: Option<String>,
    /// Contacts (replacing kis's list when given).
    #[serde(default)]
    pub contacts: Vec<Contact>,
}

/// A rep's annual targets (P2.2, P5), as `set_targets` takes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TargetRow {
    /// The rep (with `year`, the row's key).
    pub rep: UserId,
    /// The year.
    pub year: i32,
    /// The annual targets.
    pub annual: Metrics,
    /// Percent per month, January first (`None`: even).
    #[serde(default)]
    pub distribution: Option<Vec<Decimal>>,
}

/// A delivered sale recorded elsewhere (an ERP, years of history): one line of an order,
/// with who is credited. It becomes a sales fact like a delivery in kis (P5.3a, P9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SaleRow {
    /// The order in the system of record (with `line` and `date`, the row's key).
    pub order: String,
    /// The line of that order, from 1.
    pub line: u32,
    /// Delivery date.
    pub date: NaiveDate,
    /// The customer (a customer kis has).
    pub customer: String,
    /// The product (a product kis has).
    pub product: String,
    /// Units delivered.
    pub quantity: Decimal,
    /// Revenue of the line.
    pub amount: Decimal,
    /// Cost of the line; `None`: the product's unit cost times the quantity, rounded by
    /// policy, as for a delivery in kis.
    #[serde(default)]
    pub cost: Option<Decimal>,
    /// Currency of amount and cost: the price system's.
    pub currency: Currency,
    /// Who is credited, with shares summing to 100.
    pub credits: Vec<Credit>,
    /// The product's category, if the source states it: it must be the product's.
    #[serde(default)]
    pub category: Option<String>,
    /// The customer's region, if the source states it: it must be the customer's.
    #[serde(default)]
    pub region: Option<String>,
}

impl SaleRow {
    /// The row's key in messages: `order:line`.
    pub fn key(&self) -> String {
        format!("{}:{}", self.order, self.line)
    }
}
