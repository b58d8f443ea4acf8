//! The scoreboard of a period (P5.2): every rep's and team's scorecard, and the awards
//! (P4.3), under the policy in force for the period or a "what if" policy.

use std::sync::Arc;

use chrono::Datelike;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::Period;
use super::score::{Metrics, Scorecard, score};
use super::tally::score_rep;
use crate::document;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::ids::{TeamId, UserId};
use crate::org::visibility::Visibility;
use crate::org::{Actor, Role, Team, User};
use crate::policy::Policy;

/// One rep's scorecard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RepScore {
    /// The rep.
    pub rep: UserId,
    /// Their team.
    pub team: Option<TeamId>,
    /// What they achieved.
    pub actuals: Metrics,
    /// Their targets for the period.
    pub targets: Metrics,
    /// The score and its breakdown.
    pub card: Scorecard,
}

/// A team's scorecard, on its totals against its rolled-up targets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TeamScore {
    /// The team.
    pub team: TeamId,
    /// The team's totals (satisfaction and rating: averages).
    pub actuals: Metrics,
    /// The rolled-up targets.
    pub targets: Metrics,
    /// The score.
    pub card: Scorecard,
}

/// An award of the period (P4.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Award {
    /// `performance`, `new_customer` or `team`.
    pub kind: String,
    /// The winners (rep or team ids), best first.
    pub winners: Vec<String>,
    /// The rule applied, ties included.
    pub rule: String,
}

/// The scoreboard of a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Scoreboard {
    /// The period.
    pub period: Period,
    /// The policy version it was scored under.
    pub policy_version: String,
    /// Reps the actor may see, best score first.
    pub reps: Vec<RepScore>,
    /// Teams the actor may see, best score first.
    pub teams: Vec<TeamScore>,
    /// Each director's teams rolled up (the director, finance and admins see these).
    pub directors: Vec<TeamScore>,
    /// The period's awards.
    pub awards: Vec<Award>,
}

fn avg(values: &[Decimal]) -> Option<Decimal> {
    (!values.is_empty()).then(|| {
        // Scores and ratings are checked to their ranges when recorded.
        let sum = values
            .iter()
            .fold(Decimal::ZERO, |s, v| s.saturating_add(*v));
        sum.checked_div(Decimal::from(values.len()))
            .unwrap_or_default()
            .round_dp(4)
    })
}

fn sum_opt(values: impl Iterator<Item = Option<Decimal>>) -> Option<Decimal> {
    values
        .flatten()
        // Team totals of member figures, each of which fitted: a sum past 28 digits
        // stays at the largest decimal rather than wrapping.
        .fold(None, |acc, v| {
            Some(acc.unwrap_or_default().saturating_add(v))
        })
}

/// A team's figures from its members': totals summed, levels averaged.
fn roll_up<'a>(members: impl Iterator<Item = &'a Metrics> + Clone) -> Metrics {
    let levels = |f: fn(&Metrics) -> Option<Decimal>| {
        avg(&members.clone().filter_map(f).collect::<Vec<_>>())
    };
    Metrics {
        revenue: sum_opt(members.clone().map(|m| m.revenue)),
        profit: sum_opt(members.clone().map(|m| m.profit)),
        new_customers: sum_opt(members.clone().map(|m| m.new_customers)),
        satisfaction: levels(|m| m.satisfaction),
        supervisor: levels(|m| m.supervisor),
    }
}

impl Engine {
    /// The policy in force on a period's last day (the installed one if the store keeps
    /// no version that old).
    pub fn policy_for_period(&self, period: Period) -> Result<Arc<Policy>> {
        match self.policy_in_force(period.last()) {
            Ok(p) => Ok(p),
            Err(Error::NotFound { .. }) => Ok(self.policy()),
            Err(e) => Err(e),
        }
    }

