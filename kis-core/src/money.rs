//! Money: an exact decimal amount with its currency, and the one place where rounding
//! happens (by policy: scale and mode, `[general]` in the policy file).
//!
//! Amounts are `rust_decimal::Decimal`, never floats. Arithmetic between two currencies is
//! an error, not a silent sum.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// An ISO-4217-style currency code: three upper-case ASCII letters (`CNY`, `EUR`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

impl Currency {
    /// Parses a currency code; the code must be three upper-case ASCII letters.
    pub fn new(code: &str) -> Result<Self, MoneyError> {
        match code.as_bytes() {
            &[a, b, c] if [a, b, c].iter().all(u8::is_ascii_uppercase) => Ok(Currency([a, b, c])),
            _ => Err(MoneyError::InvalidCurrency {
                code: code.to_string(),
            }),
        }
    }

    /// The code as a string slice.
    pub fn code(&self) -> &str {
        // Constructed only from ASCII upper-case letters, so always valid UTF-8.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::new(s)
    }
}

impl TryFrom<String> for Currency {
    type Error = MoneyError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Currency::new(&s)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> Self {
        c.code().to_string()
    }
}

/// An amount of money in one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Money {
    /// The exact amount.
    pub amount: Decimal,
    /// The currency of the amount.
    pub currency: Currency,
}

impl Money {
    /// Money of `amount` in `currency`.
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Money { amount, currency }
    }

    /// Zero in `currency`.
    pub fn zero(currency: Currency) -> Self {
        Money::new(Decimal::ZERO, currency)
    }

    /// Parses an amount written as a decimal string (`"1234.50"`) in `currency`.
    pub fn parse(amount: &str, currency: &str) -> Result<Self, MoneyError> {
        let amount = Decimal::from_str(amount.trim()).map_err(|_| MoneyError::InvalidAmount {
            text: amount.to_string(),
        })?;
        Ok(Money::new(amount, Currency::new(currency)?))
    }

    fn same_currency(&self, other: &Money, op: &'static str) -> Result<(), MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch {
                op,
                left: self.currency,
                right: other.currency,
            });
        }
        Ok(())
    }

    /// The sum of two amounts of the same currency.
    pub fn checked_add(&self, other: &Money) -> Result<Money, MoneyError> {
        self.same_currency(other, "add")?;
        let amount = self
            .amount
            .checked_add(other.amount)
            .ok_or(MoneyError::Overflow { op: "add" })?;
        Ok(Money::new(amount, self.currency))
    }

    /// The difference of two amounts of the same currency.
    pub fn checked_sub(&self, other: &Money) -> Result<Money, MoneyError> {
        self.same_currency(other, "subtract")?;
        let amount = self
            .amount
            .checked_sub(other.amount)
            .ok_or(MoneyError::Overflow { op: "subtract" })?;
        Ok(Money::new(amount, self.currency))
    }

    /// The amount multiplied by a quantity or factor (unrounded: round with the policy).
    pub fn checked_mul(&self, factor: Decimal) -> Result<Money, MoneyError> {
        let amount = self
            .amount
            .checked_mul(factor)
            .ok_or(MoneyError::Overflow { op: "multiply" })?;
        Ok(Money::new(amount, self.currency))
    }

    /// Sums amounts that must all be in `currency` (an empty list sums to zero).
    pub fn sum<'a>(
        currency: Currency,
        items: impl IntoIterator<Item = &'a Money>,
    ) -> Result<Money, MoneyError> {
        items
            .into_iter()
            .try_fold(Money::zero(currency), |acc, m| acc.checked_add(m))
    }

    /// True when the amount is below zero.
    pub fn is_negative(&self) -> bool {
        self.amount.is_sign_negative() && !self.amount.is_zero()
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

/// How a value exactly between two representable amounts is rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoundingMode {
    /// 0.125 -> 0.13, -0.125 -> -0.13 (commercial rounding; the default).
    HalfUp,
    /// 0.125 -> 0.12, 0.135 -> 0.14 (banker's rounding).
    HalfEven,
}

