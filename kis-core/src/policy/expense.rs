//! `[expense]`: expense categories, budget control and claim rules (P6).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Deserialize;

use super::check::{Check, KeyPath};
use crate::org::Role;

/// Expense rules.
#[derive(Debug, Clone, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpensePolicy {
    /// The budget categories (P6.1).
    pub categories: Vec<String>,
    /// What happens when a claim would pass the budget (P6.3).
    pub on_exceed: OnExceed,
    /// The role that may push a warned claim through (recorded in the audit trail).
    pub override_role: Role,
    /// A claim line must be filed within this many days of the expense (P6.2 "promptly").
    pub file_within_days: u32,
    /// Lines above this amount need a receipt (P6.2 "valid receipts").
    #[serde(deserialize_with = "super::values::decimal")]
    #[schemars(schema_with = "super::values::decimal_schema")]
    pub receipt_required_over: Decimal,
    /// Limits per category.
    #[serde(default)]
    pub limits: BTreeMap<String, CategoryLimit>,
}

/// The action for the monthly (accumulated) and the annual budget check.
#[derive(Debug, Clone, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OnExceed {
    /// Against the annual budget.
    pub annual: ExceedAction,
    /// Against the budget accumulated over the months so far.
    pub monthly: ExceedAction,
}

/// What to do when a budget would be passed.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExceedAction {
    /// Refuse the claim.
    Stop,
    /// Accept with a warning; the override role must confirm.
    Warn,
    /// Do not check.
    Ignore,
}

/// Limits of one category.
#[derive(Debug, Clone, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryLimit {
    /// The most one event (one claim line) may cost.
    #[serde(default, deserialize_with = "super::values::opt_decimal")]
    #[schemars(schema_with = "super::values::decimal_schema")]
    pub per_event: Option<Decimal>,
    /// The most one person may claim in this category per day.
    #[serde(default, deserialize_with = "super::values::opt_decimal")]
    #[schemars(schema_with = "super::values::decimal_schema")]
    pub per_day: Option<Decimal>,
}

impl ExpensePolicy {
    pub(super) fn validate(&self, c: &mut Check, at: &KeyPath) {
        let cats = at.k("categories");
        c.ensure(!self.categories.is_empty(), &cats, || {
            "at least one category is needed".into()
        });
        for (i, cat) in self.categories.iter().enumerate() {
            c.ensure(
                !cat.is_empty()
                    && cat.chars().all(|ch| {
                        ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_' || ch == '-'
                    }),
                &cats.i(i),
                || format!("{cat:?}: use lower-case letters, digits, '-' or '_'"),
            );
            c.ensure(
                !self.categories.iter().take(i).any(|c| c == cat),
                &cats.i(i),
                || format!("category {cat:?} is listed twice"),
            );
        }
        c.ensure(
            self.override_role.can_review(),
            &at.k("override_role"),
            || format!("a {} cannot override budget warnings", self.override_role),
        );
        c.ensure(
            self.file_within_days >= 1,
            &at.k("file_within_days"),
            || "must be at least 1".into(),
        );
        c.ensure(
            self.receipt_required_over >= Decimal::ZERO,
            &at.k("receipt_required_over"),
            || format!("{} is negative", self.receipt_required_over),
        );
        for (cat, limit) in &self.limits {
            let l = at.k("limits").k(cat);
            c.ensure(self.categories.contains(cat), &l, || {
                format!("{cat:?} is not one of the categories {:?}", self.categories)
            });
            for (name, value) in [("per_event", limit.per_event), ("per_day", limit.per_day)] {
                if let Some(v) = value {
                    c.ensure(v > Decimal::ZERO, &l.k(name), || {
                        format!("{v} must be positive")
                    });
                }
            }
            c.ensure(
                limit.per_event.is_some() || limit.per_day.is_some(),
                &l,
                || "an empty limit: give per_event or per_day".into(),
            );
        }
    }
}
