//! KPI targets, surveys, ratings and the scoreboard from Python.

use chrono::NaiveDate;
use pyo3::prelude::*;
use rust_decimal::Decimal;

use kis::Actor;
use kis::kpi as k;

use crate::convert;
use crate::engine::PyEngine;
use crate::errors::{OrRaise, invalid};
use crate::policy::PyPolicy;

fn opt_decimal(v: Option<&Bound<'_, PyAny>>, field: &str) -> PyResult<Option<Decimal>> {
    v.map(|v| convert::decimal(v, field)).transpose()
}

/// One indicator's part of a score.
#[pyclass(module = "kis", name = "MetricLine", frozen, get_all)]
#[derive(Clone)]
pub struct PyMetricLine {
    /// revenue, profit, new_customers, satisfaction or supervisor.
    pub metric: String,
    /// What was achieved.
    pub actual: Option<Decimal>,
    /// The target.
    pub target: Option<Decimal>,
    /// actual / target, floored at 0, capped by policy.
    pub achievement: Option<Decimal>,
    /// The weight used.
    pub weight: Decimal,
    /// Points contributed.
    pub contribution: Decimal,
    /// Why it was not scored, if not.
    pub note: Option<String>,
}

/// A scorecard of a rep or a team.
#[pyclass(module = "kis", name = "Scorecard", frozen, get_all)]
#[derive(Clone)]
pub struct PyScorecard {
    /// The rep or team id.
    pub id: String,
    /// "rep" or "team".
    pub kind: String,
    /// Points (100 = on target).
    pub score: Decimal,
    /// The band.
    pub band: String,
    /// The bonus multiplier.
    pub bonus_multiplier: Decimal,
    /// The breakdown.
    pub lines: Vec<PyMetricLine>,
}

fn card(id: String, kind: &str, c: &k::Scorecard) -> PyScorecard {
    PyScorecard {
        id,
        kind: kind.into(),
        score: c.score,
        band: c.band.clone(),
        bonus_multiplier: c.bonus_multiplier,
        lines: c
            .lines
            .iter()
            .map(|l| PyMetricLine {
                metric: kis::wire_name(&l.metric),
                actual: l.actual,
                target: l.target,
                achievement: l.achievement,
                weight: l.weight,
                contribution: l.contribution,
                note: l.note.clone(),
            })
            .collect(),
    }
}

/// The scoreboard of a period.
#[pyclass(module = "kis", name = "Scoreboard", frozen, get_all)]
pub struct PyScoreboard {
    /// The policy version it was scored under.
    pub policy_version: String,
    /// Reps' scorecards, best first.
    pub reps: Vec<PyScorecard>,
    /// Teams' scorecards, best first.
    pub teams: Vec<PyScorecard>,
    /// Each director's teams rolled up (kind "director"; for the director, finance and
    /// admins).
    pub directors: Vec<PyScorecard>,
    /// Awards: (kind, winners, rule).
    pub awards: Vec<(String, Vec<String>, String)>,
}

#[pymethods]
impl PyEngine {
    /// Sets a rep's annual targets (the director or the rep's manager). Totals (revenue,
    /// profit, new customers) are spread by `distribution` (12 percentages, or even).
    #[pyo3(signature = (actor, rep, year, *, revenue = None, profit = None, new_customers = None, satisfaction = None, supervisor = None, distribution = None, idempotency_key = None))]
    #[allow(clippy::too_many_arguments)]
    fn set_targets(
        &self,
        py: Python<'_>,
        actor: &str,
        rep: &str,
        #[pyo3(from_py_with = crate::convert::year)] year: i32,
        revenue: Option<&Bound<'_, PyAny>>,
        profit: Option<&Bound<'_, PyAny>>,
        new_customers: Option<&Bound<'_, PyAny>>,
        satisfaction: Option<&Bound<'_, PyAny>>,
        supervisor: Option<&Bound<'_, PyAny>>,
        distribution: Option<Vec<Bound<'_, PyAny>>>,
        idempotency_key: Option<&str>,
    ) -> PyResult<()> {
        let annual = k::Metrics {
            revenue: opt_decimal(revenue, "revenue")?,
            profit: opt_decimal(profit, "profit")?,
            new_customers: opt_decimal(new_customers, "new_customers")?,
            satisfaction: opt_decimal(satisfaction, "satisfaction")?,
            supervisor: opt_decimal(supervisor, "supervisor")?,
        };
        let distribution = distribution
            .map(|d| {
                d.iter()
                    .enumerate()
                    .map(|(i, p)| convert::decimal(p, &format!("distribution[{i}]")))
                    .collect::<PyResult<Vec<_>>>()
            })
            .transpose()?;
        self.run(
            py,
            actor,
            idempotency_key,
            k::SetTargets {
                rep: rep.into(),
                year,
                annual,
                distribution,
            },
        )?;
        Ok(())
    }

