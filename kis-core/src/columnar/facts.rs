//! Sales facts from the store straight into Arrow, on every core: each worker turns a
//! chunk of stored segments (read in place, never building a `SalesFact`) into one
//! record batch (strings as `utf8_view`, which polars takes without a copy); decimal
//! columns are then brought to one scale per column, the largest present, so no value
//! is rounded.

use std::sync::Arc;

use arrow_array::builder::{Date32Builder, Decimal128Builder, StringViewBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::Decimal128Type;
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use chrono::NaiveDate;

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::org::{Actor, Role, require_role};
use crate::sales::{DatedSegment, FactDecimal, FactText, Segment, fold_fact_chunks};

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

/// One chunk of stored segments as a batch, one row per credited rep: strings are
/// copied from the segments' bytes, dates are already day numbers, decimals keep their
/// mantissas at the chunk's largest scale of each column.
fn chunk_batch(segments: &[DatedSegment<'_>]) -> Result<RecordBatch> {
    // (segment, fact, credit) of every output row.
    let rows: Vec<(&Segment<'_>, usize, usize)> = segments
        .iter()
        .flat_map(|d| {
            d.rows
                .clone()
                .flat_map(move |i| d.segment.credits(i).map(move |k| (&d.segment, i, k)))
        })
        .collect();
    let n = rows.len();
    let values = |&(s, i, k): &(&Segment<'_>, usize, usize)| {
        [
            s.credit_share(k),
            s.decimal(FactDecimal::Quantity, i),
            s.decimal(FactDecimal::Amount, i),
            s.decimal(FactDecimal::Cost, i),
        ]
    };
    let mut scales = [0u32, 0, 2, 2];
    for row in &rows {
        for (s, v) in scales.iter_mut().zip(values(row)) {
            *s = (*s).max(v.scale());
        }
    }
    let mut text: Vec<StringViewBuilder> = TEXT
        .iter()
        .map(|_| StringViewBuilder::with_capacity(n))
        .collect();
    let mut dates = Date32Builder::with_capacity(n);
    let mut decimals: Vec<Decimal128Builder> = (0..4)
        .map(|i| {
            Decimal128Builder::with_capacity(n)
                .with_precision_and_scale(38, scales[i] as i8)
                .map_err(|e| Error::invalid(DECIMALS[i], e.to_string()))
        })
        .collect::<Result<_>>()?;
    for row in &rows {
        let &(s, i, k) = row;
        for (b, v) in text.iter_mut().zip([
            s.text(FactText::Id, i),
            s.text(FactText::Order, i),
            s.text(FactText::Contract, i),
            s.text(FactText::Customer, i),
            s.text(FactText::Product, i),
            s.credit_rep(k),
            s.text(FactText::Currency, i),
        ]) {
            b.append_value(v);
        }
        dates.append_value(s.day(i));
        for ((b, mut v), scale) in decimals.iter_mut().zip(values(row)).zip(scales) {
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
            fold_fact_chunks(tx, from, to, Vec::new, |out, n, segments| {
                out.push((n, chunk_batch(segments)?));
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
