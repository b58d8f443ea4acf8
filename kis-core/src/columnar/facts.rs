//! Sales facts from the store straight into Arrow, on every core: each worker turns a
//! chunk of stored segments (read in place, never building a `SalesFact`) into one
//! record batch whose string columns (`utf8_view`, which polars takes without a copy)
//! point into the segments' own bytes; decimal columns are then brought to one scale per
//! column, the largest present, so no value is rounded.

use std::ops::Range;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::Decimal128Type;
use arrow_array::{ArrayRef, Date32Array, Decimal128Array, RecordBatch, StringViewArray};
use arrow_buffer::Buffer;
use arrow_schema::{DataType, Field, Schema};
use chrono::NaiveDate;

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::org::{Actor, Role, require_role};
use crate::sales::{DatedSegment, FactChunk, FactDecimal, FactText, fold_fact_chunks};

/// The decimal columns of the facts table, in order.
const DECIMALS: [&str; 4] = ["share_pct", "quantity", "amount", "cost"];

fn schema(scales: [u32; 4]) -> Arc<Schema> {
    let text = |n: &str| Field::new(n, DataType::Utf8View, false);
    // Scales are at most 28 (rust_decimal's), so they fit i8.
    let dec =
        |name: &str, scale: u32| Field::new(name, DataType::Decimal128(38, scale as i8), false);
    let [share, quantity, amount, cost] = scales;
    let [share, quantity, amount, cost] = [
        dec(DECIMALS[0], share),
        dec(DECIMALS[1], quantity),
        dec(DECIMALS[2], amount),
        dec(DECIMALS[3], cost),
    ];
    Arc::new(Schema::new(vec![
        text("id"),
        Field::new("date", DataType::Date32, false),
        text("order"),
        text("contract"),
        text("customer"),
        text("product"),
        text("rep"),
        share,
        quantity,
        amount,
        cost,
        text("currency"),
    ]))
}

/// Where the decimal columns start in [`schema`].
const FIRST_DECIMAL: usize = 7;

/// The mask keeping an inline view's length word and its first `len` data bytes, for
/// `len` 0..=12.
// Evaluated at compile time: an overflow or an index out of bounds fails the build.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
const INLINE_MASKS: [u128; 13] = {
    let mut masks = [0u128; 13];
    let mut len = 0;
    while len < 12 {
        masks[len] = (1u128 << (32 + 8 * len)) - 1;
        len += 1;
    }
    masks[12] = u128::MAX;
    masks
};

/// The Arrow view of the string at `span` of `bytes` (buffer `buffer`): its length and,
/// up to 12 bytes, the bytes themselves; longer, a 4-byte prefix and where it lies.
/// Reads a fixed 12 bytes where it can, then masks: no copy of variable length.
fn view(bytes: &[u8], span: Range<usize>, buffer: u32) -> u128 {
    let len = span.len();
    let mut word = [0u8; 16];
    let tail = bytes.get(span.start..).unwrap_or_default();
    if let (Some(data), Some(twelve)) = (word.last_chunk_mut::<12>(), tail.first_chunk::<12>()) {
        *data = *twelve;
    } else {
        // Fewer than 12 bytes left in the buffer: byte by byte, masked below.
        for (w, b) in word.iter_mut().skip(4).zip(tail) {
            *w = *b;
        }
    }
    let raw = u128::from_le_bytes(word);
    let len_bits = len as u128;
    match INLINE_MASKS.get(len) {
        // Keep the length word and `len` data bytes; zero the rest, as Arrow requires.
        Some(mask) => (raw & mask & !0xffff_ffff) | len_bits,
        None => {
            let prefix = raw & 0xffff_ffff_0000_0000;
            // Shifts by constants below 128: they cannot overflow.
            let buffer = u128::from(buffer).wrapping_shl(64);
            let offset = (span.start as u128).wrapping_shl(96);
            len_bits | prefix | buffer | offset
        }
    }
}

/// `mantissa` at scale `from`, brought to scale `to` (`to >= from`), if it fits.
fn rescaled(mantissa: i128, from: u32, to: u32, column: &str) -> Result<i128> {
    if from == to {
        return Ok(mantissa);
    }
    to.checked_sub(from)
        .and_then(|up| 10i128.checked_pow(up))
        .and_then(|factor| mantissa.checked_mul(factor))
        .ok_or_else(|| {
            Error::invalid(
                column,
                format!("a value does not fit decimal128(38) at scale {to}"),
            )
        })
}

/// A string column of views into the segments' text. Every view spans a string that
/// `Segment::read` checked (UTF-8, on char boundaries, inside its text column), moved
/// with its column into the one buffer. Arrow's own check of the same (UTF-8 again,
/// string by string) took a third of the export's time, so release builds skip it;
/// debug builds, and so the tests, still run it on every batch.
fn string_views(views: Vec<u128>, buffers: Vec<Buffer>) -> Result<StringViewArray> {
    if cfg!(debug_assertions) {
        return StringViewArray::try_new(views.into(), buffers, None)
            .map_err(|e| Error::invalid("facts", e.to_string()));
    }
    // SAFETY: `try_new` would accept these views and buffers (see above).
    Ok(unsafe { StringViewArray::new_unchecked(views.into(), buffers, None) })
}

