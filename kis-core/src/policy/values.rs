//! Deserializers for policy values: decimals written as strings (never floats) and dates.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

/// Reads a decimal written as a string (`"0.35"`) or an integer (`40`). A TOML float is
/// refused: `0.1` as a binary float is not 0.1, and policy numbers are exact.
pub fn decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    d.deserialize_any(DecimalVisitor)
}

/// [`decimal`] for an optional field.
pub fn opt_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    decimal(d).map(Some)
}

struct DecimalVisitor;

impl Visitor<'_> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a decimal written as a string, such as \"0.35\"")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        Decimal::from_str(v.trim()).map_err(|_| E::custom(format!("{v:?} is not a decimal number")))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        Err(E::custom(format!(
            "{v} is a float; write decimals as strings (\"{v}\") so they stay exact"
        )))
    }
}

/// Reads a TOML date (`2026-11-01`, unquoted) or a date string (`"2026-11-01"`).
pub fn date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Toml(toml::value::Datetime),
        Text(String),
    }
    let text = match Raw::deserialize(d)? {
        Raw::Toml(dt) => match (dt.date, dt.time) {
            (Some(date), None) => date.to_string(),
            _ => {
                return Err(de::Error::custom(format!(
                    "{dt} is not a plain date such as 2026-11-01"
                )));
            }
        },
        Raw::Text(s) => s,
    };
    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .map_err(|_| de::Error::custom(format!("{text:?} is not a date such as 2026-11-01")))
}

/// [`date`] for an optional field.
pub fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    date(d).map(Some)
}

/// The JSON Schema of a policy decimal ([`decimal`]): a string holding a decimal, or an
/// integer; never a float.
pub fn decimal_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "description": "An exact decimal: a string such as \"0.35\", or an integer. A float is refused.",
        "anyOf": [
            { "type": "string", "pattern": "^\\s*[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)\\s*$" },
            { "type": "integer" }
        ]
    })
}

/// The JSON Schema of a policy date ([`date`]).
pub fn date_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "description": "A calendar date, 2026-11-01 (a TOML date, or a string).",
        "type": "string",
        "format": "date"
    })
}
