//! Expense claims (P6.2, P6.3): lines with receipts, reviewed by the team's manager and
//! then finance; the budget is checked and reserved when a claim is submitted, exactly
//! and atomically, and released when it comes back; finance may sanction less, never more.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::budget::Budget;
use crate::approval::{Approval, ApprovalStatus, DocKind, Facts, Reviewable};
use crate::document::Document;
use crate::engine::{Command, CommandContext};
use crate::error::{Error, Result};
use crate::ids::{TeamId, UserId, validate_id};
use crate::org::Role;
use crate::policy::{ExceedAction, ExpensePolicy};
use crate::store::StoreError;

mod check;
mod commands;
mod receipts;
mod reservation;
mod review;

pub use check::check_lines;
pub use commands::{
    FileClaim, MarkClaimPaid, OverrideBudgetWarning, ReclassifyClaimLine, SanctionClaimLine,
};
pub use receipts::ReceiptUse;
pub use reservation::{consumption_key, per_day_key};

/// A receipt (P6.2: genuine, valid receipts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Receipt {
    /// Who issued it.
    pub issuer: String,
    /// Its number (unique per issuer).
    pub number: String,
    /// Its date.
    pub date: NaiveDate,
    /// Its amount.
    pub amount: Decimal,
    /// SHA-256 (hex) of the kept image, if any.
    pub file_sha256: Option<String>,
}

impl Receipt {
    /// The key under which a receipt is registered: the same receipt, however typed,
    /// has the same key.
    pub fn key(&self) -> String {
        format!(
            "{}:{}",
            self.issuer.trim().to_lowercase(),
            self.number.trim().to_uppercase()
        )
    }
}

/// One expense.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClaimLine {
    /// The budget category.
    pub category: String,
    /// When the expense was incurred.
    pub date: NaiveDate,
    /// The amount claimed.
    pub amount: Decimal,
    /// What it was.
    pub description: String,
    /// The event it belongs to (a dinner, a trip), for per-event limits.
    pub event: Option<String>,
    /// The receipt (required above the policy amount).
    pub receipt: Option<Receipt>,
    /// What finance sanctioned, if less than claimed.
    pub sanctioned: Option<Decimal>,
    /// Why finance sanctioned less.
    pub sanction_reason: Option<String>,
}

impl ClaimLine {
    /// The amount that counts once approved.
    pub fn counted(&self) -> Decimal {
        self.sanctioned.unwrap_or(self.amount)
    }
}

/// Where a claim stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    /// Filed, not submitted (or back from review).
    Draft,
    /// Under review; its amount is reserved.
    Submitted,
    /// Approved: the sanctioned amounts are spent.
    Approved,
    /// Paid out.
    Paid,
}

/// An expense claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ExpenseClaim {
    /// Unique id.
    pub id: String,
    /// Who claims.
    pub claimant: UserId,
    /// Their team (whose budget it uses).
    pub team: TeamId,
    /// First day the claim covers.
    pub period_from: NaiveDate,
    /// Last day the claim covers.
    pub period_to: NaiveDate,
    /// The expenses.
    pub lines: Vec<ClaimLine>,
    /// Where it stands.
    pub status: ClaimStatus,
    /// The review.
    pub approval: Option<Approval>,
    /// Budget warnings found at submission (policy `warn`).
    pub warnings: Vec<String>,
    /// Who pushed a warned claim through (the policy's override role).
    pub override_by: Option<UserId>,
    /// Finance's adjustments after approval (P6.3), in order.
    #[serde(default)]
    pub adjustments: Vec<Adjustment>,
    /// When it was filed.
    pub created_at: DateTime<Utc>,
    /// When it was paid.
    pub paid_at: Option<DateTime<Utc>>,
}

impl Document for ExpenseClaim {
    const COLLECTION: &'static str = "expense_claims";
    const KIND: &'static str = "expense claim";
    fn doc_id(&self) -> String {
        self.id.clone()
    }
}

/// A finance adjustment of an approved claim (P6.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Adjustment {
    /// The line (from 0).
    pub line: usize,
    /// The category before.
    pub from: String,
    /// The category after.
    pub to: String,
    /// Why.
    pub reason: String,
    /// Who (finance).
    pub by: UserId,
    /// When.
    pub at: DateTime<Utc>,
}
