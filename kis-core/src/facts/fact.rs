//! Sales facts: one per delivered order line, the input of KPI scoring (P5.3a) and
//! sales reports (P9). Ids start with the date, and facts are stored in id order in
//! segments ([`log`](super::log)), so a period is one contiguous read. The
//! layers: this model, its encoding ([`segment`](super::segment)), its storage
//! ([`log`](super::log)), and reading periods back ([`read`](super::read)).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::document::Document;
use crate::ids::UserId;
use crate::money::Currency;

/// A rep's share of a sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Credit {
    /// The rep.
    pub rep: UserId,
    /// Their share, in percent (the shares of a sale sum to 100).
    pub share_pct: Decimal,
}

/// One delivered line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SalesFact {
    /// `{date}:{order}:{line number, 3 digits}`.
    pub id: String,
    /// Delivery date.
    pub date: NaiveDate,
    /// The order.
    pub order: String,
    /// The contract.
    pub contract: String,
    /// The customer.
    pub customer: String,
    /// The product.
    pub product: String,
    /// Units delivered.
    pub quantity: Decimal,
    /// Revenue (the line total).
    pub amount: Decimal,
    /// Cost (unit cost times quantity).
    pub cost: Decimal,
    /// Currency of amount and cost.
    pub currency: Currency,
    /// Who is credited, with shares.
    pub credits: Vec<Credit>,
}

impl Document for SalesFact {
    const COLLECTION: &'static str = "sales_facts";
    const KIND: &'static str = "sales fact";
    fn doc_id(&self) -> String {
        self.id.clone()
    }
}

impl SalesFact {
    /// The id of a fact: date first, for period scans.
    pub fn make_id(date: NaiveDate, order: &str, line: usize) -> String {
        format!("{date}:{order}:{line:03}")
    }
}
