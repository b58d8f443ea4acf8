//! `[kpi]`: indicator weights, achievement cap, bands and awards (P5, P4.3).

use rust_decimal::Decimal;
use serde::Deserialize;

use super::check::{Check, KeyPath};

/// KPI scoring parameters.
#[derive(Debug, Clone, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KpiPolicy {
    /// Weight of each indicator; they sum to exactly 1 (P5.1, P5.3c).
    pub weights: Weights,
    /// The most an indicator's achievement counts (1.5 = 150 % of target).
    #[serde(deserialize_with = "super::values::decimal")]
    #[schemars(schema_with = "super::values::decimal_schema")]
    pub achievement_cap: Decimal,
    /// What happens to an indicator with no data in a period (no survey, no rating).
    #[serde(default)]
    pub missing_metric: MissingMetric,
    /// Score bands, each from a minimum score, with the bonus multiplier (P5.2a).
    pub bands: Vec<Band>,
    /// When a customer counts as new, and for whom.
    #[serde(default)]
    pub new_customer: NewCustomerRule,
    /// The awards (P4.3).
    pub awards: Awards,
    /// The weights after `missing_metric`, per set of indicators with data: filled once,
    /// on the first card scored (`kpi::score`), not per card.
    #[serde(skip)]
    #[schemars(skip)]
    weights_by_presence: WeightsByPresence,
}

/// A cache of weights per set of indicators with data (bit `i`: `Metric::ALL[i]`). Not
/// part of the policy's value: two policies with the same keys are equal.
#[derive(Debug, Clone, Default)]
pub(crate) struct WeightsByPresence(std::sync::OnceLock<[[Decimal; 5]; 32]>);

impl PartialEq for WeightsByPresence {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// The weight of each indicator.
#[derive(Debug, Clone, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    /// Sales amount (P5.1).
    #[serde(deserialize_with = "super::values::decimal")]
    #[schemars(schema_with = "super::values::decimal_schema")]
    pub revenue: Decimal,
    /// Sales profit (P5.1).
    #[serde(deserialize_with = "super::values::decimal")]
    #[schemars(schema_with = "super::values::decimal_schema")]
    pub profit: Decimal,
    /// Number of new customers (P5.1).
    #[serde(deserialize_with = "super::values::decimal")]
    #[schemars(schema_with = "super::values::decimal_schema")]
    pub new_customers: Decimal,
    /// Customer satisfaction from surveys (P5.3b).
    #[serde(deserialize_with = "super::values::decimal")]
    #[schemars(schema_with = "super::values::decimal_schema")]
    pub satisfaction: Decimal,
    /// The manager's rating (P5.3c).
    #[serde(deserialize_with = "super::values::decimal")]
    #[schemars(schema_with = "super::values::decimal_schema")]
    pub supervisor: Decimal,
}

impl Weights {
    /// Each weight with its indicator name.
    pub fn named(&self) -> [(&'static str, Decimal); 5] {
        [
            ("revenue", self.revenue),
            ("profit", self.profit),
            ("new_customers", self.new_customers),
            ("satisfaction", self.satisfaction),
            ("supervisor", self.supervisor),
        ]
    }
}

/// What a missing indicator does to the score.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MissingMetric {
    /// Its weight is shared among the indicators that have data.
    #[default]
    Redistribute,
    /// It scores zero.
    Zero,
}

/// A score band.
#[derive(Debug, Clone, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// The lowest score (points, 100 = fully on target) in this band.
    #[serde(deserialize_with = "super::values::decimal")]
    #[schemars(schema_with = "super::values::decimal_schema")]
    pub min: Decimal,
    /// The band's name (`A`, `B`...).
    pub band: String,
    /// Multiplies the month's bonus (P5.2a).
    #[serde(deserialize_with = "super::values::decimal")]
    #[schemars(schema_with = "super::values::decimal_schema")]
    pub bonus_multiplier: Decimal,
}

/// When a customer counts as new.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NewCustomerRule {
    /// In the month of its first signed order, for its owner rep.
    #[default]
    FirstSignedOrder,
}

