//! Expense budgets and claims for Kotlin and Swift.

// Exported methods mirror the commands field by field; Kotlin and Swift callers name
// their arguments, so a long parameter list reads well there.
#![allow(clippy::too_many_arguments)]

use kis::Actor;
use kis::expense as x;

use crate::engine::KisEngine;
use crate::error::KisError;
use crate::sales::Review;
use crate::values::{Amount, Day};

/// A receipt (P6.2); `file_sha256` is the hash of the photo kept by the app.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Receipt {
    /// Issuer.
    pub issuer: String,
    /// Number.
    pub number: String,
    /// Date.
    pub date: Day,
    /// Amount.
    pub amount: Amount,
    /// SHA-256 (hex) of the receipt photo.
    pub file_sha256: Option<String>,
}

/// One expense (input; a returned claim also carries finance's sanction).
#[derive(Debug, Clone, uniffi::Record)]
pub struct ClaimLine {
    /// Budget category.
    pub category: String,
    /// Date of the expense.
    pub date: Day,
    /// Amount claimed.
    pub amount: Amount,
    /// What it was.
    pub description: String,
    /// The receipt.
    pub receipt: Option<Receipt>,
    /// The event, for per-event limits.
    pub event: Option<String>,
    /// What finance sanctioned, if less (ignored on input).
    pub sanctioned: Option<Amount>,
}

impl ClaimLine {
    fn to_core(&self, i: usize) -> Result<x::ClaimLine, KisError> {
        let f = |name: &str| format!("lines[{i}].{name}");
        Ok(x::ClaimLine {
            category: self.category.clone(),
            date: self.date.parse(&f("date"))?,
            amount: self.amount.parse(&f("amount"))?,
            description: self.description.clone(),
            event: self.event.clone(),
            receipt: match &self.receipt {
                None => None,
                Some(r) => Some(x::Receipt {
                    issuer: r.issuer.clone(),
                    number: r.number.clone(),
                    date: r.date.parse(&f("receipt.date"))?,
                    amount: r.amount.parse(&f("receipt.amount"))?,
                    file_sha256: r.file_sha256.clone(),
                }),
            },
            sanctioned: None,
            sanction_reason: None,
        })
    }

    fn from_core(l: &x::ClaimLine) -> Self {
        ClaimLine {
            category: l.category.clone(),
            date: Day::from_date(l.date),
            amount: Amount::from_decimal(l.amount),
            description: l.description.clone(),
            receipt: l.receipt.as_ref().map(|r| Receipt {
                issuer: r.issuer.clone(),
                number: r.number.clone(),
                date: Day::from_date(r.date),
                amount: Amount::from_decimal(r.amount),
                file_sha256: r.file_sha256.clone(),
            }),
            event: l.event.clone(),
            sanctioned: l.sanctioned.map(Amount::from_decimal),
        }
    }
}

/// An expense claim.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ExpenseClaim {
    /// Id.
    pub id: String,
    /// Claimant.
    pub claimant: String,
    /// The expenses.
    pub lines: Vec<ClaimLine>,
    /// draft, submitted, approved, paid.
    pub status: String,
    /// Budget warnings found at submission.
    pub warnings: Vec<String>,
    /// The review.
    pub review: Option<Review>,
}

impl From<x::ExpenseClaim> for ExpenseClaim {
    fn from(c: x::ExpenseClaim) -> Self {
        ExpenseClaim {
            lines: c.lines.iter().map(ClaimLine::from_core).collect(),
            status: kis::wire_name(&c.status),
            review: c.approval.as_ref().map(crate::sales::review),
            id: c.id,
            claimant: c.claimant.0,
            warnings: c.warnings,
        }
    }
}

/// Where one budget stands.
#[derive(Debug, Clone, uniffi::Record)]
pub struct BudgetStatusLine {
    /// Team.
    pub team: String,
    /// Category.
    pub category: String,
    /// Annual budget in force.
    pub annual: Amount,
    /// Budget accumulated to the current month.
    pub to_date: Amount,
    /// Approved + pending this year.
    pub consumed: Amount,
    /// annual - consumed.
    pub remaining: Amount,
}