/// One chunk of stored segments as a batch, one row per credited rep. Strings are not
/// copied one by one: each segment's text columns are copied whole into the batch's one
/// string buffer, and each string is a view into it; dates are already day numbers;
/// decimals are their mantissas at the chunk's largest scale of each column.
fn chunk_batch(chunk: FactChunk) -> Result<RecordBatch> {
    let segments = chunk.segments()?;
    let exploded = |d: &DatedSegment<'_>| {
        d.rows
            .clone()
            .map(|i| d.segment.credits(i).len())
            .sum::<usize>()
    };
    // Rows in memory: their count fits usize.
    let n = segments
        .iter()
        .fold(0usize, |n, d| n.saturating_add(exploded(d)));
    let fact_decimals = [
        FactDecimal::Quantity,
        FactDecimal::Amount,
        FactDecimal::Cost,
    ];
    let mut scales = [0u32, 0, 2, 2];
    for DatedSegment { segment: s, rows } in &segments {
        for i in rows.clone() {
            let credits = s.credits(i);
            if credits.is_empty() {
                continue;
            }
            let [share_scale, fact_scales @ ..] = &mut scales;
            for (scale, column) in fact_scales.iter_mut().zip(&fact_decimals) {
                *scale = (*scale).max(s.decimal_parts(*column, i).1);
            }
            for k in credits {
                *share_scale = (*share_scale).max(s.credit_share_parts(k).1);
            }
        }
    }
    let fact_texts = [
        FactText::Id,
        FactText::Order,
        FactText::Contract,
        FactText::Customer,
        FactText::Product,
        FactText::Currency,
    ];
    // The segments' text, column by column, in one buffer: the batch keeps these bytes
    // only, and the segments' own are freed (and their memory reused) chunk by chunk.
    let mut heap = Vec::new();
    let mut shifts = Vec::with_capacity(segments.len());
    for DatedSegment { segment: s, .. } in &segments {
        // Per column: where its text starts in the segment, and in the buffer.
        let mut shift = [(0usize, 0usize); 7];
        let regions = fact_texts
            .map(|t| s.text_region(t))
            .into_iter()
            .chain([s.credit_rep_region()]);
        for (slot, region) in shift.iter_mut().zip(regions) {
            *slot = (region.start, heap.len());
            // Regions lie inside the segment (checked by `Segment::read`).
            heap.extend_from_slice(s.bytes().get(region).unwrap_or_default());
        }
        shifts.push(shift);
    }
    // A span of a segment's column, moved to where that column lies in `heap`. Spans lie
    // inside their column's region, which starts at `from` (checked by `Segment::read`),
    // so neither step wraps.
    let moved = |span: Range<usize>, (from, to): (usize, usize)| {
        span.start.wrapping_sub(from).wrapping_add(to)..span.end.wrapping_sub(from).wrapping_add(to)
    };
    let mut views: [Vec<u128>; 7] = std::array::from_fn(|_| Vec::with_capacity(n));
    let mut decimals: [Vec<i128>; 4] = std::array::from_fn(|_| Vec::with_capacity(n));
    let mut dates = Vec::with_capacity(n);
    for (DatedSegment { segment: s, rows }, shift) in segments.iter().zip(&shifts) {
        for i in rows.clone() {
            let credits = s.credits(i);
            if credits.is_empty() {
                continue;
            }
            let [id, order, contract, customer, product, currency, rep_shift] = *shift;
            let [t_id, t_order, t_contract, t_customer, t_product, t_currency] = fact_texts;
            let text = |t: FactText, sh| view(&heap, moved(s.text_span(t, i), sh), 0);
            let [id, order, contract, customer, product, currency] = [
                text(t_id, id),
                text(t_order, order),
                text(t_contract, contract),
                text(t_customer, customer),
                text(t_product, product),
                text(t_currency, currency),
            ];
            let [share_scale, fact_scales @ ..] = scales;
            let [share_name, fact_names @ ..] = DECIMALS;
            let mut figures = [0i128; 3];
            for (((figure, column), to), name) in figures
                .iter_mut()
                .zip(&fact_decimals)
                .zip(fact_scales)
                .zip(fact_names)
            {
                let (mantissa, scale) = s.decimal_parts(*column, i);
                *figure = rescaled(mantissa, scale, to, name)?;
            }
            for k in credits {
                let rep = view(&heap, moved(s.credit_rep_span(k), rep_shift), 0);
                // Columns in table order.
                for (column, v) in views
                    .iter_mut()
                    .zip([id, order, contract, customer, product, rep, currency])
                {
                    column.push(v);
                }
                let (share, scale) = s.credit_share_parts(k);
                let [shares, fact_columns @ ..] = &mut decimals;
                shares.push(rescaled(share, scale, share_scale, share_name)?);
                for (column, figure) in fact_columns.iter_mut().zip(figures) {
                    column.push(figure);
                }
                dates.push(s.day(i));
            }
        }
    }
    drop(segments);
    drop(chunk);
    let buffers = vec![Buffer::from_vec(heap)];
    let mut text = views
        .into_iter()
        .map(|v| string_views(v, buffers.clone()).map(|a| Arc::new(a) as ArrayRef));
    let mut decimal = decimals.into_iter().zip(scales).map(|(v, scale)| {
        Decimal128Array::from(v)
            .with_precision_and_scale(38, scale as i8)
            .map(|a| Arc::new(a) as ArrayRef)
            .map_err(|e| Error::invalid("facts", e.to_string()))
    });
    let missing = || Error::invalid("facts", "a column of the export is missing");
    let mut next_text = || text.next().unwrap_or_else(|| Err(missing()));
    let mut next_dec = || decimal.next().unwrap_or_else(|| Err(missing()));
    let columns = vec![
        next_text()?,
        Arc::new(Date32Array::from(dates)) as ArrayRef,
        next_text()?,
        next_text()?,
        next_text()?,
        next_text()?,
        next_text()?,
        next_dec()?,
        next_dec()?,
        next_dec()?,
        next_dec()?,
        next_text()?,
    ];
    RecordBatch::try_new(schema(scales), columns)
        .map_err(|e| Error::invalid("facts", e.to_string()))
}

