//! `[crm]`: customer care (P8.2): revisit intervals and the holidays to greet on.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Deserialize;

use super::check::{Check, KeyPath};

/// Customer-care settings; the whole section is optional.
#[derive(Debug, Clone, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CrmPolicy {
    /// Days between visits or calls to a customer (P3.6, P8.2).
    #[serde(default = "default_revisit")]
    pub revisit_days: u32,
    /// Shorter or longer intervals for some customer groups.
    #[serde(default)]
    pub revisit_days_by_group: BTreeMap<String, u32>,
    /// Holidays to greet customers on: `on = "01-01"` every year, or `on = "2027-02-06"`
    /// for a movable one (list each year's date).
    #[serde(default)]
    pub holidays: Vec<Holiday>,
    /// Complaint deadlines by severity (P8.3).
    #[serde(default = "default_complaints")]
    pub complaints: BTreeMap<String, ComplaintDeadlines>,
}

/// How fast a complaint of one severity is answered and resolved (P8.3 "promptly").
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplaintDeadlines {
    /// Hours to the first response.
    pub respond_hours: u32,
    /// Days to the resolution.
    pub resolve_days: u32,
}

fn default_complaints() -> BTreeMap<String, ComplaintDeadlines> {
    BTreeMap::from([
        (
            "high".to_string(),
            ComplaintDeadlines {
                respond_hours: 4,
                resolve_days: 2,
            },
        ),
        (
            "normal".to_string(),
            ComplaintDeadlines {
                respond_hours: 24,
                resolve_days: 7,
            },
        ),
        (
            "low".to_string(),
            ComplaintDeadlines {
                respond_hours: 72,
                resolve_days: 14,
            },
        ),
    ])
}

impl Default for CrmPolicy {
    fn default() -> Self {
        CrmPolicy {
            revisit_days: default_revisit(),
            revisit_days_by_group: BTreeMap::new(),
            holidays: Vec::new(),
            complaints: default_complaints(),
        }
    }
}

fn default_revisit() -> u32 {
    90
}

/// A holiday.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Holiday {
    /// `MM-DD` (every year) or `YYYY-MM-DD` (that year only).
    pub on: String,
    /// Its name, for the greeting.
    pub name: String,
}

impl Holiday {
    /// The holiday's date in `year`, if it falls in that year.
    pub fn date_in(&self, year: i32) -> Option<NaiveDate> {
        match self.on.len() {
            5 => {
                let (m, d) = self.on.split_once('-')?;
                NaiveDate::from_ymd_opt(year, m.parse().ok()?, d.parse().ok()?)
            }
            10 => NaiveDate::parse_from_str(&self.on, "%Y-%m-%d")
                .ok()
                .filter(|d| chrono::Datelike::year(d) == year),
            _ => None,
        }
    }
}

impl CrmPolicy {
    /// The revisit interval of a customer group.
    pub fn revisit_days_for(&self, group: &str) -> u32 {
        self.revisit_days_by_group
            .get(group)
            .copied()
            .unwrap_or(self.revisit_days)
    }

    pub(super) fn validate(&self, c: &mut Check, at: &KeyPath) {
        c.ensure(self.revisit_days >= 1, &at.k("revisit_days"), || {
            "must be at least 1 day".into()
        });
        for (group, days) in &self.revisit_days_by_group {
            c.ensure(*days >= 1, &at.k("revisit_days_by_group").k(group), || {
                "must be at least 1 day".into()
            });
        }
        c.ensure(!self.complaints.is_empty(), &at.k("complaints"), || {
            "at least one severity is needed".into()
        });
        for (severity, d) in &self.complaints {
            let k = at.k("complaints").k(severity);
            c.ensure(d.respond_hours >= 1, &k.k("respond_hours"), || {
                "must be at least 1 hour".into()
            });
            c.ensure(d.resolve_days >= 1, &k.k("resolve_days"), || {
                "must be at least 1 day".into()
            });
            c.ensure(
                u64::from(d.respond_hours) <= u64::from(d.resolve_days) * 24,
                &k,
                || "the response cannot be due after the resolution".into(),
            );
        }
        for (i, h) in self.holidays.iter().enumerate() {
            let ok = match h.on.len() {
                // Any year: 02-29 is accepted (it is greeted in leap years only).
                5 => {
                    h.on.split_once('-')
                        .and_then(|(m, d)| Some((m.parse::<u32>().ok()?, d.parse::<u32>().ok()?)))
                        .is_some_and(|(m, d)| NaiveDate::from_ymd_opt(2024, m, d).is_some())
                }
                10 => NaiveDate::parse_from_str(&h.on, "%Y-%m-%d").is_ok(),
                _ => false,
            };
            c.ensure(ok, &at.k("holidays").i(i).k("on"), || {
                format!("{:?} is not MM-DD or YYYY-MM-DD", h.on)
            });
            c.ensure(
                !h.name.trim().is_empty(),
                &at.k("holidays").i(i).k("name"),
                || "a holiday needs a name".into(),
            );
        }
    }
}
