//! `[general]`: currency, rounding, time zone, effective date.

use chrono::NaiveDate;
use serde::Deserialize;

use super::check::{Check, KeyPath};
use super::zone::CompanyZone;
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
    /// The company's time zone by its IANA name (`"Asia/Shanghai"`, `"Europe/Berlin"`),
    /// which decides what "today" is, with daylight saving. Give this or `utc_offset`.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// A fixed offset from UTC (`"+08:00"`) all year, for a company whose zone keeps no
    /// summer time. Neither key: UTC.
    #[serde(default)]
    pub utc_offset: Option<String>,
    /// The first day this policy applies to (for scoring past periods under the policy
    /// then in force). Defaults to the day it is installed.
    #[serde(default, deserialize_with = "super::values::opt_date")]
    #[schemars(schema_with = "super::values::date_schema")]
    pub effective_from: Option<NaiveDate>,
}

impl General {
    /// The rounding rule.
    pub fn rounding_policy(&self) -> RoundingPolicy {
        RoundingPolicy {
            scale: self.money_scale,
            mode: self.rounding,
        }
    }

    /// The company's time zone (validation guarantees that the named one exists).
    pub fn zone(&self) -> CompanyZone {
        match (&self.time_zone, &self.utc_offset) {
            (Some(name), _) => CompanyZone::named(name),
            (None, Some(offset)) => CompanyZone::offset(offset),
            (None, None) => None,
        }
        .unwrap_or_else(CompanyZone::utc)
    }

    pub(super) fn validate(&self, c: &mut Check, at: &KeyPath) {
        c.ensure(self.money_scale <= 6, &at.k("money_scale"), || {
            format!(
                "{} digits is more than the 6 kis supports",
                self.money_scale
            )
        });
        if let Some(name) = &self.time_zone {
            c.ensure(CompanyZone::named(name).is_some(), &at.k("time_zone"), || {
                format!(
                    "{name:?} is not a time zone of the IANA database, such as \"Asia/Shanghai\" or \"Europe/Berlin\""
                )
            });
            c.ensure(self.utc_offset.is_none(), &at.k("utc_offset"), || {
                "give `time_zone` or `utc_offset`, not both".to_string()
            });
        }
        if let Some(offset) = &self.utc_offset {
            c.ensure(
                CompanyZone::offset(offset).is_some(),
                &at.k("utc_offset"),
                || format!("{offset:?} is not an offset such as \"+08:00\" or \"-05:30\""),
            );
        }
    }
}
