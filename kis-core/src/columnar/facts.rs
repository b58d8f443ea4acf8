//! Sales facts from the store straight into Arrow, on every core: each worker decodes a
//! chunk of stored documents (borrowing their strings, never building a `SalesFact`)
//! into one record batch (strings as `utf8_view`, which polars takes without a copy); decimal columns are then brought to one scale per column, the
//! largest present, so no value is rounded.

use std::borrow::Cow;
use std::sync::Arc;

use arrow_array::builder::{Date32Builder, Decimal128Builder, StringViewBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::Decimal128Type;
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::org::{Actor, Role, require_role};
use crate::sales::fold_fact_chunks;

#[derive(Deserialize)]
struct FactRow<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    date: NaiveDate,
    #[serde(borrow)]
    order: Cow<'a, str>,
    #[serde(borrow)]
    contract: Cow<'a, str>,
    #[serde(borrow)]
    customer: Cow<'a, str>,
    #[serde(borrow)]
    product: Cow<'a, str>,
    quantity: Decimal,
    amount: Decimal,
    cost: Decimal,
    #[serde(borrow)]
    currency: Cow<'a, str>,
    #[serde(borrow)]
    credits: Vec<CreditRow<'a>>,
}

#[derive(Deserialize)]
struct CreditRow<'a> {
    #[serde(borrow)]
    rep: Cow<'a, str>,
    share_pct: Decimal,
}

/// The text columns, then the decimal columns, of the facts table.
const TEXT: [&str; 7] = [
    "id", "order", "contract", "customer", "product", "rep", "currency",
];
const DECIMALS: [&str; 4] = ["share_pct", "quantity", "amount", "cost"];

fn schema(scales: [u32; 4]) -> Arc<Schema> {
    let text = |n: &str| Field::new(n, DataType::Utf8View, false);
    let dec = |i: usize| {
        Field::new(
            DECIMALS[i],
            DataType::Decimal128(38, scales[i] as i8),
            false,
        )
    };
    Arc::new(Schema::new(vec![
        text("id"),
        Field::new("date", DataType::Date32, false),
        text("order"),
        text("contract"),
        text("customer"),
        text("product"),
        text("rep"),
        dec(0),
        dec(1),
        dec(2),
        dec(3),
        text("currency"),
    ]))
}

/// One chunk of stored fact documents as a batch, one row per credited rep.
fn chunk_batch(bodies: &[String]) -> Result<RecordBatch> {
    let rows: Vec<FactRow<'_>> = bodies
        .iter()
        .map(|b| crate::engine::document::decode_part("sales fact", b))
        .collect::<Result<_>>()?;
    let n: usize = rows.iter().map(|r| r.credits.len()).sum();
    let exploded = || {
        rows.iter()
            .flat_map(|r| r.credits.iter().map(move |c| (r, c)))
    };
    let mut text: Vec<StringViewBuilder> = TEXT
        .iter()
        .map(|_| StringViewBuilder::with_capacity(n))
        .collect();
    let mut dates = Date32Builder::with_capacity(n);
    let values =
        |(r, c): (&FactRow<'_>, &CreditRow<'_>)| [c.share_pct, r.quantity, r.amount, r.cost];
    let mut scales = [0u32; 4];
    for row in exploded() {
        for (s, v) in scales.iter_mut().zip(values(row)) {
            *s = (*s).max(v.scale());
        }
    }
    scales[2] = scales[2].max(2);
    scales[3] = scales[3].max(2);
    let mut decimals: Vec<Decimal128Builder> = (0..4)
        .map(|i| {
            Decimal128Builder::with_capacity(n)
                .with_precision_and_scale(38, scales[i] as i8)
                .map_err(|e| Error::invalid(DECIMALS[i], e.to_string()))
        })
        .collect::<Result<_>>()?;
    for (r, c) in exploded() {
        for (b, v) in text.iter_mut().zip([
            &r.id,
            &r.order,
            &r.contract,
            &r.customer,
            &r.product,
            &c.rep,
            &r.currency,
        ]) {
            b.append_value(v.as_ref());
        }
        dates.append_value(super::read::to_days(r.date));
        for ((b, mut v), scale) in decimals.iter_mut().zip(values((r, c))).zip(scales) {
            if v.scale() != scale {
                v.rescale(scale);
            }
            b.append_value(v.mantissa());
        }
    }
    let mut text = text
        .into_iter()
        .map(|mut b| Arc::new(b.finish()) as ArrayRef);
    let mut decimals = decimals
        .into_iter()
        .map(|mut b| Arc::new(b.finish()) as ArrayRef);
    let mut next_text = || text.next().expect("seven text columns");
    let mut next_dec = || decimals.next().expect("four decimal columns");
    let columns = vec![
        next_text(),
        Arc::new(dates.finish()) as ArrayRef,
        next_text(),
        next_text(),
        next_text(),
        next_text(),
        next_text(),
        next_dec(),
        next_dec(),
        next_dec(),
        next_dec(),
        next_text(),
    ];
    RecordBatch::try_new(schema(scales), columns)
        .map_err(|e| Error::invalid("facts", e.to_string()))
}

/// Brings every batch's decimal columns to the largest scale among the batches.
fn unify_scales(batches: Vec<RecordBatch>) -> Result<Vec<RecordBatch>> {
    let scale_of = |b: &RecordBatch, i: usize| match b.schema_ref().field(7 + i).data_type() {
        DataType::Decimal128(_, s) => *s as u32,
        _ => 0,
    };
    let mut target = [0u32, 0, 2, 2];
    for b in &batches {
        for (i, t) in target.iter_mut().enumerate() {
            *t = (*t).max(scale_of(b, i));
        }
    }
    let schema = schema(target);
    batches
        .into_iter()
        .map(|b| {
            let mut columns = b.columns().to_vec();
            for (i, &t) in target.iter().enumerate() {
                let have = scale_of(&b, i);
                if have != t {
                    let factor = 10i128.pow(t - have);
                    let scaled = b
                        .column(7 + i)
                        .as_primitive::<Decimal128Type>()
                        .unary::<_, Decimal128Type>(|v| v * factor)
                        .with_precision_and_scale(38, t as i8)
                        .map_err(|e| Error::invalid(DECIMALS[i], e.to_string()))?;
                    columns[7 + i] = Arc::new(scaled);
                }
            }
            RecordBatch::try_new(schema.clone(), columns)
                .map_err(|e| Error::invalid("facts", e.to_string()))
        })
        .collect()
}

impl Engine {
    /// The sales facts dated `from..=to` as Arrow record batches in date order, one row
    /// per credited rep, decoded on every core (director, finance, admin).
    pub fn sales_facts_batches(
        &self,
        actor: &Actor,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<RecordBatch>> {
        let viewer = self.acting_user(actor)?;
        require_role(
            &viewer,
            &[Role::Director, Role::Finance, Role::Admin],
            "read every rep's sales facts",
        )?;
        let parts = self.read(|tx| {
            fold_fact_chunks(tx, from, to, Vec::new, |out, n, bodies| {
                out.push((n, chunk_batch(&bodies)?));
                Ok(())
            })
        })?;
        let mut numbered: Vec<(usize, RecordBatch)> = parts.into_iter().flatten().collect();
        numbered.sort_by_key(|(n, _)| *n);
        let batches: Vec<RecordBatch> = numbered.into_iter().map(|(_, b)| b).collect();
        if batches.is_empty() {
            return Ok(vec![RecordBatch::new_empty(schema([0, 0, 2, 2]))]);
        }
        unify_scales(batches)
    }
}
