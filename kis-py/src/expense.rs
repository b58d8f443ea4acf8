//! Expense budgets and claims from Python.

use chrono::NaiveDate;
use pyo3::prelude::*;
use rust_decimal::Decimal;

use kis::Actor;
use kis::expense as x;

use crate::convert;
use crate::engine::PyEngine;
use crate::errors::OrRaise;
use crate::sales::PyReview;

/// A receipt (P6.2).
#[pyclass(module = "kis", name = "Receipt", frozen, get_all, from_py_object)]
#[derive(Clone)]
pub struct PyReceipt {
    /// Issuer.
    pub issuer: String,
    /// Number.
    pub number: String,
    /// Date.
    pub date: NaiveDate,
    /// Amount.
    pub amount: Decimal,
    /// SHA-256 (hex) of the kept image.
    pub file_sha256: Option<String>,
}

#[pymethods]
impl PyReceipt {
    /// A receipt; `amount` is Decimal, int or str (never float).
    #[new]
    #[pyo3(signature = (issuer, number, date, amount, file_sha256 = None))]
    fn new(
        issuer: String,
        number: String,
        date: NaiveDate,
        amount: &Bound<'_, PyAny>,
        file_sha256: Option<String>,
    ) -> PyResult<Self> {
        Ok(PyReceipt {
            issuer,
            number,
            date,
            amount: convert::decimal(amount, "amount")?,
            file_sha256,
        })
    }
}

/// One expense of a claim (also what a claim returns, with finance's sanction).
#[pyclass(module = "kis", name = "ClaimLine", frozen, get_all, from_py_object)]
#[derive(Clone)]
pub struct PyClaimLine {
    /// Budget category.
    pub category: String,
    /// Date of the expense.
    pub date: NaiveDate,
    /// Amount claimed.
    pub amount: Decimal,
    /// What it was.
    pub description: String,
    /// The receipt.
    pub receipt: Option<PyReceipt>,
    /// The event, for per-event limits.
    pub event: Option<String>,
    /// What finance sanctioned, if less.
    pub sanctioned: Option<Decimal>,
    /// Why.
    pub sanction_reason: Option<String>,
}

#[pymethods]
impl PyClaimLine {
    /// An expense; `amount` is Decimal, int or str (never float).
    #[new]
    #[pyo3(signature = (category, date, amount, description, receipt = None, event = None))]
    fn new(
        category: String,
        date: NaiveDate,
        amount: &Bound<'_, PyAny>,
        description: String,
        receipt: Option<PyReceipt>,
        event: Option<String>,
    ) -> PyResult<Self> {
        Ok(PyClaimLine {
            category,
            date,
            amount: convert::decimal(amount, "amount")?,
            description,
            receipt,
            event,
            sanctioned: None,
            sanction_reason: None,
        })
    }
}

impl From<&x::ClaimLine> for PyClaimLine {
    fn from(l: &x::ClaimLine) -> Self {
        PyClaimLine {
            category: l.category.clone(),
            date: l.date,
            amount: l.amount,
            description: l.description.clone(),
            receipt: l.receipt.as_ref().map(|r| PyReceipt {
                issuer: r.issuer.clone(),
                number: r.number.clone(),
                date: r.date,
                amount: r.amount,
                file_sha256: r.file_sha256.clone(),
            }),
            event: l.event.clone(),
            sanctioned: l.sanctioned,
            sanction_reason: l.sanction_reason.clone(),
        }
    }
}

impl PyClaimLine {
    fn to_core(&self) -> x::ClaimLine {
        x::ClaimLine {
            category: self.category.clone(),
            date: self.date,
            amount: self.amount,
            description: self.description.clone(),
            event: self.event.clone(),
            receipt: self.receipt.as_ref().map(|r| x::Receipt {
                issuer: r.issuer.clone(),
                number: r.number.clone(),
                date: r.date,
                amount: r.amount,
                file_sha256: r.file_sha256.clone(),
            }),
            sanctioned: None,
            sanction_reason: None,
        }
    }
}

