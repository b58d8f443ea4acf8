//! `[pricing]`: the company price system's rules and promotions (P4.1, P4.2).
//!
//! This module is the file format and its validation; the pricing engine that applies
//! the rules lives in `crate::pricing` (its own issue).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::check::{Check, KeyPath};
use crate::money::Currency;

/// Pricing settings and rules.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PricingPolicy {
    /// No rule takes a unit price below `cost * (1 + floor_margin_pct / 100)`.
    #[serde(default, deserialize_with = "super::values::decimal")]
    #[schemars(schema_with = "super::values::decimal_schema")]
    pub floor_margin_pct: Decimal,
    /// Above this discount from list a price exception is always needed (P4.1c).
    #[serde(default, deserialize_with = "super::values::opt_decimal")]
    #[schemars(schema_with = "super::values::decimal_schema")]
    pub max_line_discount_pct: Option<Decimal>,
    /// The rules, in any order: the result never depends on it.
    #[serde(default)]
    pub rules: Vec<PriceRule>,
}

/// One price rule (a promotion is a rule with a campaign and a window, P4.2).
#[derive(Debug, Clone, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceRule {
    /// Unique rule id, shown in price traces.
    pub id: String,
    /// The promotion campaign this rule belongs to.
    #[serde(default)]
    pub campaign: Option<String>,
    /// Which customers (omitted: all).
    #[serde(default)]
    pub customers: Option<CustomerScope>,
    /// Which products (omitted: all).
    #[serde(default)]
    pub products: Option<ProductScope>,
    /// Lowest quantity the rule applies to.
    #[serde(default, deserialize_with = "super::values::opt_decimal")]
    #[schemars(schema_with = "super::values::decimal_schema")]
    pub min_qty: Option<Decimal>,
    /// Highest quantity the rule applies to.
    #[serde(default, deserialize_with = "super::values::opt_decimal")]
    #[schemars(schema_with = "super::values::decimal_schema")]
    pub max_qty: Option<Decimal>,
    /// Validity window, inclusive at both ends.
    #[serde(default)]
    pub valid: Option<Window>,
    /// Only for prices in this currency.
    #[serde(default)]
    pub currency: Option<Currency>,
    /// Higher wins among exclusive rules.
    #[serde(default)]
    pub priority: i32,
    /// How the rule combines with others.
    #[serde(default)]
    pub stacking: Stacking,
    /// What the rule does to the price.
    pub action: Action,
}

/// Customer scope: one customer or one group.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerScope {
    /// A customer id.
    #[serde(default)]
    pub id: Option<String>,
    /// A customer group.
    #[serde(default)]
    pub group: Option<String>,
}

/// Product scope: one product or a category with its sub-categories.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductScope {
    /// A product id.
    #[serde(default)]
    pub id: Option<String>,
    /// A category path (`software/erp`); matches sub-categories.
    #[serde(default)]
    pub category: Option<String>,
}

/// A date window, inclusive at both ends.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// First day.
    #[serde(deserialize_with = "super::values::date")]
    #[schemars(schema_with = "super::values::date_schema")]
    pub from: NaiveDate,
    /// Last day.
    #[serde(deserialize_with = "super::values::date")]
    #[schemars(schema_with = "super::values::date_schema")]
    pub to: NaiveDate,
}

/// How a rule combines with others.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stacking {
    /// Only the best-ranked exclusive rule applies.
    #[default]
    Exclusive,
    /// Percentages add up, applied after the exclusive winner.
    Additive,
    /// Applied to the price left by the previous rule.
    Compound,
}

