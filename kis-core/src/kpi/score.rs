//! KPI scoring (P5): achievement per indicator against its target, floored at zero and
//! capped by policy, weighted into a score, banded into a bonus multiplier. Pure; every
//! score comes with its breakdown.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::policy::{KpiPolicy, MissingMetric};

/// The five indicators (P5.1, P5.3c).
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
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Sales amount.
    Revenue,
    /// Sales profit.
    Profit,
    /// New customers.
    NewCustomers,
    /// Customer satisfaction (average survey score).
    Satisfaction,
    /// The manager's rating.
    Supervisor,
}

impl Metric {
    /// Every indicator, in policy order.
    pub const ALL: [Metric; 5] = [
        Metric::Revenue,
        Metric::Profit,
        Metric::NewCustomers,
        Metric::Satisfaction,
        Metric::Supervisor,
    ];

    /// The policy weight of this indicator.
    pub fn weight(self, kpi: &KpiPolicy) -> Decimal {
        let w = &kpi.weights;
        match self {
            Metric::Revenue => w.revenue,
            Metric::Profit => w.profit,
            Metric::NewCustomers => w.new_customers,
            Metric::Satisfaction => w.satisfaction,
            Metric::Supervisor => w.supervisor,
        }
    }
}

/// A value per indicator (`None`: no data, or no target).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Metrics {
    /// Sales amount.
    pub revenue: Option<Decimal>,
    /// Sales profit.
    pub profit: Option<Decimal>,
    /// New customers.
    pub new_customers: Option<Decimal>,
    /// Satisfaction.
    pub satisfaction: Option<Decimal>,
    /// Supervisor rating.
    pub supervisor: Option<Decimal>,
}

impl Metrics {
    /// The value of one indicator.
    pub fn get(&self, m: Metric) -> Option<Decimal> {
        match m {
            Metric::Revenue => self.revenue,
            Metric::Profit => self.profit,
            Metric::NewCustomers => self.new_customers,
            Metric::Satisfaction => self.satisfaction,
            Metric::Supervisor => self.supervisor,
        }
    }
}

/// One indicator's part of a score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MetricLine {
    /// The indicator.
    pub metric: Metric,
    /// What was achieved (`None`: no data).
    pub actual: Option<Decimal>,
    /// The target (`None` or zero: none set).
    pub target: Option<Decimal>,
    /// `actual / target`, floored at 0 and capped by policy (`None`: not scored).
    pub achievement: Option<Decimal>,
    /// The weight used (after redistribution, if any).
    pub weight: Decimal,
    /// Points contributed: achievement x weight x 100.
    pub contribution: Decimal,
    /// Why it was not scored, if it was not.
    pub note: Option<String>,
}

/// A score with its breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Scorecard {
    /// Each indicator's part.
    pub lines: Vec<MetricLine>,
    /// The score in points (100 = every target met), two decimals.
    pub score: Decimal,
    /// The band (`A`, `B`...).
    pub band: String,
    /// The band's bonus multiplier (P5.2a).
    pub bonus_multiplier: Decimal,
}