    /// Records a customer survey (P5.3b): channel "questionnaire" or "phone", score 0-100.
    #[pyo3(signature = (actor, id, customer, date, score, channel, *, idempotency_key = None))]
    #[allow(clippy::too_many_arguments)]
    fn record_survey(
        &self,
        py: Python<'_>,
        actor: &str,
        id: String,
        customer: String,
        date: NaiveDate,
        score: &Bound<'_, PyAny>,
        channel: &str,
        idempotency_key: Option<&str>,
    ) -> PyResult<()> {
        let channel = match channel {
            "questionnaire" => k::SurveyChannel::Questionnaire,
            "phone" => k::SurveyChannel::Phone,
            other => {
                return Err(invalid(
                    py,
                    "channel",
                    &format!("{other:?} is not questionnaire or phone"),
                ));
            }
        };
        self.run(
            py,
            actor,
            idempotency_key,
            k::RecordSurvey {
                id,
                customer,
                date,
                score: convert::decimal(score, "score")?,
                channel,
            },
        )?;
        Ok(())
    }

    /// The rep's own manager rates a month (P5.3c), 0-100.
    #[pyo3(signature = (actor, rep, year, month, score, *, idempotency_key = None))]
    #[allow(clippy::too_many_arguments)]
    fn rate_rep(
        &self,
        py: Python<'_>,
        actor: &str,
        rep: &str,
        #[pyo3(from_py_with = crate::convert::year)] year: i32,
        #[pyo3(from_py_with = crate::convert::month)] month: u32,
        score: &Bound<'_, PyAny>,
        idempotency_key: Option<&str>,
    ) -> PyResult<()> {
        self.run(
            py,
            actor,
            idempotency_key,
            k::RateRep {
                rep: rep.into(),
                year,
                month,
                score: convert::decimal(score, "score")?,
            },
        )?;
        Ok(())
    }

    /// Scores a month (`month` 1-12) or a year (`month=None`) under the policy in force
    /// then, or under `what_if`.
    #[pyo3(signature = (actor, year, month = None, what_if = None))]
    fn scoreboard(
        &self,
        py: Python<'_>,
        actor: &str,
        #[pyo3(from_py_with = crate::convert::int)] year: i128,
        #[pyo3(from_py_with = crate::convert::optional_int)] month: Option<i128>,
        what_if: Option<&PyPolicy>,
    ) -> PyResult<PyScoreboard> {
        let period = k::Period::of(year, month).map_err(|e| crate::errors::to_py(py, e.into()))?;
        let what_if = what_if.map(|p| p.inner.clone());
        let board = py
            .detach(|| {
                self.engine()
                    .scoreboard(&Actor::new(actor), period, what_if.as_deref())
            })
            .or_raise(py)?;
        Ok(PyScoreboard {
            policy_version: board.policy_version,
            reps: board
                .reps
                .iter()
                .map(|r| card(r.rep.to_string(), "rep", &r.card))
                .collect(),
            teams: board
                .teams
                .iter()
                .map(|t| card(t.team.to_string(), "team", &t.card))
                .collect(),
            directors: board
                .directors
                .iter()
                .map(|d| card(d.team.to_string(), "director", &d.card))
                .collect(),
            awards: board
                .awards
                .into_iter()
                .map(|a| (a.kind, a.winners, a.rule))
                .collect(),
        })
    }

    /// A rep's scorecards month by month through `year` (to the current month for the
    /// current year), each under the policy in force then: `[(month, scorecard)]`.
    fn rep_history(
        &self,
        py: Python<'_>,
        actor: &str,
        rep: &str,
        #[pyo3(from_py_with = crate::convert::year)] year: i32,
    ) -> PyResult<Vec<(u32, PyScorecard)>> {
        let history = py
            .detach(|| {
                self.engine()
                    .rep_history(&Actor::new(actor), &rep.into(), year)
            })
            .or_raise(py)?;
        Ok(history
            .into_iter()
            .map(|(m, r)| (m, card(r.rep.to_string(), "rep", &r.card)))
            .collect())
    }
}