/// The three awards of P4.3.
#[derive(Debug, Clone, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Awards {
    /// Sales-performance award (P4.3a).
    pub performance: PerformanceAward,
    /// New-customer award (P4.3b).
    pub new_customer: NewCustomerAward,
    /// Team-collaboration award (P4.3c).
    pub team: TeamAward,
}

/// P4.3a: the best scores at or above a minimum.
#[derive(Debug, Clone, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PerformanceAward {
    /// The lowest qualifying score.
    #[serde(deserialize_with = "super::values::decimal")]
    #[schemars(schema_with = "super::values::decimal_schema")]
    pub min_score: Decimal,
    /// How many reps at most receive it.
    pub top: u32,
}

/// P4.3b: reps who won at least this many new customers.
#[derive(Debug, Clone, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCustomerAward {
    /// The lowest qualifying number of new customers.
    pub min_new_customers: u32,
}

/// P4.3c: the best teams by a team metric.
#[derive(Debug, Clone, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamAward {
    /// The ranking metric.
    pub metric: TeamMetric,
    /// How many teams receive it.
    pub top: u32,
}

/// How teams are ranked for the collaboration award.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TeamMetric {
    /// The team's score on its totals against its rolled-up targets.
    TeamAchievement,
}

impl KpiPolicy {
    /// The weights of each set of indicators with data, computed by `fill` the first time.
    pub(crate) fn weights_by_presence(
        &self,
        fill: impl FnOnce() -> [[Decimal; 5]; 32],
    ) -> &[[Decimal; 5]; 32] {
        self.weights_by_presence.0.get_or_init(fill)
    }

    pub(super) fn validate(&self, c: &mut Check, at: &KeyPath) {
        let w = at.k("weights");
        let mut sum = Decimal::ZERO;
        for (name, weight) in self.weights.named() {
            c.ensure(
                weight >= Decimal::ZERO && weight <= Decimal::ONE,
                &w.k(name),
                || format!("weight {weight} is not between 0 and 1"),
            );
            sum = sum.saturating_add(weight);
        }
        c.ensure(sum == Decimal::ONE, &w, || {
            format!("weights sum to {sum}, not 1: adjust them so the score is out of 100")
        });
        c.ensure(
            self.achievement_cap >= Decimal::ONE,
            &at.k("achievement_cap"),
            || {
                format!(
                    "{} would cap achievement below target; use at least 1",
                    self.achievement_cap
                )
            },
        );
        let b = at.k("bands");
        c.ensure(!self.bands.is_empty(), &b, || {
            "at least one band is needed".to_string()
        });
        for (i, band) in self.bands.iter().enumerate() {
            c.ensure(!band.band.trim().is_empty(), &b.i(i).k("band"), || {
                "empty band name".to_string()
            });
            c.ensure(
                band.bonus_multiplier >= Decimal::ZERO,
                &b.i(i).k("bonus_multiplier"),
                || format!("{} is negative", band.bonus_multiplier),
            );
            c.ensure(band.min >= Decimal::ZERO, &b.i(i).k("min"), || {
                format!("{} is negative", band.min)
            });
            for (j, other) in self.bands.iter().enumerate().take(i) {
                c.ensure(other.min != band.min, &b.i(i).k("min"), || {
                    format!(
                        "bands[{j}] starts at the same score {}: bands must not overlap",
                        band.min
                    )
                });
                c.ensure(other.band != band.band, &b.i(i).k("band"), || {
                    format!("band name {:?} is used twice", band.band)
                });
            }
        }
        if !self.bands.is_empty() {
            c.ensure(
                self.bands.iter().any(|band| band.min == Decimal::ZERO),
                &b,
                || "no band starts at 0: every score must fall in a band".to_string(),
            );
        }
        let a = at.k("awards");
        c.ensure(
            self.awards.performance.top >= 1,
            &a.k("performance").k("top"),
            || "must be at least 1".into(),
        );
        c.ensure(self.awards.team.top >= 1, &a.k("team").k("top"), || {
            "must be at least 1".into()
        });
    }

    /// The band a score falls in: the one with the highest minimum at or below it.
    pub fn band_for(&self, score: Decimal) -> Option<&Band> {
        self.bands
            .iter()
            .filter(|b| b.min <= score)
            .max_by(|a, b| a.min.cmp(&b.min))
    }
}
