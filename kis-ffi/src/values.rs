//! String-backed custom types, validated in Rust (see `uniffi.toml` for each language).

use rust_decimal::Decimal;

use crate::error::KisError;

/// An exact decimal (money amounts, quantities). Kotlin `BigDecimal`, Swift `Decimal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amount(pub String);

uniffi::custom_type!(Amount, String, {
    lower: |a| a.0,
    // Never fails here: parsing happens in `parse`, which names the argument.
    try_lift: |s| Ok(Amount(s)),
});

impl Amount {
    /// The decimal, parsed exactly by kis-core (`input::parse_decimal`: never rounded),
    /// or `InvalidInput` naming `field`.
    pub fn parse(&self, field: &str) -> Result<Decimal, KisError> {
        kis::input::parse_decimal(field, &self.0).map_err(|e| kis::Error::from(e).into())
    }

    /// From a decimal (its exact text, scale kept).
    pub fn from_decimal(d: Decimal) -> Self {
        Amount(d.to_string())
    }
}