#[uniffi::export]
impl KisEngine {
    /// Proposes (or revises, with a reason) a budget; returns its id, to submit as a
    /// `DocumentKind.BUDGET` for finance's review.
    pub fn propose_budget(
        &self,
        actor: String,
        year: i32,
        team: String,
        category: String,
        annual: Amount,
        distribution: Option<Vec<Amount>>,
        reason: Option<String>,
        idempotency_key: Option<String>,
    ) -> Result<String, KisError> {
        let distribution = distribution
            .map(|d| {
                d.iter()
                    .enumerate()
                    .map(|(i, p)| p.parse(&format!("distribution[{i}]")))
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;
        let cmd = x::ProposeBudget {
            year,
            team: team.into(),
            category,
            annual: annual.parse("annual")?,
            distribution,
            reason,
        };
        Ok(self.run(&actor, idempotency_key, cmd)?.id)
    }

    /// Budget vs consumed vs remaining.
    pub fn budget_status(
        &self,
        actor: String,
        year: i32,
    ) -> Result<Vec<BudgetStatusLine>, KisError> {
        Ok(self
            .engine()
            .budget_status(&Actor::new(actor), year)?
            .into_iter()
            .map(|b| BudgetStatusLine {
                team: b.team.0,
                category: b.category,
                annual: Amount::from_decimal(b.annual),
                to_date: Amount::from_decimal(b.to_date),
                consumed: Amount::from_decimal(b.consumed),
                remaining: Amount::from_decimal(b.remaining),
            })
            .collect())
    }

    /// Files an expense claim (submit it as `DocumentKind.EXPENSE_CLAIM`).
    pub fn file_claim(
        &self,
        actor: String,
        id: String,
        period_from: Day,
        period_to: Day,
        lines: Vec<ClaimLine>,
        idempotency_key: Option<String>,
    ) -> Result<ExpenseClaim, KisError> {
        let lines = lines
            .iter()
            .enumerate()
            .map(|(i, l)| l.to_core(i))
            .collect::<Result<Vec<_>, _>>()?;
        let cmd = x::FileClaim {
            id,
            period_from: period_from.parse("period_from")?,
            period_to: period_to.parse("period_to")?,
            lines,
        };
        Ok(self.run(&actor, idempotency_key, cmd)?.into())
    }

    /// Finance sanctions less than claimed on a line, with a reason.
    pub fn sanction_claim_line(
        &self,
        actor: String,
        claim: String,
        line: u32,
        amount: Amount,
        reason: String,
        idempotency_key: Option<String>,
    ) -> Result<ExpenseClaim, KisError> {
        let cmd = x::SanctionClaimLine {
            claim,
            line: line as usize,
            amount: amount.parse("amount")?,
            reason,
        };
        Ok(self.run(&actor, idempotency_key, cmd)?.into())
    }

    /// The override role pushes a claim with budget warnings through (audited).
    pub fn override_budget_warning(
        &self,
        actor: String,
        claim: String,
        idempotency_key: Option<String>,
    ) -> Result<ExpenseClaim, KisError> {
        Ok(self
            .run(&actor, idempotency_key, x::OverrideBudgetWarning { claim })?
            .into())
    }

    /// Finance records the payment of an approved claim.
    pub fn mark_claim_paid(
        &self,
        actor: String,
        claim: String,
        idempotency_key: Option<String>,
    ) -> Result<ExpenseClaim, KisError> {
        Ok(self
            .run(&actor, idempotency_key, x::MarkClaimPaid { claim })?
            .into())
    }

    /// An expense claim the actor may read.
    pub fn expense_claim(&self, actor: String, id: String) -> Result<ExpenseClaim, KisError> {
        Ok(self.engine().expense_claim(&Actor::new(actor), &id)?.into())
    }
}