/// The company's rounding rule: the one place where amounts are rounded.
///
/// Policy (`[general] money_scale`, `rounding`) decides the scale and the mode; line
/// totals are rounded once, and document totals are sums of rounded lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RoundingPolicy {
    /// Digits after the decimal point (2 = cents).
    pub scale: u32,
    /// Tie-breaking mode.
    pub mode: RoundingMode,
}

impl Default for RoundingPolicy {
    fn default() -> Self {
        RoundingPolicy {
            scale: 2,
            mode: RoundingMode::HalfUp,
        }
    }
}

impl RoundingPolicy {
    /// Rounds a bare decimal by this policy; the result always has exactly `scale` digits.
    pub fn round_decimal(&self, value: Decimal) -> Decimal {
        let strategy = match self.mode {
            RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
        };
        let mut rounded = value.round_dp_with_strategy(self.scale, strategy);
        rounded.rescale(self.scale);
        rounded
    }

    /// Rounds an amount of money by this policy.
    pub fn round(&self, money: Money) -> Money {
        Money::new(self.round_decimal(money.amount), money.currency)
    }
}

/// What can go wrong with money values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Two amounts in different currencies were combined.
    #[error("cannot {op} {left} and {right}: amounts are in different currencies")]
    CurrencyMismatch {
        /// The operation attempted.
        op: &'static str,
        /// Currency of the left operand.
        left: Currency,
        /// Currency of the right operand.
        right: Currency,
    },
    /// A currency code that is not three upper-case letters.
    #[error("invalid currency code {code:?}: expected three upper-case letters such as \"CNY\"")]
    InvalidCurrency {
        /// The text given.
        code: String,
    },
    /// An amount that is not a decimal number.
    #[error("invalid amount {text:?}: expected a decimal number such as \"1234.50\"")]
    InvalidAmount {
        /// The text given.
        text: String,
    },
    /// The result does not fit in a decimal (28 significant digits).
    #[error("amount overflow in {op}")]
    Overflow {
        /// The operation attempted.
        op: &'static str,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cny(s: &str) -> Money {
        Money::parse(s, "CNY").unwrap()
    }

    #[test]
    fn adding_two_currencies_is_an_error() {
        let eur = Money::parse("1", "EUR").unwrap();
        let err = cny("1").checked_add(&eur).unwrap_err();
        assert!(matches!(err, MoneyError::CurrencyMismatch { .. }));
        assert!(err.to_string().contains("CNY and EUR"));
    }

    #[test]
    fn rounding_modes_differ_on_ties_only() {
        let up = RoundingPolicy {
            scale: 2,
            mode: RoundingMode::HalfUp,
        };
        let even = RoundingPolicy {
            scale: 2,
            mode: RoundingMode::HalfEven,
        };
        assert_eq!(up.round(cny("0.125")).amount.to_string(), "0.13");
        assert_eq!(even.round(cny("0.125")).amount.to_string(), "0.12");
        assert_eq!(even.round(cny("0.135")).amount.to_string(), "0.14");
        assert_eq!(up.round(cny("-0.125")).amount.to_string(), "-0.13");
        assert_eq!(up.round(cny("7")).amount.to_string(), "7.00");
    }

    #[test]
    fn bad_currency_and_amount_are_named() {
        assert!(Currency::new("cny").is_err());
        assert!(Currency::new("CNYY").is_err());
        let err = Money::parse("12,5", "CNY").unwrap_err();
        assert!(err.to_string().contains("\"12,5\""));
    }

    #[test]
    fn serde_keeps_amounts_exact() {
        let m = cny("0.10");
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"amount":"0.10","currency":"CNY"}"#);
        let back: Money = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
    }

    #[test]
    fn overflow_is_an_error_not_a_panic() {
        let big = Money::new(Decimal::MAX, Currency::new("CNY").unwrap());
        assert!(matches!(
            big.checked_add(&big),
            Err(MoneyError::Overflow { .. })
        ));
        assert!(big.checked_mul(Decimal::TWO).is_err());
    }
}
