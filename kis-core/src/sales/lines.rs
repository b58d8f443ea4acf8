//! Pricing document lines: the engine price comes from the price book (P4.1, P4.2) for
//! the customer, quantity and day; a lower price needs a price exception (P4.1c), and a
//! rep never sets a price of their own (P4.1b).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use chrono::NaiveDate;

use super::catalogue::Product;
use crate::engine::CommandContext;
use crate::error::{Error, Result};
use crate::money::{Money, RoundingPolicy};
use crate::pricing::{PriceBook, PriceRequest, TraceStep};

/// A line as a user asks for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LineRequest {
    /// The product.
    pub product: String,
    /// The quantity (positive).
    pub quantity: Decimal,
    /// A special unit price below the engine price (P4.1c), with its price exception.
    #[serde(default)]
    pub special_price: Option<Decimal>,
    /// The price exception that grants the special price.
    #[serde(default)]
    pub price_exception: Option<String>,
}

/// A priced line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Line {
    /// The product.
    pub product: String,
    /// The quantity.
    pub quantity: Decimal,
    /// The list price per unit.
    pub list_price: Decimal,
    /// The engine's unit price (the price rules applied to the list price).
    pub engine_price: Decimal,
    /// The unit price charged (the engine price, or a special price).
    pub unit_price: Decimal,
    /// The unit cost (for profit).
    pub unit_cost: Decimal,
    /// `unit_price * quantity`, rounded once by policy.
    pub line_total: Decimal,
    /// Discount from the engine price, in percent (two decimals).
    pub discount_pct: Decimal,
    /// The price exception behind a special price.
    pub price_exception: Option<String>,
    /// Units given free on top (buy N get M).
    pub free_units: Decimal,
    /// The rules that set the engine price, in the order applied.
    pub rules: Vec<String>,
    /// How the engine price came about: every rule considered (P3.3 keeps it per revision).
    pub trace: Vec<TraceStep>,
}

impl Line {
    /// The request this line was priced from (for copies and revisions).
    pub fn request(&self) -> LineRequest {
        let special = self.price_exception.is_some().then_some(self.unit_price);
        LineRequest {
            product: self.product.clone(),
            quantity: self.quantity,
            special_price: special,
            price_exception: self.price_exception.clone(),
        }
    }
}

/// Who and when a document's lines are priced for.
#[derive(Debug, Clone, Copy)]
pub struct PricingFor<'a> {
    /// The customer.
    pub customer: &'a str,
    /// The customer's group.
    pub group: &'a str,
    /// The pricing day.
    pub date: NaiveDate,
}

/// Prices `requests` with the policy's price book. Returns the lines and their total
/// (the sum of the rounded line totals).
pub fn price_lines(
    ctx: &mut CommandContext<'_>,
    requests: &[LineRequest],
    who: PricingFor<'_>,
) -> Result<(Vec<Line>, Money)> {
    if requests.is_empty() {
        return Err(Error::invalid(
            "lines",
            "a document needs at least one line",
        ));
    }
    let policy = ctx.policy().clone();
    let currency = policy.general().currency;
    let mut lines = Vec::with_capacity(requests.len());
    for (i, r) in requests.iter().enumerate() {
        let product = ctx
            .get::<Product>(&r.product)?
            .ok_or_else(|| {
                Error::invalid(
                    format!("lines[{i}].product"),
                    format!("{:?} is not in the catalogue", r.product),
                )
            })?
            .value;
        lines.push(price_line(
            i,
            r,
            &product,
            &policy.price_book(),
            policy.rounding(),
            who,
        )?);
    }
    let total = crate::checked::sum("lines", lines.iter().map(|l| l.line_total))?;
    Ok((lines, Money::new(total, currency)))
}

/// The engine price of `quantity` units of `product` for a customer on a day.
pub fn engine_price(
    book: &PriceBook,
    product: &Product,
    quantity: Decimal,
    who: PricingFor<'_>,
    explain: bool,
) -> Result<crate::pricing::PricedLine> {
    Ok(book.price(
        &PriceRequest {
            product: &product.id,
            category: &product.category,
            list_price: product.list_price.amount,
            cost: product.cost.amount,
            currency: product.list_price.currency,
            customer: Some(who.customer),
            customer_group: Some(who.group),
            quantity,
            date: who.date,
        },
        explain,
    )?)
}

/// Prices one line (pure).
pub fn price_line(
    i: usize,
    r: &LineRequest,
    product: &Product,
    book: &PriceBook,
    rounding: RoundingPolicy,
    who: PricingFor<'_>,
) -> Result<Line> {
    if r.quantity <= Decimal::ZERO {
        return Err(Error::invalid(
            format!("lines[{i}].quantity"),
            format!("{} must be positive", r.quantity),
        ));
    }
    let priced = engine_price(book, product, r.quantity, who, true)
        .map_err(|e| prefixed(e, &format!("lines[{i}]")))?;
    let engine = priced.unit_price;
    let unit_price = match (r.special_price, &r.price_exception) {
        (None, None) => engine,
        (Some(p), Some(_)) if p < Decimal::ZERO => {
            return Err(Error::invalid(
                format!("lines[{i}].special_price"),
                "must not be negative",
            ));
        }
        (Some(p), Some(_)) if p >= engine => {
            return Err(Error::invalid(
                format!("lines[{i}].special_price"),
                format!(
                    "{p} is not below the engine price {engine}; reps do not change prices (P4.1b)"
                ),
            ));
        }
        (Some(p), Some(_)) => p,
        (Some(_), None) => {
            return Err(Error::invalid(
                format!("lines[{i}].price_exception"),
                "a special price needs a price exception (P4.1c)",
            ));
        }
        (None, Some(_)) => {
            return Err(Error::invalid(
                format!("lines[{i}].special_price"),
                "a price exception is used with the special price it grants",
            ));
        }
    };
    let line_total = if r.special_price.is_some() {
        rounding.round_decimal(crate::checked::mul(
            &format!("lines[{i}].quantity"),
            unit_price,
            r.quantity,
        )?)
    } else {
        priced.line_total
    };
    let discount_pct = if engine.is_zero() {
        Decimal::ZERO
    } else {
        let off = crate::checked::sub("special_price", engine, unit_price)?;
        let share = crate::checked::div("special_price", off, engine)?;
        crate::checked::mul("special_price", share, Decimal::ONE_HUNDRED)?.round_dp(2)
    };
    Ok(Line {
        product: r.product.clone(),
        quantity: r.quantity,
        list_price: priced.list_price,
        engine_price: engine,
        unit_price,
        unit_cost: product.cost.amount,
        line_total,
        discount_pct,
        price_exception: r.price_exception.clone(),
        free_units: priced.free_units,
        rules: priced.applied,
        trace: priced.trace,
    })
}

/// An error about one line of a document, its field placed under the line (`quantity`
/// becomes `lines[3].quantity`).
fn prefixed(e: Error, line: &str) -> Error {
    match e {
        Error::Invalid(i) => Error::Invalid(i.under(line)),
        other => other,
    }
}

/// The largest discount of any line.
pub fn max_discount(lines: &[Line]) -> Option<Decimal> {
    lines.iter().map(|l| l.discount_pct).max()
}