/// Brings every batch's decimal columns to the largest scale among the batches.
fn unify_scales(batches: Vec<RecordBatch>) -> Result<Vec<RecordBatch>> {
    let scale_of = |b: &RecordBatch, i: usize| match b
        .schema_ref()
        .fields()
        .get(i.saturating_add(FIRST_DECIMAL))
        .map(|f| f.data_type())
    {
        Some(DataType::Decimal128(_, s)) => *s as u32,
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
            for ((i, &t), name) in target.iter().enumerate().zip(DECIMALS) {
                let have = scale_of(&b, i);
                let Some(column) = columns.get_mut(i.saturating_add(FIRST_DECIMAL)) else {
                    continue;
                };
                if have != t {
                    let scaled = column
                        .as_primitive::<Decimal128Type>()
                        .try_unary::<_, Decimal128Type, _>(|v| rescaled(v, have, t, name))?
                        .with_precision_and_scale(38, t as i8)
                        .map_err(|e| Error::invalid(name, e.to_string()))?;
                    *column = Arc::new(scaled);
                }
            }
            RecordBatch::try_new(schema.clone(), columns)
                .map_err(|e| Error::invalid("facts", e.to_string()))
        })
        .collect()
}

impl Engine {
    /// The sales facts dated `from..=to` as Arrow record batches in date order, one row
    /// per credited rep, decoded on [`reader_threads`](Engine::reader_threads) threads
    /// (director, finance, admin).
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
        let workers = self.reader_threads();
        let parts = self.read(|tx| {
            fold_fact_chunks(tx, from, to, workers, Vec::new, |out, n, chunk| {
                out.push((n, chunk_batch(chunk)?));
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

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::Array;
    use arrow_array::builder::StringViewBuilder;

    /// Views made by `view` are the views Arrow's own builder makes, for strings of every
    /// length around the 12-byte inline limit, wherever they lie in the buffer (at its
    /// very end too, where fewer than 12 bytes follow).
    #[test]
    fn views_match_arrows_builder() {
        let text = "长城-0123456789abcdefghij";
        let bytes = text.as_bytes();
        let mut ours = Vec::new();
        let mut builder = StringViewBuilder::new();
        for start in (0..=bytes.len()).filter(|i| text.is_char_boundary(*i)) {
            for end in (start..=bytes.len()).filter(|i| text.is_char_boundary(*i)) {
                ours.push(view(bytes, start..end, 0));
                builder.append_value(&text[start..end]);
            }
        }
        let theirs = builder.finish();
        let array = StringViewArray::try_new(
            ours.clone().into(),
            vec![Buffer::from_vec(bytes.to_vec())],
            None,
        )
        .unwrap();
        assert_eq!(array.len(), theirs.len());
        for (i, (a, b)) in ours.iter().zip(theirs.views().iter()).enumerate() {
            assert_eq!(array.value(i), theirs.value(i));
            let inline = (*a as u32) <= 12;
            if inline {
                assert_eq!(a, b, "inline view {i}");
            } else {
                // Length and prefix agree; the buffer and offset are each one's own.
                assert_eq!(a & 0xffff_ffff_ffff_ffff, b & 0xffff_ffff_ffff_ffff);
            }
        }
    }
}