/// What a rule does; exactly one of the fields is set (`mode` goes with `tiers`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// A percentage off the price.
    #[serde(default, deserialize_with = "super::values::opt_decimal")]
    #[schemars(schema_with = "super::values::decimal_schema")]
    pub percent_off: Option<Decimal>,
    /// An amount off the unit price.
    #[serde(default, deserialize_with = "super::values::opt_decimal")]
    #[schemars(schema_with = "super::values::decimal_schema")]
    pub amount_off: Option<Decimal>,
    /// A fixed unit price.
    #[serde(default, deserialize_with = "super::values::opt_decimal")]
    #[schemars(schema_with = "super::values::decimal_schema")]
    pub fixed_price: Option<Decimal>,
    /// Cost plus this percentage.
    #[serde(default, deserialize_with = "super::values::opt_decimal")]
    #[schemars(schema_with = "super::values::decimal_schema")]
    pub markup_on_cost_pct: Option<Decimal>,
    /// A tier schedule by quantity.
    #[serde(default)]
    pub tiers: Option<Vec<Tier>>,
    /// How tiers apply (default `range`).
    #[serde(default)]
    pub mode: Option<TierMode>,
    /// Buy N get M free.
    #[serde(default)]
    pub free_units: Option<FreeUnits>,
}

/// One tier: from a quantity (and optionally up to one), a percentage off.
#[derive(Debug, Clone, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// First quantity of the tier.
    #[serde(deserialize_with = "super::values::decimal")]
    #[schemars(schema_with = "super::values::decimal_schema")]
    pub from: Decimal,
    /// Last quantity of the tier (omitted: up to the next tier's `from`).
    #[serde(default, deserialize_with = "super::values::opt_decimal")]
    #[schemars(schema_with = "super::values::decimal_schema")]
    pub to: Option<Decimal>,
    /// Percentage off in this tier.
    #[serde(deserialize_with = "super::values::decimal")]
    #[schemars(schema_with = "super::values::decimal_schema")]
    pub percent_off: Decimal,
}

/// How a tier schedule applies.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TierMode {
    /// All units at the tier the quantity reaches.
    Range,
    /// Each unit at its own tier.
    Slab,
}

/// Buy `per`, get `get` free.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FreeUnits {
    /// Units to buy.
    pub per: u32,
    /// Units free for each `per` bought.
    pub get: u32,
    /// Whether the offer repeats (7 units, buy 3 get 1: 2 free if recursive, else 1).
    #[serde(default)]
    pub recursive: bool,
}

fn percent_ok(v: Decimal) -> bool {
    v >= Decimal::ZERO && v <= Decimal::ONE_HUNDRED
}

impl PricingPolicy {
    pub(super) fn validate(&self, c: &mut Check, at: &KeyPath) {
        c.ensure(
            self.floor_margin_pct >= Decimal::ZERO,
            &at.k("floor_margin_pct"),
            || format!("{} is negative", self.floor_margin_pct),
        );
        if let Some(v) = self.max_line_discount_pct {
            c.ensure(percent_ok(v), &at.k("max_line_discount_pct"), || {
                format!("{v} is not in 0..100")
            });
        }
        let rules = at.k("rules");
        for (i, rule) in self.rules.iter().enumerate() {
            let r = rules.i(i);
            c.ensure(!rule.id.trim().is_empty(), &r.k("id"), || {
                "empty rule id".into()
            });
            if let Some(j) = self.rules.iter().take(i).position(|o| o.id == rule.id) {
                c.fail(
                    &r.k("id"),
                    format!("rule id {:?} is also used by rules[{j}]", rule.id),
                );
            }
            rule.validate(c, &r);
        }
    }
}

impl PriceRule {
    fn validate(&self, c: &mut Check, r: &KeyPath) {
        if let Some(s) = &self.customers {
            c.ensure(
                s.id.is_some() != s.group.is_some(),
                &r.k("customers"),
                || "give exactly one of id or group (omit `customers` for all customers)".into(),
            );
        }
        if let Some(s) = &self.products {
            c.ensure(
                s.id.is_some() != s.category.is_some(),
                &r.k("products"),
                || "give exactly one of id or category (omit `products` for all products)".into(),
            );
        }
        for (name, q) in [("min_qty", self.min_qty), ("max_qty", self.max_qty)] {
            if let Some(q) = q {
                c.ensure(q > Decimal::ZERO, &r.k(name), || {
                    format!("{q} must be positive")
                });
            }
        }
        if let (Some(min), Some(max)) = (self.min_qty, self.max_qty) {
            c.ensure(min <= max, &r.k("max_qty"), || {
                format!("max_qty {max} is below min_qty {min}: the rule can never match")
            });
        }
        if let Some(w) = &self.valid {
            c.ensure(w.from <= w.to, &r.k("valid"), || {
                format!(
                    "the window ends ({}) before it starts ({}): the rule can never match",
                    w.to, w.from
                )
            });
        }
        if self.campaign.is_some() {
            c.ensure(self.valid.is_some(), &r.k("valid"), || {
                "a promotion (a rule with a campaign) needs a validity window (P4.2)".into()
            });
        }
        self.action.validate(c, &r.k("action"), self.stacking);
    }
}

