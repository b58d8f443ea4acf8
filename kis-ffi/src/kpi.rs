//! KPI scorecards for Kotlin and Swift: a rep sees their own, a manager their team's.

use kis::Actor;
use kis::kpi as k;

use crate::engine::KisEngine;
use crate::error::KisError;
use crate::values::Amount;

/// One indicator's part of a score.
#[derive(Debug, Clone, uniffi::Record)]
pub struct MetricLine {
    /// revenue, profit, new_customers, satisfaction or supervisor.
    pub metric: String,
    /// What was achieved.
    pub actual: Option<Amount>,
    /// The target.
    pub target: Option<Amount>,
    /// actual / target, floored at 0, capped by policy.
    pub achievement: Option<Amount>,
    /// The weight used.
    pub weight: Amount,
    /// Points contributed.
    pub contribution: Amount,
    /// Why it was not scored, if not.
    pub note: Option<String>,
}

/// A rep's or a team's scorecard.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Scorecard {
    /// The rep or team id.
    pub id: String,
    /// "rep" or "team".
    pub kind: String,
    /// Points (100 = on target).
    pub score: Amount,
    /// The band.
    pub band: String,
    /// The bonus multiplier.
    pub bonus_multiplier: Amount,
    /// The breakdown.
    pub lines: Vec<MetricLine>,
}

fn card(id: String, kind: &str, c: &k::Scorecard) -> Scorecard {
    let amount = |d: Option<rust_decimal::Decimal>| d.map(Amount::from_decimal);
    Scorecard {
        id,
        kind: kind.into(),
        score: Amount::from_decimal(c.score),
        band: c.band.clone(),
        bonus_multiplier: Amount::from_decimal(c.bonus_multiplier),
        lines: c
            .lines
            .iter()
            .map(|l| MetricLine {
                metric: kis::wire_name(&l.metric),
                actual: amount(l.actual),
                target: amount(l.target),
                achievement: amount(l.achievement),
                weight: Amount::from_decimal(l.weight),
                contribution: Amount::from_decimal(l.contribution),
                note: l.note.clone(),
            })
            .collect(),
    }
}

#[uniffi::export]
impl KisEngine {
    /// The scorecards the actor may see for a month (1-12), or the year when `month` is
    /// null: reps first (best first), then teams, then directors' roll-ups (kind
    /// "director", for the director and the back office).
    pub fn scoreboard(
        &self,
        actor: String,
        year: i32,
        month: Option<u32>,
    ) -> Result<Vec<Scorecard>, KisError> {
        let period =
            k::Period::of(i128::from(year), month.map(i128::from)).map_err(kis::Error::from)?;
        let board = self.engine().scoreboard(&Actor::new(actor), period, None)?;
        let mut cards: Vec<Scorecard> = board
            .reps
            .iter()
            .map(|r| card(r.rep.to_string(), "rep", &r.card))
            .collect();
        cards.extend(
            board
                .teams
                .iter()
                .map(|t| card(t.team.to_string(), "team", &t.card)),
        );
        cards.extend(
            board
                .directors
                .iter()
                .map(|d| card(d.team.to_string(), "director", &d.card)),
        );
        Ok(cards)
    }

    /// A rep's scorecards month by month through `year`, each under the policy in force
    /// then: the rep's own, or their team's for a manager.
    pub fn rep_history(
        &self,
        actor: String,
        rep: String,
        year: i32,
    ) -> Result<Vec<MonthScore>, KisError> {
        Ok(self
            .engine()
            .rep_history(&Actor::new(actor), &rep.as_str().into(), year)?
            .into_iter()
            .map(|(month, r)| MonthScore {
                month,
                revenue: r.actuals.revenue.map(Amount::from_decimal),
                card: card(r.rep.to_string(), "rep", &r.card),
            })
            .collect())
    }
}

/// One month of a rep's history.
#[derive(Debug, Clone, uniffi::Record)]
pub struct MonthScore {
    /// The month, 1-12.
    pub month: u32,
    /// Revenue credited that month.
    pub revenue: Option<Amount>,
    /// The scorecard.
    pub card: Scorecard,
}
