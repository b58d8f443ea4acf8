//! Reading typed columns out of record batches, with errors that name the table, the
//! column and what was expected. Money columns must be decimals: a float column is
//! refused, never rounded into cents.

use arrow_array::cast::AsArray;
use arrow_array::types::{Int8Type, Int16Type, Int32Type, Int64Type, UInt32Type};
use arrow_array::{Array, ArrayRef, Decimal128Array, RecordBatch};
use arrow_schema::DataType;
use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::error::{Error, Result};

/// The column `name` of `batch`, or an error naming `table.name`.
pub fn column<'a>(batch: &'a RecordBatch, table: &str, name: &str) -> Result<&'a ArrayRef> {
    batch.column_by_name(name).ok_or_else(|| {
        let have: Vec<&str> = batch
            .schema_ref()
            .fields()
            .iter()
            .map(|f| f.name().as_str())
            .collect();
        Error::invalid(
            format!("{table}.{name}"),
            format!("missing column (the table has {have:?})"),
        )
    })
}

/// The column `name` if present.
pub fn optional<'a>(batch: &'a RecordBatch, name: &str) -> Option<&'a ArrayRef> {
    batch.column_by_name(name)
}

/// Refuses nulls in a required column, naming the first null row.
pub fn no_nulls(array: &dyn Array, table: &str, name: &str, first: usize) -> Result<()> {
    if array.null_count() > 0 {
        let at = (0..array.len()).find(|&i| array.is_null(i)).unwrap_or(0);
        return Err(Error::invalid(
            format!("{table}.{name}[{}]", first.saturating_add(at)),
            "is null; every row needs a value",
        ));
    }
    Ok(())
}

/// Each batch of a table with the table row of its first row, so that an error names the
/// row of the whole table, not of its batch.
pub fn numbered(batches: &[RecordBatch]) -> impl Iterator<Item = (usize, &RecordBatch)> {
    batches.iter().scan(0usize, |next, b| {
        let first = *next;
        *next = next.saturating_add(b.num_rows());
        Some((first, b))
    })
}

fn wrong_type(table: &str, name: &str, expected: &str, got: &DataType) -> Error {
    let why = if got.is_floating() {
        format!(
            "is {got}: money and scores are exact decimals, never floats; cast it to decimal128 first"
        )
    } else {
        format!("is {got}, expected {expected}")
    };
    Error::invalid(format!("{table}.{name}"), why)
}

