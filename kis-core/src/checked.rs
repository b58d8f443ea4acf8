//! Checked decimal arithmetic on values that come from callers (quantities, prices,
//! amounts, shares, scores). An overflow is an [`InvalidInput`] naming the field the
//! value came from, the operation and its operands: the input is too large for kis to
//! compute with exactly. Never a panic, never a saturated or wrapped result.

use rust_decimal::Decimal;

use crate::error::InvalidInput;

/// The error of an operation whose result does not fit a decimal (28 significant
/// digits), naming the field, the operation and its operands.
pub fn overflow(field: &str, op: &str, a: Decimal, b: Decimal) -> InvalidInput {
    InvalidInput::new(
        field,
        format!("{a} {op} {b} overflows: the result does not fit 28 significant digits"),
    )
}

/// `a + b`, or an overflow naming `field`.
pub fn add(field: &str, a: Decimal, b: Decimal) -> Result<Decimal, InvalidInput> {
    a.checked_add(b).ok_or_else(|| overflow(field, "+", a, b))
}

/// `a - b`, or an overflow naming `field`.
pub fn sub(field: &str, a: Decimal, b: Decimal) -> Result<Decimal, InvalidInput> {
    a.checked_sub(b).ok_or_else(|| overflow(field, "-", a, b))
}

/// `a * b`, or an overflow naming `field`.
pub fn mul(field: &str, a: Decimal, b: Decimal) -> Result<Decimal, InvalidInput> {
    a.checked_mul(b).ok_or_else(|| overflow(field, "×", a, b))
}

/// `a / b`, or an error naming `field` (division by zero or an overflow).
pub fn div(field: &str, a: Decimal, b: Decimal) -> Result<Decimal, InvalidInput> {
    if b.is_zero() {
        return Err(InvalidInput::new(
            field,
            format!("{a} / 0: division by zero"),
        ));
    }
    a.checked_div(b).ok_or_else(|| overflow(field, "/", a, b))
}

/// `a * (1 - pct / 100)`: `a` less `pct` percent, or an overflow naming `field`.
pub fn less_percent(field: &str, a: Decimal, pct: Decimal) -> Result<Decimal, InvalidInput> {
    let factor = sub(field, Decimal::ONE, div(field, pct, Decimal::ONE_HUNDRED)?)?;
    mul(field, a, factor)
}

/// `a * (1 + pct / 100)`: `a` plus `pct` percent, or an overflow naming `field`.
pub fn plus_percent(field: &str, a: Decimal, pct: Decimal) -> Result<Decimal, InvalidInput> {
    let factor = add(field, Decimal::ONE, div(field, pct, Decimal::ONE_HUNDRED)?)?;
    mul(field, a, factor)
}

/// The sum of `values`, or an overflow naming `field`.
pub fn sum(
    field: &str,
    values: impl IntoIterator<Item = Decimal>,
) -> Result<Decimal, InvalidInput> {
    values
        .into_iter()
        .try_fold(Decimal::ZERO, |acc, v| add(field, acc, v))
}

impl InvalidInput {
    /// The same error, its field placed under `prefix` (`quantity` becomes
    /// `lines[3].quantity`), for a value that came from one item of a batch.
    pub fn under(mut self, prefix: &str) -> Self {
        self.field = format!("{prefix}.{}", self.field);
        self
    }
}

/// The powers of ten an i128 holds, 10^0..=10^38.
const POW10: [i128; 39] = {
    let mut p = [1i128; 39];
    let mut i = 1;
    // Evaluated at compile time: an overflow would fail the build, not a call.
    #[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
    while i < 39 {
        p[i] = p[i - 1] * 10;
        i += 1;
    }
    p
};

/// `10^n` as an i128 (scaling integer mantissas), or `None` past 10^38.
#[inline]
pub(crate) fn pow10(n: u32) -> Option<i128> {
    POW10.get(usize::try_from(n).ok()?).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overflow_names_the_field_and_operands() {
        let err = mul("quantity", Decimal::MAX, Decimal::TWO).unwrap_err();
        assert_eq!(err.field, "quantity");
        assert!(
            err.reason.contains("79228162514264337593543950335 × 2"),
            "{err}"
        );
        assert_eq!(err.under("lines[3]").field, "lines[3].quantity");
        assert!(div("x", Decimal::ONE, Decimal::ZERO).is_err());
        assert!(sum("total", [Decimal::MAX, Decimal::ONE]).is_err());
        assert_eq!(
            less_percent("p", Decimal::ONE_HUNDRED, Decimal::TEN).unwrap(),
            Decimal::from(90)
        );
    }
}