/// An expense claim (P6.2).
#[pyclass(module = "kis", name = "ExpenseClaim", frozen, get_all)]
pub struct PyExpenseClaim {
    /// Id.
    pub id: String,
    /// Claimant.
    pub claimant: String,
    /// Their team.
    pub team: String,
    /// First day covered.
    pub period_from: NaiveDate,
    /// Last day covered.
    pub period_to: NaiveDate,
    /// The expenses.
    pub lines: Vec<PyClaimLine>,
    /// draft, submitted, approved, paid.
    pub status: String,
    /// Budget warnings found at submission.
    pub warnings: Vec<String>,
    /// Who overrode them.
    pub override_by: Option<String>,
    /// The review.
    pub review: Option<PyReview>,
}

impl From<x::ExpenseClaim> for PyExpenseClaim {
    fn from(c: x::ExpenseClaim) -> Self {
        PyExpenseClaim {
            lines: c.lines.iter().map(Into::into).collect(),
            status: kis::wire_name(&c.status),
            review: c.approval.as_ref().map(Into::into),
            id: c.id,
            claimant: c.claimant.0,
            team: c.team.0,
            period_from: c.period_from,
            period_to: c.period_to,
            warnings: c.warnings,
            override_by: c.override_by.map(|u| u.0),
        }
    }
}

/// Where one budget stands (P6).
#[pyclass(module = "kis", name = "BudgetStatus", frozen, get_all)]
pub struct PyBudgetStatus {
    /// Team.
    pub team: String,
    /// Category.
    pub category: String,
    /// Annual budget in force.
    pub annual: Decimal,
    /// Budget accumulated to the current month.
    pub to_date: Decimal,
    /// Approved + pending this year.
    pub consumed: Decimal,
    /// Approved + pending to the current month.
    pub consumed_to_date: Decimal,
    /// annual - consumed.
    pub remaining: Decimal,
    /// Whether a proposal waits for finance.
    pub proposal_pending: bool,
    /// (month, budget of the month, spending dated in it) for each month.
    pub months: Vec<(u32, Decimal, Decimal)>,
}

impl From<x::BudgetStatusLine> for PyBudgetStatus {
    fn from(b: x::BudgetStatusLine) -> Self {
        PyBudgetStatus {
            team: b.team.0,
            category: b.category,
            annual: b.annual,
            to_date: b.to_date,
            consumed: b.consumed,
            consumed_to_date: b.consumed_to_date,
            remaining: b.remaining,
            proposal_pending: b.proposal_pending,
            months: b.months,
        }
    }
}

#[pymethods]
impl PyEngine {
    /// Proposes (or revises, with a reason) a budget; submit it as kind "budget" with id
    /// "{year}:{team}:{category}" for finance's review (P6.1).
    #[pyo3(signature = (actor, year, team, category, annual, distribution = None, reason = None, *, idempotency_key = None))]
    #[allow(clippy::too_many_arguments)]
    fn propose_budget(
        &self,
        py: Python<'_>,
        actor: &str,
        #[pyo3(from_py_with = crate::convert::year)] year: i32,
        team: &str,
        category: String,
        annual: &Bound<'_, PyAny>,
        distribution: Option<Vec<Bound<'_, PyAny>>>,
        reason: Option<String>,
        idempotency_key: Option<&str>,
    ) -> PyResult<String> {
        let distribution = distribution
            .map(|d| {
                d.iter()
                    .enumerate()
                    .map(|(i, p)| convert::decimal(p, &format!("distribution[{i}]")))
                    .collect::<PyResult<Vec<_>>>()
            })
            .transpose()?;
        let cmd = x::ProposeBudget {
            year,
            team: team.into(),
            category,
            annual: convert::decimal(annual, "annual")?,
            distribution,
            reason,
        };
        Ok(self.run(py, actor, idempotency_key, cmd)?.id)
    }

