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
    /// null: reps first (best first), then teams.
    pub fn scoreboard(
        &self,
        actor: String,
        year: i32,
        month: Option<u32>,
    ) -> Result<Vec<Scorecard>, KisError> {
        let period = match month {
            Some(month) => k::Period::Month { year, month },
            None => k::Period::Year(year),
        };
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
        Ok(cards)
    }
}
