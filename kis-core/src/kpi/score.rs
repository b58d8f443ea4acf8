//! KPI scoring (P5): achievement per indicator against its target, floored at zero and
//! capped by policy, weighted into a score, banded into a bonus multiplier. Pure; every
//! score comes with its breakdown.

use std::borrow::Cow;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::policy::{Band, KpiPolicy, MissingMetric};

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
    pub note: Option<Cow<'static, str>>,
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

/// Why a line with no target is not scored.
const NO_TARGET: &str = "no target set: reported, not scored";

/// A scorecard's figures without its words: what a table of 26,000 cards needs, with no
/// allocation. [`score`] is these figures with each line's note; both come from
/// [`score_figures`], so a card and a table row never disagree.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CardFigures<'p> {
    /// Each indicator's achievement (`Metric::ALL` order; `None`: not scored).
    pub achievement: [Option<Decimal>; 5],
    /// Each indicator's weight after the missing-metric rule.
    pub weight: [Decimal; 5],
    /// Each indicator's points: achievement x weight x 100, at 4 decimals.
    pub contribution: [Decimal; 5],
    /// The score in points, two decimals.
    pub score: Decimal,
    /// The band the score falls in (`None`: below every band).
    pub band: Option<&'p Band>,
}

impl CardFigures<'_> {
    /// The band's bonus multiplier (zero below every band).
    pub fn bonus_multiplier(&self) -> Decimal {
        self.band.map_or(Decimal::ZERO, |b| b.bonus_multiplier)
    }
}

/// The figures of `actuals` scored against `targets` under the policy's weights, cap,
/// missing-metric rule and bands (P5.1-P5.3).
pub fn score_figures<'p>(
    kpi: &'p KpiPolicy,
    actuals: &Metrics,
    targets: &Metrics,
) -> CardFigures<'p> {
    // Bit i: Metric::ALL[i] is scored (has data and a target).
    let mut present = 0usize;
    let mut achievement = [None; 5];
    for ((bit, &metric), slot) in Metric::ALL.iter().enumerate().zip(&mut achievement) {
        if let (Some(a), Some(t)) = (actuals.get(metric), targets.get(metric))
            && t > Decimal::ZERO
        {
            // t > 0 here: a quotient past 28 digits is past any cap (or below 0).
            *slot = Some(match a.checked_div(t) {
                Some(r) => r.max(Decimal::ZERO).min(kpi.achievement_cap),
                None if a > Decimal::ZERO => kpi.achievement_cap,
                None => Decimal::ZERO,
            });
            present |= 1 << bit;
        }
    }
    // A metric without data (or target) either scores zero, or gives its weight to the
    // others in proportion, by policy.
    let weight = match kpi.missing_metric {
        MissingMetric::Redistribute => kpi
            .weights_by_presence(|| redistributed(kpi))
            .get(present)
            .copied()
            .unwrap_or_default(),
        MissingMetric::Zero => Metric::ALL.map(|m| m.weight(kpi)),
    };
    let hundred = Decimal::ONE_HUNDRED;
    let mut contribution = [Decimal::ZERO; 5];
    for ((c, a), w) in contribution.iter_mut().zip(achievement).zip(weight) {
        // Achievement at most the cap, weight at most 1: no overflow.
        if let Some(a) = a {
            *c = a.saturating_mul(w).saturating_mul(hundred).round_dp(4);
        }
    }
    let score = contribution
        .iter()
        .fold(Decimal::ZERO, |s, c| s.saturating_add(*c))
        .round_dp(2);
    CardFigures {
        achievement,
        weight,
        contribution,
        score,
        band: kpi.band_for(score),
    }
}

/// Scores `actuals` against `targets` under the policy's weights, cap, missing-metric
/// rule and bands: the figures, each line with why it was not scored if it was not.
pub fn score(kpi: &KpiPolicy, actuals: &Metrics, targets: &Metrics) -> Scorecard {
    scorecard(&score_figures(kpi, actuals, targets), actuals, targets)
}

/// The scorecard of figures `f` of `actuals` against `targets`: [`score`] once the
/// figures are known.
pub fn scorecard(f: &CardFigures<'_>, actuals: &Metrics, targets: &Metrics) -> Scorecard {
    let lines = Metric::ALL
        .iter()
        .zip(
            f.achievement
                .iter()
                .zip(f.weight.iter().zip(&f.contribution)),
        )
        .map(|(&metric, (&achievement, (&weight, &contribution)))| {
            let (actual, target) = (actuals.get(metric), targets.get(metric));
            let note = match (actual, target) {
                (_, None) => Some(NO_TARGET),
                (_, Some(t)) if t <= Decimal::ZERO => Some(NO_TARGET),
                (None, Some(_)) => Some("no data for the period"),
                (Some(_), Some(_)) => None,
            };
            MetricLine {
                metric,
                actual,
                target,
                achievement,
                weight,
                contribution,
                note: note.map(Cow::Borrowed),
            }
        })
        .collect();
    Scorecard {
        lines,
        score: f.score,
        band: f.band.map_or(String::new(), |b| b.band.clone()),
        bonus_multiplier: f.bonus_multiplier(),
    }
}

/// The weights of every set of indicators with data (bit i: `Metric::ALL[i]`), each
/// present one's weight shared out over the present ones in proportion (P5.3c), the
/// absent ones at zero.
fn redistributed(kpi: &KpiPolicy) -> [[Decimal; 5]; 32] {
    std::array::from_fn(|set| {
        let has = |bit: usize| set & (1 << bit) != 0;
        // Weights come from the validated policy: five of them, each at most 1.
        let present = Metric::ALL
            .iter()
            .enumerate()
            .filter(|&(bit, _)| has(bit))
            .fold(Decimal::ZERO, |s, (_, m)| s.saturating_add(m.weight(kpi)));
        let mut weights = [Decimal::ZERO; 5];
        for ((bit, m), w) in Metric::ALL.iter().enumerate().zip(&mut weights) {
            if has(bit) && !present.is_zero() {
                *w = m.weight(kpi).checked_div(present).unwrap_or_default();
            }
        }
        weights
    })
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