    /// Scores a period. The policy is the one in force on the period's last day, or
    /// `what_if` (an analyst's question: how would this period score under other rules?).
    pub fn scoreboard(
        &self,
        actor: &Actor,
        period: Period,
        what_if: Option<&Policy>,
    ) -> Result<Scoreboard> {
        period.check()?;
        let viewer = self.acting_user(actor)?;
        let policy: Arc<Policy> = match what_if {
            Some(p) => Arc::new(p.clone()),
            None => self.policy_for_period(period)?,
        };
        // The period's facts tallied (P5.3a, shares weighted) and the year's inputs; each
        // rep scored as the year's cards are, so that the two never disagree.
        let year = period.first().year();
        let (tally, inputs, users, teams) = self.read(|tx| {
            Ok::<_, Error>((
                super::year::tally_period(tx, period, self.reader_threads())?,
                super::year::read_inputs(tx, year)?,
                document::all::<User>(tx)?,
                document::all::<Team>(tx)?,
            ))
        })?;
        let kpi = policy.kpi();
        let month = match period {
            Period::Month { month, .. } => Some(month),
            Period::Year(_) => None,
        };
        let mut reps: Vec<RepScore> = users
            .iter()
            .filter(|u| u.role == Role::Rep)
            .map(|u| {
                let y = score_rep(&policy, &tally, &inputs, u.id.as_str(), month)?;
                Ok(RepScore {
                    rep: u.id.clone(),
                    team: u.team.clone(),
                    actuals: y.actuals,
                    targets: y.targets,
                    card: y.card,
                })
            })
            .collect::<Result<_>>()?;
        reps.sort_by(|a, b| {
            b.card
                .score
                .cmp(&a.card.score)
                .then_with(|| a.rep.cmp(&b.rep))
        });
        // Teams: the same scoring on their totals.
        let mut team_scores: Vec<TeamScore> = teams
            .iter()
            .map(|t| {
                let members: Vec<&RepScore> = reps
                    .iter()
                    .filter(|r| r.team.as_ref() == Some(&t.id))
                    .collect();
                let actuals = roll_up(members.iter().map(|r| &r.actuals));
                let targets = roll_up(members.iter().map(|r| &r.targets));
                let card = score(kpi, &actuals, &targets);
                TeamScore {
                    team: t.id.clone(),
                    actuals,
                    targets,
                    card,
                }
            })
            .collect();
        team_scores.sort_by(|a, b| {
            b.card
                .score
                .cmp(&a.card.score)
                .then_with(|| a.team.cmp(&b.team))
        });
        let awards = awards(&policy, &reps, &team_scores);
        // Directors: their teams' reps rolled up the same way (P2.2).
        let mut directors: Vec<TeamScore> = users
            .iter()
            .filter(|u| u.role == Role::Director)
            .map(|d| {
                let teams_of: Vec<&TeamId> = teams
                    .iter()
                    .filter(|t| t.director.as_ref() == Some(&d.id))
                    .map(|t| &t.id)
                    .collect();
                let members: Vec<&RepScore> = reps
                    .iter()
                    .filter(|r| r.team.as_ref().is_some_and(|t| teams_of.contains(&t)))
                    .collect();
                let actuals = roll_up(members.iter().map(|r| &r.actuals));
                let targets = roll_up(members.iter().map(|r| &r.targets));
                let card = score(kpi, &actuals, &targets);
                TeamScore {
                    team: TeamId::new(d.id.as_str()),
                    actuals,
                    targets,
                    card,
                }
            })
            .collect();
        directors.sort_by(|a, b| {
            b.card
                .score
                .cmp(&a.card.score)
                .then_with(|| a.team.cmp(&b.team))
        });
        // What the actor may see (P2): a rep their own card, a manager their team's.
        let visible = Visibility::of(&viewer, &users, &teams);
        if !visible.everyone() {
            directors.clear();
        }
        reps.retain(|r| visible.rep(&r.rep));
        team_scores.retain(|t| visible.team(&t.team));
        Ok(Scoreboard {
            period,
            policy_version: policy.hash().to_string(),
            reps,
            teams: team_scores,
            directors,
            awards,
        })
    }

    /// A rep's scorecards month by month through `year` (up to the current month for the
    /// current year): the history a rep or their manager follows. Each month is scored
    /// under the policy in force then.
    pub fn rep_history(
        &self,
        actor: &Actor,
        rep: &UserId,
        year: i32,
    ) -> Result<Vec<(u32, RepScore)>> {
        let today = self.today();
        let last = if year < today.year() {
            12
        } else if year == today.year() {
            today.month()
        } else {
            0
        };
        let mut out = Vec::new();
        for month in 1..=last {
            let board = self.scoreboard(actor, Period::Month { year, month }, None)?;
            match board.reps.into_iter().find(|r| &r.rep == rep) {
                Some(card) => out.push((month, card)),
                None => {
                    return Err(Error::not_authorized(
                        actor.user.as_str(),
                        format!("read {rep}'s scorecards"),
                        "a rep sees their own, a manager their team's (P2)",
                    ));
                }
            }
        }
        Ok(out)
    }
}

/// The awards of P4.3 by the policy's rules; ties are broken by id, and said so.
fn awards(policy: &Policy, reps: &[RepScore], teams: &[TeamScore]) -> Vec<Award> {
    let rules = &policy.kpi().awards;
    let performance: Vec<String> = reps
        .iter()
        .filter(|r| r.card.score >= rules.performance.min_score)
        .take(rules.performance.top as usize)
        .map(|r| r.rep.to_string())
        .collect();
    let min_new = Decimal::from(rules.new_customer.min_new_customers);
    let mut newcomers: Vec<&RepScore> = reps
        .iter()
        .filter(|r| r.actuals.new_customers.unwrap_or_default() >= min_new)
        .collect();
    newcomers.sort_by(|a, b| {
        b.actuals
            .new_customers
            .cmp(&a.actuals.new_customers)
            .then_with(|| a.rep.cmp(&b.rep))
    });
    let team: Vec<String> = teams
        .iter()
        .take(rules.team.top as usize)
        .map(|t| t.team.to_string())
        .collect();
    vec![
        Award {
            kind: "performance".into(),
            winners: performance,
            rule: format!(
                "score at least {}, best {}; equal scores by rep id",
                rules.performance.min_score, rules.performance.top
            ),
        },
        Award {
            kind: "new_customer".into(),
            winners: newcomers.iter().map(|r| r.rep.to_string()).collect(),
            rule: format!("at least {min_new} new customers, most first; equal counts by rep id"),
        },
        Award {
            kind: "team".into(),
            winners: team,
            rule: format!(
                "best {} team score(s); equal scores by team id",
                rules.team.top
            ),
        },
    ]
}