impl Action {
    fn validate(&self, c: &mut Check, a: &KeyPath, stacking: Stacking) {
        let set = [
            self.percent_off.is_some(),
            self.amount_off.is_some(),
            self.fixed_price.is_some(),
            self.markup_on_cost_pct.is_some(),
            self.tiers.is_some(),
            self.free_units.is_some(),
        ]
        .iter()
        .filter(|s| **s)
        .count();
        c.ensure(set == 1, a, || {
            format!(
                "{set} actions given; give exactly one of percent_off, amount_off, fixed_price, \
                 markup_on_cost_pct, tiers, free_units"
            )
        });
        c.ensure(
            self.mode.is_none() || self.tiers.is_some(),
            &a.k("mode"),
            || "mode applies only to tiers".into(),
        );
        if let Some(v) = self.percent_off {
            c.ensure(percent_ok(v), &a.k("percent_off"), || {
                format!("{v} is not in 0..100")
            });
        }
        for (name, v) in [
            ("amount_off", self.amount_off),
            ("fixed_price", self.fixed_price),
            ("markup_on_cost_pct", self.markup_on_cost_pct),
        ] {
            if let Some(v) = v {
                c.ensure(v >= Decimal::ZERO, &a.k(name), || {
                    format!("{v} is negative")
                });
            }
        }
        if stacking != Stacking::Exclusive {
            c.ensure(
                self.percent_off.is_some() || (stacking == Stacking::Compound && self.amount_off.is_some()),
                a,
                || "stacking rules must be percent_off (additive or compound) or amount_off (compound)".into(),
            );
        }
        if let Some(f) = &self.free_units {
            c.ensure(f.per >= 1 && f.get >= 1, &a.k("free_units"), || {
                "per and get must be at least 1".into()
            });
        }
        if let Some(tiers) = &self.tiers {
            validate_tiers(c, &a.k("tiers"), tiers);
        }
    }
}

fn validate_tiers(c: &mut Check, at: &KeyPath, tiers: &[Tier]) {
    c.ensure(!tiers.is_empty(), at, || "an empty tier schedule".into());
    for (i, t) in tiers.iter().enumerate() {
        let ti = at.i(i);
        c.ensure(t.from >= Decimal::ZERO, &ti.k("from"), || {
            format!("{} is negative", t.from)
        });
        c.ensure(percent_ok(t.percent_off), &ti.k("percent_off"), || {
            format!("{} is not in 0..100", t.percent_off)
        });
        if let Some(to) = t.to {
            c.ensure(to >= t.from, &ti.k("to"), || {
                format!("tier ends at {to}, before it starts at {}", t.from)
            });
        }
        if let Some(prev) = i.checked_sub(1).and_then(|p| tiers.get(p)) {
            c.ensure(t.from > prev.from, &ti.k("from"), || {
                format!(
                    "tiers must be in ascending order of `from` without repeats ({} after {})",
                    t.from, prev.from
                )
            });
            if let Some(prev_to) = prev.to {
                c.ensure(prev_to < t.from, &ti.k("from"), || {
                    format!(
                        "overlapping tiers: tiers[{}] runs to {prev_to}, this one starts at {}",
                        i.saturating_sub(1),
                        t.from
                    )
                });
            }
        }
    }
}
