//! `[general]`: currency, rounding, time zone, effective date.

use chrono::{FixedOffset, NaiveDate, Offset as _};
use serde::Deserialize;

use super::check::{Check, KeyPath};
use crate::money::{Currency, RoundingMode, RoundingPolicy};

/// Company-wide settings.
#[derive(Debug, Clone, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct General {
    /// Optional company name, for reports.
    #[serde(default)]
    pub company: Option<String>,
    /// The currency of the price system and budgets.
    pub currency: Currency,
    /// Digits kept after rounding (2 = cents).
    pub money_scale: u32,
    /// Tie-breaking rule of rounding.
    pub rounding: RoundingMode,
    /// The company's offset from UTC (`"+08:00"`), which decides what "today" is.
    #[serde(default = "default_offset")]
    pub utc_offset: String,
    /// The first day this policy applies to (for scoring past periods under the policy
    /// then in force). Defaults to the day it is installed.
    #[serde(default, deserialize_with = "super::values::opt_date")]
    #[schemars(schema_with = "super::values::date_schema")]
    pub effective_from: Option<NaiveDate>,
}

fn default_offset() -> String {
    "+00:00".to_string()
}

impl General {
    /// The rounding rule.
    pub fn rounding_policy(&self) -> RoundingPolicy {
        RoundingPolicy {
            scale: self.money_scale,
            mode: self.rounding,
        }
    }

    /// The UTC offset, parsed (validation guarantees it parses).
    pub fn offset(&self) -> FixedOffset {
        parse_offset(&self.utc_offset).unwrap_or_else(|| chrono::Utc.fix())
    }

    pub(super) fn validate(&self, c: &mut Check, at: &KeyPath) {
        c.ensure(self.money_scale <= 6, &at.k("money_scale"), || {
            format!(
                "{} digits is more than the 6 kis supports",
                self.money_scale
            )
        });
        c.ensure(
            parse_offset(&self.utc_offset).is_some(),
            &at.k("utc_offset"),
            || {
                format!(
                    "{:?} is not an offset such as \"+08:00\" or \"-05:30\"",
                    self.utc_offset
                )
            },
        );
    }
}

fn parse_offset(text: &str) -> Option<FixedOffset> {
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    if h > 14 || m > 59 {
        return None;
    }
    // |h| <= 14 and m <= 59 (checked above): the seconds are well inside i32.
    let seconds = h.checked_mul(3600)?.checked_add(m.checked_mul(60)?)?;
    FixedOffset::east_opt(i32::checked_mul(sign, seconds)?)
}

#[cfg(test)]
mod tests {
    use super::parse_offset;

    #[test]
    fn offsets() {
        assert_eq!(parse_offset("+08:00").unwrap().local_minus_utc(), 8 * 3600);
        assert_eq!(
            parse_offset("-05:30").unwrap().local_minus_utc(),
            -(5 * 3600 + 1800)
        );
        for bad in ["8", "+8:00", "+15:00", "08:00", "+08:60", ""] {
            assert!(parse_offset(bad).is_none(), "{bad}");
        }
    }
}
