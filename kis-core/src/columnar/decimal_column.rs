//! A decimal128(38, s) column being filled value by value, `s` the largest scale of its
//! values: what every money column kis writes as Arrow is, so that no value is rounded
//! on the way out (a value past 38 digits at that scale is an error, never a rounding).

use std::sync::Arc;

use arrow_array::{Array, ArrayRef, Decimal128Array};
use arrow_buffer::NullBuffer;
use arrow_schema::Field;
use rust_decimal::Decimal;

use crate::error::{Error, Result};

/// A decimal128(38, s) column being filled, `s` the largest scale of its values (at
/// least the column's minimum), so that no value is rounded on the way out.
#[derive(Debug, Default)]
pub(crate) struct DecimalColumn {
    scale: u32,
    mantissas: Vec<i128>,
    valid: Vec<bool>,
}

/// The mantissa of `d` at `scale` (at least its own), or `None` past 38 digits.
fn mantissa_at(d: Decimal, scale: u32) -> Option<i128> {
    let up = scale.checked_sub(d.scale())?;
    if up == 0 {
        return Some(d.mantissa());
    }
    d.mantissa().checked_mul(crate::checked::pow10(up)?)
}

impl DecimalColumn {
    pub(crate) fn new(min_scale: u32, rows: usize) -> Self {
        DecimalColumn {
            scale: min_scale,
            mantissas: Vec::with_capacity(rows),
            valid: Vec::with_capacity(rows),
        }
    }

    /// The number of values pushed.
    pub(crate) fn len(&self) -> usize {
        self.mantissas.len()
    }

    /// Raises the column's scale to `scale`, the values so far with it.
    fn rescale(&mut self, scale: u32, name: &str) -> Result<()> {
        if scale <= self.scale {
            return Ok(());
        }
        let f = crate::checked::pow10(scale.saturating_sub(self.scale))
            .ok_or_else(|| too_wide(name))?;
        for m in &mut self.mantissas {
            *m = m.checked_mul(f).ok_or_else(|| too_wide(name))?;
        }
        self.scale = scale;
        Ok(())
    }

    pub(crate) fn push(&mut self, value: Option<Decimal>, name: &str) -> Result<()> {
        let Some(d) = value else {
            self.mantissas.push(0);
            self.valid.push(false);
            return Ok(());
        };
        if d.scale() > self.scale {
            self.rescale(d.scale(), name)?;
        }
        self.mantissas
            .push(mantissa_at(d, self.scale).ok_or_else(|| too_wide(name))?);
        self.valid.push(true);
        Ok(())
    }

    fn append(&mut self, mut other: DecimalColumn, name: &str) -> Result<()> {
        self.rescale(other.scale, name)?;
        other.rescale(self.scale, name)?;
        self.mantissas.append(&mut other.mantissas);
        self.valid.append(&mut other.valid);
        Ok(())
    }

    /// The columns of `parts` one after the other, in one allocation.
    pub(crate) fn concat(parts: Vec<DecimalColumn>, name: &str) -> Result<DecimalColumn> {
        let rows = parts.iter().map(DecimalColumn::len).sum();
        let scale = parts.iter().map(|p| p.scale).max().unwrap_or(0);
        let mut all = DecimalColumn::new(scale, rows);
        for part in parts {
            all.append(part, name)?;
        }
        Ok(all)
    }

    pub(crate) fn finish(self, name: &str) -> Result<(Field, ArrayRef)> {
        let nullable = self.valid.contains(&false);
        let nulls = nullable.then(|| NullBuffer::from(self.valid));
        let array = Decimal128Array::new(self.mantissas.into(), nulls)
            .with_precision_and_scale(38, i8::try_from(self.scale).unwrap_or(i8::MAX))
            .map_err(|e| Error::invalid(name, e.to_string()))?;
        Ok((
            Field::new(name, array.data_type().clone(), nullable),
            Arc::new(array),
        ))
    }
}

/// A value of column `name` that no decimal128(38) column holds at its scale.
fn too_wide(name: &str) -> Error {
    Error::invalid(
        name,
        "a value does not fit 38 digits at the column's scale".to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn a_column_takes_the_largest_scale_of_its_values() {
        let mut c = DecimalColumn::new(2, 0);
        c.push(Some(d("12.5")), "x").unwrap();
        c.push(None, "x").unwrap();
        c.push(Some(d("0.125")), "x").unwrap();
        let mut more = DecimalColumn::new(2, 0);
        more.push(Some(d("-7")), "x").unwrap();
        c.append(more, "x").unwrap();
        let (field, array) = c.finish("x").unwrap();
        assert!(field.is_nullable());
        let a = array.as_any().downcast_ref::<Decimal128Array>().unwrap();
        assert_eq!(a.scale(), 3);
        assert_eq!(a.value(0), 12_500);
        assert!(a.is_null(1));
        assert_eq!(a.value(2), 125);
        assert_eq!(a.value(3), -7_000);
    }

    #[test]
    fn a_value_past_38_digits_at_the_scale_is_an_error_not_a_rounding() {
        let mut c = DecimalColumn::new(0, 0);
        c.push(Some(Decimal::MAX), "x").unwrap();
        let err = c.push(Some(d("0.0000000001")), "x").unwrap_err();
        assert!(err.to_string().contains("38 digits"), "{err}");
    }
}
