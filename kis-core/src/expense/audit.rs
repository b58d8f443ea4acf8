//! The finance audit of expenses (P6.3): a report of findings for a period.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::budget::Budget;
use super::claim::{ClaimStatus, ExpenseClaim, consumption_key};
use crate::document;
use crate::engine::Engine;
use crate::error::Result;
use crate::org::{Actor, Role, require_role};
use crate::policy::ExpensePolicy;

/// What a finding is about.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// Approved and pending spending passed a budget (allowed by `warn` or `ignore`).
    OverBudget,
    /// One receipt photo (same file hash) behind different receipt numbers.
    ReusedReceiptImage,
    /// A line filed later than the policy allows (under an earlier policy).
    LateFiling,
    /// A line above the receipt threshold without a receipt (under an earlier policy).
    MissingReceipt,
    /// Several claims by one person on one day and category that each stay under the
    /// receipt threshold but together pass it.
    SplitClaims,
    /// Entertainment on a Saturday or Sunday.
    WeekendEntertainment,
}

/// One finding of the audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Finding {
    /// What it is about.
    pub kind: FindingKind,
    /// The claims involved (or the budget id).
    pub subjects: Vec<String>,
    /// Who (claimant), when relevant.
    pub claimant: Option<String>,
    /// What finance should look at.
    pub detail: String,
}

/// Claimant, category and day: where split claims are looked for.
type DayKey<'a> = (&'a str, &'a str, NaiveDate);

/// Audits the claims (submitted, approved or paid) with expenses dated `from..=to`.
/// Pure: the caller loads the claims and the budget consumption.
pub fn audit(
    rules: &ExpensePolicy,
    claims: &[ExpenseClaim],
    over_budget: &[(String, Decimal, Decimal)],
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (budget, annual, consumed) in over_budget {
        findings.push(Finding {
            kind: FindingKind::OverBudget,
            subjects: vec![budget.clone()],
            claimant: None,
            detail: format!("{consumed} used against an annual budget of {annual}"),
        });
    }
    let live: Vec<&ExpenseClaim> = claims
        .iter()
        .filter(|c| c.status != ClaimStatus::Draft)
        .collect();
    let mut images: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    let mut per_day: BTreeMap<DayKey<'_>, Vec<(&str, Decimal)>> = BTreeMap::new();
    for c in &live {
        for (i, l) in c.lines.iter().enumerate() {
            if l.date < from || l.date > to {
                continue;
            }
            let filed = c.created_at.date_naive();
            if filed.signed_duration_since(l.date).num_days() > i64::from(rules.file_within_days) {
                findings.push(Finding {
                    kind: FindingKind::LateFiling,
                    subjects: vec![c.id.clone()],
                    claimant: Some(c.claimant.to_string()),
                    detail: format!(
                        "line {} dated {} was filed on {filed}",
                        i.saturating_add(1),
                        l.date
                    ),
                });
            }
            match &l.receipt {
                None if l.amount > rules.receipt_required_over => findings.push(Finding {
                    kind: FindingKind::MissingReceipt,
                    subjects: vec![c.id.clone()],
                    claimant: Some(c.claimant.to_string()),
                    detail: format!(
                        "line {} of {} has no receipt",
                        i.saturating_add(1),
                        l.amount
                    ),
                }),
                Some(r) => {
                    if let Some(h) = &r.file_sha256 {
                        images
                            .entry(h.as_str())
                            .or_default()
                            .push((c.id.as_str(), r.number.as_str()));
                    }
                }
                None => {}
            }
            if l.category == "entertainment"
                && matches!(l.date.weekday(), Weekday::Sat | Weekday::Sun)
            {
                findings.push(Finding {
                    kind: FindingKind::WeekendEntertainment,
                    subjects: vec![c.id.clone()],
                    claimant: Some(c.claimant.to_string()),
                    detail: format!(
                        "line {}: {} of entertainment on {} ({})",
                        i.saturating_add(1),
                        l.amount,
                        l.date,
                        l.date.weekday()
                    ),
                });
            }
            per_day
                .entry((c.claimant.as_str(), l.category.as_str(), l.date))
                .or_default()
                .push((c.id.as_str(), l.amount));
        }
    }
    for (hash, uses) in images {
        let mut numbers: Vec<&str> = uses.iter().map(|(_, n)| *n).collect();
        numbers.sort();
        numbers.dedup();
        if numbers.len() > 1 {
            let mut subjects: Vec<String> = uses.iter().map(|(c, _)| c.to_string()).collect();
            subjects.dedup();
            findings.push(Finding {
                kind: FindingKind::ReusedReceiptImage,
                subjects,
                claimant: None,
                detail: format!(
                    "one receipt image ({}...) for receipt numbers {}",
                    &hash[..hash.len().min(12)],
                    numbers.join(", ")
                ),
            });
        }
    }
    let threshold = rules.receipt_required_over;
    for ((claimant, category, day), lines) in per_day {
        let mut claims: Vec<&str> = lines.iter().map(|(c, _)| *c).collect();
        claims.sort();
        claims.dedup();
        // Each claim's total was checked to fit when filed; a day's claims saturate at
        // the largest decimal, which is past any threshold anyway.
        let total = lines
            .iter()
            .fold(Decimal::ZERO, |s, (_, a)| s.saturating_add(*a));
        if claims.len() > 1 && total > threshold && lines.iter().all(|(_, a)| *a <= threshold) {
            findings.push(Finding {
                kind: FindingKind::SplitClaims,
                subjects: claims.iter().map(|c| c.to_string()).collect(),
                claimant: Some(claimant.to_string()),
                detail: format!("{total} of {category} on {day} in {} claims, each under the {threshold} receipt threshold", claims.len()),
            });
        }
    }
    findings.sort_by(|a, b| {
        a.kind
            .cmp(&b.kind)
            .then_with(|| a.subjects.cmp(&b.subjects))
    });
    findings
}

impl Engine {
    /// The finance audit (P6.3) of expenses dated `from..=to` (finance and the director).
    pub fn expense_audit(
        &self,
        actor: &Actor,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Finding>> {
        let viewer = self.acting_user(actor)?;
        require_role(
            &viewer,
            &[Role::Finance, Role::Director],
            "audit expenses (P6.3)",
        )?;
        let rules = self.policy().expense().clone();
        let (claims, over) = self.read(|tx| {
            let claims = document::all::<ExpenseClaim>(tx)?;
            let mut over = Vec::new();
            for year in from.year()..=to.year() {
                let mut budgets = Vec::new();
                document::scan::<Budget>(tx, &format!("{year}:"), |b| {
                    budgets.push(b.value);
                    std::ops::ControlFlow::Continue(())
                })?;
                for b in budgets {
                    if let Some(plan) = b.plan_in_force() {
                        let used = tx.counter_get(&consumption_key(&b.id, None))?;
                        if used > plan.annual {
                            over.push((b.id.clone(), plan.annual, used));
                        }
                    }
                }
            }
            Ok((claims, over))
        })?;
        Ok(audit(&rules, &claims, &over, from, to))
    }
}