    /// Budget vs consumed vs remaining per team and category.
    fn budget_status(
        &self,
        py: Python<'_>,
        actor: &str,
        #[pyo3(from_py_with = crate::convert::year)] year: i32,
    ) -> PyResult<Vec<PyBudgetStatus>> {
        let lines = py
            .detach(|| self.engine().budget_status(&Actor::new(actor), year))
            .or_raise(py)?;
        Ok(lines.into_iter().map(Into::into).collect())
    }

    /// Files an expense claim (then submit it as kind "expense_claim").
    #[pyo3(signature = (actor, id, period_from, period_to, lines, *, idempotency_key = None))]
    #[allow(clippy::too_many_arguments)]
    fn file_claim(
        &self,
        py: Python<'_>,
        actor: &str,
        id: String,
        period_from: NaiveDate,
        period_to: NaiveDate,
        lines: Vec<PyClaimLine>,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyExpenseClaim> {
        let cmd = x::FileClaim {
            id,
            period_from,
            period_to,
            lines: lines.iter().map(PyClaimLine::to_core).collect(),
        };
        Ok(self.run(py, actor, idempotency_key, cmd)?.into())
    }

    /// Finance sanctions less than claimed on a line, with a reason.
    #[pyo3(signature = (actor, claim, line, amount, reason, *, idempotency_key = None))]
    #[allow(clippy::too_many_arguments)]
    fn sanction_claim_line(
        &self,
        py: Python<'_>,
        actor: &str,
        claim: String,
        line: usize,
        amount: &Bound<'_, PyAny>,
        reason: String,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyExpenseClaim> {
        let cmd = x::SanctionClaimLine {
            claim,
            line,
            amount: convert::decimal(amount, "amount")?,
            reason,
        };
        Ok(self.run(py, actor, idempotency_key, cmd)?.into())
    }

    /// Finance moves an approved line to another category, with a reason (P6.3).
    #[pyo3(signature = (actor, claim, line, category, reason, *, idempotency_key = None))]
    #[allow(clippy::too_many_arguments)]
    fn reclassify_claim_line(
        &self,
        py: Python<'_>,
        actor: &str,
        claim: String,
        line: usize,
        category: String,
        reason: String,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyExpenseClaim> {
        Ok(self
            .run(
                py,
                actor,
                idempotency_key,
                x::ReclassifyClaimLine {
                    claim,
                    line,
                    category,
                    reason,
                },
            )?
            .into())
    }

    /// The override role pushes a claim with budget warnings through (audited).
    #[pyo3(signature = (actor, claim, *, idempotency_key = None))]
    fn override_budget_warning(
        &self,
        py: Python<'_>,
        actor: &str,
        claim: String,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyExpenseClaim> {
        Ok(self
            .run(
                py,
                actor,
                idempotency_key,
                x::OverrideBudgetWarning { claim },
            )?
            .into())
    }

    /// Finance records the payment of an approved claim.
    #[pyo3(signature = (actor, claim, *, idempotency_key = None))]
    fn mark_claim_paid(
        &self,
        py: Python<'_>,
        actor: &str,
        claim: String,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyExpenseClaim> {
        Ok(self
            .run(py, actor, idempotency_key, x::MarkClaimPaid { claim })?
            .into())
    }

    /// An expense claim the actor may read.
    fn expense_claim(&self, py: Python<'_>, actor: &str, id: &str) -> PyResult<PyExpenseClaim> {
        Ok(py
            .detach(|| self.engine().expense_claim(&Actor::new(actor), id))
            .or_raise(py)?
            .into())
    }

    /// The expense claims the actor may see.
    fn expense_claims(&self, py: Python<'_>, actor: &str) -> PyResult<Vec<PyExpenseClaim>> {
        let claims = py
            .detach(|| self.engine().expense_claims(&Actor::new(actor)))
            .or_raise(py)?;
        Ok(claims.into_iter().map(Into::into).collect())
    }
}