/// Scores `actuals` against `targets` under the policy's weights, cap, missing-metric
/// rule and bands.
pub fn score(kpi: &KpiPolicy, actuals: &Metrics, targets: &Metrics) -> Scorecard {
    let mut lines: Vec<MetricLine> = Metric::ALL
        .iter()
        .map(|&metric| {
            let (actual, target) = (actuals.get(metric), targets.get(metric));
            let (achievement, note) = match (actual, target) {
                (_, None) => (
                    None,
                    Some("no target set: reported, not scored".to_string()),
                ),
                (_, Some(t)) if t <= Decimal::ZERO => (
                    None,
                    Some("no target set: reported, not scored".to_string()),
                ),
                (None, Some(_)) => (None, Some("no data for the period".to_string())),
                // t > 0 here: a quotient past 28 digits is past any cap (or below 0).
                (Some(a), Some(t)) => (
                    Some(match a.checked_div(t) {
                        Some(r) => r.max(Decimal::ZERO).min(kpi.achievement_cap),
                        None if a > Decimal::ZERO => kpi.achievement_cap,
                        None => Decimal::ZERO,
                    }),
                    None,
                ),
            };
            MetricLine {
                metric,
                actual,
                target,
                achievement,
                weight: metric.weight(kpi),
                contribution: Decimal::ZERO,
                note,
            }
        })
        .collect();
    // A metric without data (or target) either scores zero, or gives its weight to the
    // others in proportion, by policy.
    if kpi.missing_metric == MissingMetric::Redistribute {
        // Weights come from the validated policy: five of them, each at most 1.
        let present = lines
            .iter()
            .filter(|l| l.achievement.is_some())
            .fold(Decimal::ZERO, |s, l| s.saturating_add(l.weight));
        for l in &mut lines {
            l.weight = match (l.achievement, present.is_zero()) {
                (Some(_), false) => l.weight.checked_div(present).unwrap_or_default(),
                _ => Decimal::ZERO,
            };
        }
    }
    let hundred = Decimal::ONE_HUNDRED;
    for l in &mut lines {
        l.contribution = l
            .achievement
            // Achievement at most the cap, weight at most 1: no overflow.
            .map_or(Decimal::ZERO, |a| {
                a.saturating_mul(l.weight)
                    .saturating_mul(hundred)
                    .round_dp(4)
            });
    }
    let score = lines
        .iter()
        .fold(Decimal::ZERO, |s, l| s.saturating_add(l.contribution))
        .round_dp(2);
    let band = kpi.band_for(score);
    Scorecard {
        lines,
        score,
        band: band.map_or(String::new(), |b| b.band.clone()),
        bonus_multiplier: band.map_or(Decimal::ZERO, |b| b.bonus_multiplier),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Policy;

    fn kpi(missing: &str) -> KpiPolicy {
        let text = include_str!("../../../examples/policy.toml").replace(
            "missing_metric = \"redistribute\"",
            &format!("missing_metric = \"{missing}\""),
        );
        Policy::from_toml(&text).unwrap().kpi().clone()
    }

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn p5_scenario_4_the_cap_limits_a_metric_to_its_weight_times_150_points() {
        let k = kpi("zero");
        let targets = Metrics {
            revenue: Some(d("100")),
            ..Default::default()
        };
        let at150 = score(
            &k,
            &Metrics {
                revenue: Some(d("150")),
                ..Default::default()
            },
            &targets,
        );
        assert_eq!(at150.lines[0].contribution, d("52.5"));
        let at200 = score(
            &k,
            &Metrics {
                revenue: Some(d("200")),
                ..Default::default()
            },
            &targets,
        );
        assert_eq!(
            (at200.lines[0].achievement, at200.lines[0].contribution),
            (Some(d("1.5")), d("52.5"))
        );
    }

    #[test]
    fn p5_scenario_5_a_missing_survey_is_redistributed_or_zero_by_policy() {
        let targets = Metrics {
            revenue: Some(d("100")),
            profit: Some(d("10")),
            new_customers: Some(d("2")),
            satisfaction: Some(d("4")),
            supervisor: Some(d("80")),
        };
        let actuals = Metrics {
            revenue: Some(d("100")),
            profit: Some(d("10")),
            new_customers: Some(d("2")),
            satisfaction: None,
            supervisor: Some(d("80")),
        };
        let zero = score(&kpi("zero"), &actuals, &targets);
        assert_eq!(zero.score, d("85.00"));
        assert_eq!(
            zero.lines[3].note.as_deref(),
            Some("no data for the period")
        );
        let redistributed = score(&kpi("redistribute"), &actuals, &targets);
        assert_eq!(redistributed.score, d("100.00"));
        assert_eq!(redistributed.band, "B");
    }

    #[test]
    fn a_metric_without_target_is_reported_not_divided() {
        let s = score(
            &kpi("zero"),
            &Metrics {
                revenue: Some(d("5")),
                ..Default::default()
            },
            &Metrics {
                revenue: Some(Decimal::ZERO),
                ..Default::default()
            },
        );
        assert_eq!(s.lines[0].achievement, None);
        assert_eq!(s.lines[0].actual, Some(d("5")));
        assert_eq!(
            (s.score, s.band.as_str(), s.bonus_multiplier),
            (Decimal::ZERO, "D", Decimal::ZERO)
        );
    }

    #[test]
    fn negative_achievement_is_floored_at_zero() {
        let s = score(
            &kpi("zero"),
            &Metrics {
                profit: Some(d("-50")),
                ..Default::default()
            },
            &Metrics {
                profit: Some(d("100")),
                ..Default::default()
            },
        );
        assert_eq!(s.lines[1].achievement, Some(Decimal::ZERO));
    }
}
