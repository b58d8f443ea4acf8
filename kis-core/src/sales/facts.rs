//! Sales facts: one per delivered order line, the input of KPI scoring (P5.3a) and
//! sales reports (P9). Keyed by date first, so a period is one contiguous scan.

use std::ops::ControlFlow;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::engine::{Document, document};
use crate::error::Result;
use crate::ids::UserId;
use crate::money::Currency;
use crate::store::Transaction;

/// A rep's share of a sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credit {
    /// The rep.
    pub rep: UserId,
    /// Their share, in percent (the shares of a sale sum to 100).
    pub share_pct: Decimal,
}

/// One delivered line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// Visits the facts dated `from..=to` in date order. Fact ids start with the date, so
/// each month of the range is one prefix scan; a fact that does not decode stops the
/// scan with its error.
pub fn scan_facts(
    tx: &mut dyn Transaction,
    from: NaiveDate,
    to: NaiveDate,
    mut visit: impl FnMut(SalesFact) -> ControlFlow<()>,
) -> Result<()> {
    let mut month = from.with_day(1).unwrap_or(from);
    let mut failure = None;
    let mut stop = false;
    while month <= to && !stop {
        let prefix = month.format("%Y-%m-").to_string();
        tx.scan(
            SalesFact::COLLECTION,
            &prefix,
            &mut |r| match document::decode::<SalesFact>(r) {
                Ok(f) if f.value.date < from => ControlFlow::Continue(()),
                Ok(f) if f.value.date > to => {
                    stop = true;
                    ControlFlow::Break(())
                }
                Ok(f) => {
                    if visit(f.value).is_break() {
                        stop = true;
                        return ControlFlow::Break(());
                    }
                    ControlFlow::Continue(())
                }
                Err(e) => {
                    failure = Some(e);
                    stop = true;
                    ControlFlow::Break(())
                }
            },
        )?;
        match month.checked_add_months(chrono::Months::new(1)) {
            Some(next) => month = next,
            None => break,
        }
    }
    failure.map_or(Ok(()), Err)
}
