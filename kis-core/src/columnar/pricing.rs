//! Pricing a table of lines under a policy (P4.1), with no store: what an analyst runs to
//! see what a price-book change would do to last year's orders.
//!
//! Tables (column names; types):
//! - products: `product` string, `category` string, `list_price` and `cost` decimal128.
//! - lines: `product` string, `quantity` decimal128 or integer, `date` date32, optional
//!   `customer` and `customer_group` strings.
//!
//! Result, one row per line: `product`, `quantity`, `list_price`, `unit_price`,
//! `free_units`, `line_total`, `rule` (the first rule applied) and `rules` (all of them,
//! comma-separated).

use std::collections::HashMap;

use arrow_array::{Array, RecordBatch};
use rust_decimal::Decimal;

use super::export::Columns;
use super::read::{Decimals, Text, column, days, decimal_at, no_nulls, numbered, optional};
use crate::error::{Error, InvalidInput, Result};
use crate::policy::Policy;
use crate::pricing::{PriceRequest, PricedLine};

struct Entry {
    category: String,
    list_price: Decimal,
    cost: Decimal,
}

fn catalogue(products: &[RecordBatch]) -> Result<HashMap<String, Entry>> {
    const T: &str = "products";
    let mut out = HashMap::new();
    for (first, b) in numbered(products) {
        for name in ["product", "category", "list_price", "cost"] {
            no_nulls(column(b, T, name)?.as_ref(), T, name, first)?;
        }
        let ids = Text::of(column(b, T, "product")?, T, "product")?;
        let categories = Text::of(column(b, T, "category")?, T, "category")?;
        let list = Decimals::of(column(b, T, "list_price")?, T, "list_price")?;
        let cost = Decimals::of(column(b, T, "cost")?, T, "cost")?;
        for i in 0..b.num_rows() {
            out.insert(
                ids.value(i).to_string(),
                Entry {
                    category: categories.value(i).to_string(),
                    list_price: list.decimal(i, first)?,
                    cost: cost.decimal(i, first)?,
                },
            );
        }
    }
    Ok(out)
}

/// Prices every line of `lines` by the policy's price book.
pub fn price_lines(
    policy: &Policy,
    products: &[RecordBatch],
    lines: &[RecordBatch],
) -> Result<RecordBatch> {
    const T: &str = "lines";
    let catalogue = catalogue(products)?;
    let currency = policy.general().currency;
    let mut priced: Vec<(String, PricedLine)> = Vec::new();
    let mut row = 0usize;
    for (first, b) in numbered(lines) {
        for name in ["product", "quantity", "date"] {
            no_nulls(column(b, T, name)?.as_ref(), T, name, first)?;
        }
        let products = Text::of(column(b, T, "product")?, T, "product")?;
        let quantities = column(b, T, "quantity")?;
        let dates = days(column(b, T, "date")?, T, "date")?;
        let customers = optional(b, "customer")
            .map(|c| Text::of(c, T, "customer").map(|t| (c, t)))
            .transpose()?;
        let groups = optional(b, "customer_group")
            .map(|c| Text::of(c, T, "customer_group").map(|t| (c, t)))
            .transpose()?;
        for (i, &day) in dates.iter().enumerate() {
            let product = products.value(i);
            let entry = catalogue.get(product).ok_or_else(|| {
                Error::invalid(
                    format!("lines.product[{row}]"),
                    format!("{product:?} is not in the products table"),
                )
            })?;
            let quantity = decimal_at(quantities, T, "quantity", first, i)?.unwrap_or_default();
            let customer = customers
                .as_ref()
                .and_then(|(a, t)| (!a.is_null(i)).then(|| t.value(i)));
            let group = groups
                .as_ref()
                .and_then(|(a, t)| (!a.is_null(i)).then(|| t.value(i)));
            let req = PriceRequest {
                product,
                category: &entry.category,
                list_price: entry.list_price,
                cost: entry.cost,
                currency,
                customer,
                customer_group: group,
                quantity,
                date: super::read::from_days(day),
            };
            let line = policy
                .price_book()
                .price(&req, false)
                .map_err(|e| InvalidInput::new(format!("{T}.{}[{row}]", e.field), e.reason))?;
            priced.push((product.to_string(), line));
            row = row.saturating_add(1);
        }
    }
    let mut c = Columns::default();
    c.text("product", priced.iter().map(|(p, _)| Some(p.as_str())));
    let col = |f: fn(&PricedLine) -> Decimal| -> Vec<Option<Decimal>> {
        priced.iter().map(|(_, p)| Some(f(p))).collect()
    };
    let scale = policy.rounding().scale;
    c.decimal("quantity", &col(|p| p.quantity), 0)?;
    c.decimal("list_price", &col(|p| p.list_price), scale)?;
    c.decimal("unit_price", &col(|p| p.unit_price), scale)?;
    c.decimal("free_units", &col(|p| p.free_units), 0)?;
    c.decimal("line_total", &col(|p| p.line_total), scale)?;
    c.text(
        "rule",
        priced
            .iter()
            .map(|(_, p)| p.applied.first().map(String::as_str)),
    );
    let all: Vec<String> = priced.iter().map(|(_, p)| p.applied.join(",")).collect();
    c.text("rules", all.iter().map(|s| Some(s.as_str())));
    c.finish()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{Date32Array, Float64Array, StringArray};

    use chrono::NaiveDate;

    use super::*;
    use crate::columnar::test_support::{batch, dec_col};

    #[test]
    fn lines_are_priced_by_the_book_and_bad_tables_are_refused() {
        let policy = Policy::from_toml(include_str!("../../../examples/policy.toml")).unwrap();
        let products = batch(vec![
            ("product", Arc::new(StringArray::from(vec!["KIS-PRO"]))),
            (
                "category",
                Arc::new(StringArray::from(vec!["software>erp"])),
            ),
            ("list_price", dec_col(&[100000], 2)),
            ("cost", dec_col(&[60000], 2)),
        ]);
        let day = crate::columnar::read::to_days(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        let lines = batch(vec![
            (
                "product",
                Arc::new(StringArray::from(vec!["KIS-PRO", "KIS-PRO"])),
            ),
            ("quantity", dec_col(&[1, 10], 0)),
            ("date", Arc::new(Date32Array::from(vec![day, day]))),
        ]);
        let out = price_lines(&policy, std::slice::from_ref(&products), &[lines]).unwrap();
        let totals = Decimals::of(
            out.column_by_name("line_total").unwrap(),
            "out",
            "line_total",
        )
        .unwrap();
        // One at list; ten at the volume schedule's 5 % off.
        assert_eq!(totals.decimal(0, 0).unwrap(), Decimal::new(100000, 2));
        assert_eq!(totals.decimal(1, 0).unwrap(), Decimal::new(950000, 2));
        let unknown = batch(vec![
            ("product", Arc::new(StringArray::from(vec!["NOPE"]))),
            ("quantity", dec_col(&[1], 0)),
            ("date", Arc::new(Date32Array::from(vec![day]))),
        ]);
        assert!(matches!(
            price_lines(&policy, std::slice::from_ref(&products), &[unknown]),
            Err(Error::Invalid(e)) if e.field == "lines.product[0]"
        ));
        let float = batch(vec![
            ("product", Arc::new(StringArray::from(vec!["KIS-PRO"]))),
            ("quantity", Arc::new(Float64Array::from(vec![1.0]))),
            ("date", Arc::new(Date32Array::from(vec![day]))),
        ]);
        assert!(matches!(
            price_lines(&policy, &[products], &[float]),
            Err(Error::Invalid(e)) if e.field == "lines.quantity"
        ));
    }
}