/// A text column in any of Arrow's string layouts.
pub enum Text<'a> {
    /// `utf8`.
    Utf8(&'a arrow_array::StringArray),
    /// `large_utf8`.
    Large(&'a arrow_array::LargeStringArray),
    /// `utf8_view` (polars' strings).
    View(&'a arrow_array::StringViewArray),
    /// A dictionary of strings (pandas/polars categoricals): keys, then values.
    Dict(Keys<'a>, Box<Text<'a>>),
}

/// A dictionary's keys: int32 ones (what pyarrow, pandas and polars write) read in place,
/// so a table of 30 million rows is not copied to be read; other widths widened once.
pub enum Keys<'a> {
    /// `int32` keys, as stored.
    I32(&'a [i32]),
    /// Keys of another width.
    Widened(Vec<usize>),
}

impl Keys<'_> {
    /// Row `i`'s key (a negative key is past every dictionary).
    #[inline]
    pub fn get(&self, i: usize) -> Option<usize> {
        match self {
            Keys::I32(k) => k.get(i).map(|&k| usize::try_from(k).unwrap_or(usize::MAX)),
            Keys::Widened(k) => k.get(i).copied(),
        }
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        match self {
            Keys::I32(k) => k.len(),
            Keys::Widened(k) => k.len(),
        }
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<'a> Text<'a> {
    /// Reads a text column.
    pub fn of(array: &'a ArrayRef, table: &str, name: &str) -> Result<Text<'a>> {
        Ok(match array.data_type() {
            DataType::Utf8 => Text::Utf8(array.as_string::<i32>()),
            DataType::LargeUtf8 => Text::Large(array.as_string::<i64>()),
            DataType::Utf8View => Text::View(array.as_string_view()),
            DataType::Dictionary(_, _) => {
                let (keys, values) = dictionary_keys(array, table, name)?;
                let values = Text::of_owned(values, table, name)?;
                Text::Dict(keys, Box::new(values))
            }
            other => return Err(wrong_type(table, name, "a string column", other)),
        })
    }

    fn of_owned(values: &'a ArrayRef, table: &str, name: &str) -> Result<Text<'a>> {
        match values.data_type() {
            DataType::Dictionary(_, _) => Err(wrong_type(
                table,
                name,
                "a dictionary of strings",
                values.data_type(),
            )),
            _ => Text::of(values, table, name),
        }
    }

    /// The value of row `i` (the caller checked for nulls).
    #[inline]
    pub fn value(&self, i: usize) -> &'a str {
        match self {
            Text::Utf8(a) => a.value(i),
            Text::Large(a) => a.value(i),
            Text::View(a) => a.value(i),
            // Keys were checked against the dictionary when the column was read.
            Text::Dict(keys, values) => keys
                .get(i)
                .filter(|&k| k < values.len())
                .map_or("", |k| values.value(k)),
        }
    }

    /// The number of distinct values, for a dictionary (its values' count).
    pub fn dictionary_len(&self) -> Option<usize> {
        match self {
            Text::Dict(_, values) => Some(values.len()),
            _ => None,
        }
    }

    /// The dictionary key of row `i`, for a dictionary.
    #[inline]
    pub fn key(&self, i: usize) -> Option<usize> {
        match self {
            Text::Dict(keys, _) => keys.get(i),
            _ => None,
        }
    }

    /// Rows (or dictionary values).
    pub fn len(&self) -> usize {
        match self {
            Text::Utf8(a) => a.len(),
            Text::Large(a) => a.len(),
            Text::View(a) => a.len(),
            Text::Dict(keys, _) => keys.len(),
        }
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The dictionary's value `k`, for a dictionary.
    pub fn dictionary_value(&self, k: usize) -> Option<&'a str> {
        match self {
            Text::Dict(_, values) => Some(values.value(k)),
            _ => None,
        }
    }
}

fn dictionary_keys<'a>(
    array: &'a ArrayRef,
    table: &str,
    name: &str,
) -> Result<(Keys<'a>, &'a ArrayRef)> {
    let DataType::Dictionary(key, _) = array.data_type() else {
        return Err(wrong_type(table, name, "a dictionary", array.data_type()));
    };
    macro_rules! keys {
        ($t:ty) => {{
            let d = array.as_dictionary::<$t>();
            let keys = d.keys().values().iter().map(|&k| k as usize).collect();
            (Keys::Widened(keys), d.values())
        }};
    }
    Ok(match key.as_ref() {
        DataType::Int8 => keys!(Int8Type),
        DataType::Int16 => keys!(Int16Type),
        DataType::Int32 => {
            let d = array.as_dictionary::<Int32Type>();
            (Keys::I32(d.keys().values()), d.values())
        }
        DataType::Int64 => keys!(Int64Type),
        DataType::UInt32 => keys!(UInt32Type),
        other => {
            return Err(wrong_type(
                table,
                name,
                "dictionary keys of int8/16/32/64 or uint32",
                other,
            ));
        }
    })
}

/// An exact decimal column: integer values at one scale.
pub struct Decimals<'a> {
    /// The unscaled values.
    pub values: &'a [i128],
    /// Decimals.
    pub scale: u32,
    /// The table and column, for errors.
    table: &'a str,
    name: &'a str,
}

impl<'a> Decimals<'a> {
    /// Reads a `decimal128` column (an integer column is read at scale 0).
    pub fn of(array: &'a ArrayRef, table: &'a str, name: &'a str) -> Result<Decimals<'a>> {
        match array.data_type() {
            DataType::Decimal128(_, scale) if *scale >= 0 => {
                let a: &Decimal128Array = array.as_primitive();
                Ok(Decimals {
                    values: a.values(),
                    scale: *scale as u32,
                    table,
                    name,
                })
            }
            other => Err(wrong_type(table, name, "decimal128", other)),
        }
    }

    /// Row `i` as a [`Decimal`]; the batch starts at table row `first`.
    pub fn decimal(&self, i: usize, first: usize) -> Result<Decimal> {
        let raw = self.values.get(i).copied().unwrap_or_default();
        Decimal::try_from_i128_with_scale(raw, self.scale).map_err(|_| {
            Error::invalid(
                format!("{}.{}[{}]", self.table, self.name, first.saturating_add(i)),
                format!(
                    "{raw} at scale {} does not fit kis's exact decimals (28 digits)",
                    self.scale
                ),
            )
        })
    }
}

/// Row `i` of a decimal or integer column as a [`Decimal`] (small tables: targets,
/// surveys), refusing floats; the batch starts at table row `first`.
pub fn decimal_at(
    array: &ArrayRef,
    table: &str,
    name: &str,
    first: usize,
    i: usize,
) -> Result<Option<Decimal>> {
    if array.is_null(i) {
        return Ok(None);
    }
    let d = match array.data_type() {
        DataType::Decimal128(_, s) if *s >= 0 => {
            let a: &Decimal128Array = array.as_primitive();
            Decimal::try_from_i128_with_scale(a.value(i), *s as u32).map_err(|_| {
                Error::invalid(
                    format!("{table}.{name}[{}]", first.saturating_add(i)),
                    format!(
                        "{} at scale {s} does not fit kis's exact decimals (28 digits)",
                        a.value(i)
                    ),
                )
            })?
        }
        DataType::Int64 => Decimal::from(array.as_primitive::<Int64Type>().value(i)),
        DataType::Int32 => Decimal::from(array.as_primitive::<Int32Type>().value(i)),
        other => return Err(wrong_type(table, name, "decimal128 or an integer", other)),
    };
    Ok(Some(d))
}

/// The first and last day numbers (days since 1970-01-01) that are dates.
fn representable_days() -> (i32, i32) {
    let day = |d: NaiveDate| {
        i32::try_from(d.signed_duration_since(crate::clock::EPOCH).num_days()).unwrap_or(0)
    };
    (day(NaiveDate::MIN), day(NaiveDate::MAX))
}

/// A date column as days since 1970-01-01 (`date32`).
pub fn days<'a>(array: &'a ArrayRef, table: &str, name: &str) -> Result<&'a [i32]> {
    match array.data_type() {
        DataType::Date32 => {
            let values = array
                .as_primitive::<arrow_array::types::Date32Type>()
                .values();
            // Checked once here, so that `from_days` never meets an unrepresentable date:
            // the representable days are one range, so two comparisons a row (not a
            // calendar computation a row) decide it.
            let (first, last) = representable_days();
            match values.iter().find(|d| **d < first || **d > last) {
                Some(d) => Err(Error::invalid(
                    format!("{table}.{name}"),
                    format!("day {d} is outside the dates kis can represent"),
                )),
                None => Ok(values),
            }
        }
        other => Err(wrong_type(table, name, "date32", other)),
    }
}

/// An integer column (`int8`..`int64`, `uint8`..`uint32`) at row `i`.
pub fn integer_at(array: &ArrayRef, table: &str, name: &str, i: usize) -> Result<Option<i64>> {
    use arrow_array::types::{UInt8Type, UInt16Type};
    if array.is_null(i) {
        return Ok(None);
    }
    Ok(Some(match array.data_type() {
        DataType::Int8 => array.as_primitive::<Int8Type>().value(i) as i64,
        DataType::Int16 => array.as_primitive::<Int16Type>().value(i) as i64,
        DataType::Int32 => array.as_primitive::<Int32Type>().value(i) as i64,
        DataType::Int64 => array.as_primitive::<Int64Type>().value(i),
        DataType::UInt8 => array.as_primitive::<UInt8Type>().value(i) as i64,
        DataType::UInt16 => array.as_primitive::<UInt16Type>().value(i) as i64,
        DataType::UInt32 => array.as_primitive::<UInt32Type>().value(i) as i64,
        other => return Err(wrong_type(table, name, "an integer", other)),
    }))
}

/// A date as Arrow's `date32`: days since 1970-01-01.
pub use crate::clock::day_number as to_days;

/// A `date32` value of a column read through [`days`], which checked its range.
pub fn from_days(days: i32) -> NaiveDate {
    crate::clock::date_of_day(days).unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod representable {
    use super::*;

    #[test]
    fn the_representable_days_are_exactly_the_dates() {
        let (first, last) = representable_days();
        for d in [first, first + 1, 0, last - 1, last] {
            assert!(crate::clock::date_of_day(d).is_some(), "{d}");
        }
        assert!(crate::clock::date_of_day(first - 1).is_none());
        assert!(crate::clock::date_of_day(last + 1).is_none());
        let col: ArrayRef = std::sync::Arc::new(arrow_array::Date32Array::from(vec![0, last + 1]));
        let err = days(&col, "facts", "date").unwrap_err();
        assert!(err.to_string().contains("outside the dates"), "{err}");
    }
}
