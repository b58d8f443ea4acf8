//! Expense claims (P6.2, P6.3): lines with receipts, reviewed by the team's manager and
//! then finance; the budget is checked and reserved when a claim is submitted, exactly
//! and atomically, and released when it comes back; finance may sanction less, never more.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::budget::Budget;
use crate::approval::{Approval, ApprovalStatus, DocKind, Facts, Reviewable};
use crate::engine::{Command, CommandContext, Document};
use crate::error::{Error, Result};
use crate::ids::{TeamId, UserId, validate_id};
use crate::org::Role;
use crate::policy::{ExceedAction, ExpensePolicy};
use crate::store::StoreError;

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

/// The counter of one person's spending in a category on a day (per-day limits).
pub fn per_day_key(claimant: &UserId, category: &str, day: NaiveDate) -> String {
    format!("expense-day:{claimant}:{category}:{day}")
}

/// Who uses a receipt: one claim line, ever.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReceiptUse {
    /// The receipt key.
    pub key: String,
    /// The claim using it.
    pub claim: String,
    /// Its line (from 0).
    pub line: usize,
    /// The claimant.
    pub claimant: UserId,
}

impl Document for ReceiptUse {
    const COLLECTION: &'static str = "receipts";
    const KIND: &'static str = "receipt";
    fn doc_id(&self) -> String {
        self.key.clone()
    }
}

/// The counter of a budget's consumption (approved + pending), for the year or a month.
pub fn consumption_key(budget: &str, month: Option<u32>) -> String {
    match month {
        None => format!("expense:{budget}"),
        Some(m) => format!("expense:{budget}:{m:02}"),
    }
}

impl ExpenseClaim {
    /// Amounts by budget category and month.
    fn by_category_month(&self, counted: bool) -> BTreeMap<(String, u32), Decimal> {
        let mut out = BTreeMap::new();
        for l in &self.lines {
            let amount = if counted { l.counted() } else { l.amount };
            // Within the claim's total, which was checked to fit when it was filed.
            let sum = out
                .entry((l.category.clone(), l.date.month()))
                .or_insert(Decimal::ZERO);
            *sum = sum.saturating_add(amount);
        }
        out
    }

    fn year(&self) -> i32 {
        self.period_from.year()
    }

    /// Amounts by category and day.
    fn by_category_day(&self, counted: bool) -> BTreeMap<(String, NaiveDate), Decimal> {
        let mut out = BTreeMap::new();
        for l in &self.lines {
            let amount = if counted { l.counted() } else { l.amount };
            // Within the claim's total, which was checked to fit when it was filed.
            let sum = out
                .entry((l.category.clone(), l.date))
                .or_insert(Decimal::ZERO);
            *sum = sum.saturating_add(amount);
        }
        out
    }

    /// Releases per-day reservations: all of them (withdrawn), or what finance cut
    /// (`cuts_only`, on approval).
    fn release_per_day(&self, ctx: &mut CommandContext<'_>, cuts_only: bool) -> Result<()> {
        let limits = ctx.policy().expense().limits.clone();
        let claimed = self.by_category_day(false);
        let counted = self.by_category_day(true);
        for ((category, day), amount) in claimed {
            if limits.get(&category).and_then(|l| l.per_day).is_none() {
                continue;
            }
            let release = if cuts_only {
                // What is counted is never more than what is claimed.
                amount.saturating_sub(
                    counted
                        .get(&(category.clone(), day))
                        .copied()
                        .unwrap_or_default(),
                )
            } else {
                amount
            };
            if !release.is_zero() {
                ctx.counter_add(
                    &per_day_key(&self.claimant, &category, day),
                    release.saturating_mul(Decimal::NEGATIVE_ONE),
                    None,
                )?;
            }
        }
        Ok(())
    }

    /// Adds `sign` x the amounts to the consumption counters (no ceiling: releases and
    /// approved adjustments only).
    fn adjust(
        &self,
        ctx: &mut CommandContext<'_>,
        amounts: &BTreeMap<(String, u32), Decimal>,
        sign: Decimal,
    ) -> Result<()> {
        for ((category, month), amount) in amounts {
            if amount.is_zero() {
                continue;
            }
            let budget = Budget::make_id(self.year(), &self.team, category);
            // `sign` is 1 or -1: an exact change of sign.
            ctx.counter_add(
                &consumption_key(&budget, None),
                amount.saturating_mul(sign),
                None,
            )?;
            ctx.counter_add(
                &consumption_key(&budget, Some(*month)),
                amount.saturating_mul(sign),
                None,
            )?;
        }
        Ok(())
    }
}

impl Reviewable for ExpenseClaim {
    const DOC_KIND: DocKind = DocKind::ExpenseClaim;

    fn approval(&self) -> Option<&Approval> {
        self.approval.as_ref()
    }
    fn approval_mut(&mut self) -> &mut Option<Approval> {
        &mut self.approval
    }
    fn owner(&self) -> &UserId {
        &self.claimant
    }
    fn facts(&self) -> Facts {
        Facts {
            // Checked to fit when the claim was filed.
            total: Some(
                self.lines
                    .iter()
                    .fold(Decimal::ZERO, |s, l| s.saturating_add(l.amount)),
            ),
            ..Facts::default()
        }
    }
    fn check_submittable(&self) -> std::result::Result<(), String> {
        match self.status {
            ClaimStatus::Draft => Ok(()),
            s => Err(format!("a {s:?} claim is not submitted again")),
        }
    }
    fn on_outcome(&mut self, outcome: ApprovalStatus) {
        self.status = match outcome {
            ApprovalStatus::Pending => ClaimStatus::Submitted,
            ApprovalStatus::Approved => ClaimStatus::Approved,
            _ => ClaimStatus::Draft,
        };
        if matches!(outcome, ApprovalStatus::Rejected) {
            // Rejected: nothing is sanctioned.
            for l in &mut self.lines {
                l.sanctioned = Some(Decimal::ZERO);
            }
        }
    }
    fn summary(&self) -> String {
        let total = self
            .lines
            .iter()
            .fold(Decimal::ZERO, |s, l| s.saturating_add(l.amount));
        format!(
            "expense claim of {}: {total} in {} lines",
            self.claimant,
            self.lines.len()
        )
    }

    /// P6.2, P6.3: register every receipt (never claimed twice, by anyone), then check
    /// and reserve the budget: the annual budget and the budget accumulated to each
    /// expense's month, each by its policy action.
    fn on_submitted(&mut self, ctx: &mut CommandContext<'_>) -> Result<()> {
        // A resubmission starts from the claimed amounts.
        for l in &mut self.lines {
            l.sanctioned = None;
            l.sanction_reason = None;
        }
        self.warnings.clear();
        self.override_by = None;
        for (i, line) in self.lines.iter().enumerate() {
            let Some(receipt) = &line.receipt else {
                continue;
            };
            let usage = ReceiptUse {
                key: receipt.key(),
                claim: self.id.clone(),
                line: i,
                claimant: self.claimant.clone(),
            };
            if let Some(first) = ctx.get::<ReceiptUse>(&usage.key)? {
                return Err(Error::InvalidState {
                    kind: "expense claim",
                    id: self.id.clone(),
                    reason: format!(
                        "line {}: receipt {} {} is already claimed on claim {} (by {}); a receipt is claimed once (P6.2)",
                        i.saturating_add(1),
                        receipt.issuer,
                        receipt.number,
                        first.value.claim,
                        first.value.claimant
                    ),
                });
            }
            ctx.insert(&usage)?;
        }
        let rules = ctx.policy().expense().clone();
        let rounding = ctx.policy().rounding();
        // Per-day limits hold across all of a person's claims: one atomic counter each.
        for ((category, day), amount) in self.by_category_day(false) {
            let Some(limit) = rules.limits.get(&category).and_then(|l| l.per_day) else {
                continue;
            };
            let key = per_day_key(&self.claimant, &category, day);
            let before = ctx.counter(&key)?;
            match ctx.counter_add(&key, amount, Some(limit)) {
                Ok(_) => {}
                Err(Error::Store(StoreError::LimitExceeded { .. })) => {
                    return Err(Error::InvalidState {
                        kind: "expense claim",
                        id: self.id.clone(),
                        reason: format!(
                            "{category} on {day}: {before} already claimed, {amount} more would pass the limit of {limit} per day"
                        ),
                    });
                }
                Err(e) => return Err(e),
            }
        }
        for ((category, month), amount) in self.by_category_month(false) {
            let id = Budget::make_id(self.year(), &self.team, &category);
            let budget = ctx.get::<Budget>(&id)?.map(|b| b.value);
            let Some(plan) = budget.as_ref().and_then(|b| b.plan_in_force()).cloned() else {
                if rules.on_exceed.annual == ExceedAction::Ignore
                    && rules.on_exceed.monthly == ExceedAction::Ignore
                {
                    continue;
                }
                return Err(Error::InvalidState {
                    kind: "budget",
                    id,
                    reason: "there is no approved budget for this team, category and year: claims draw on an approved budget (P6.1)".into(),
                });
            };
            // Annual: one atomic conditional update when the policy says stop.
            let annual_key = consumption_key(&id, None);
            let ceiling = (rules.on_exceed.annual == ExceedAction::Stop).then_some(plan.annual);
            let before = ctx.counter(&annual_key)?;
            match ctx.counter_add(&annual_key, amount, ceiling) {
                Ok(after)
                    if after > plan.annual && rules.on_exceed.annual == ExceedAction::Warn =>
                {
                    self.warnings.push(format!(
                        "{id}: annual budget {} passed ({before} used, {amount} claimed)",
                        plan.annual
                    ));
                }
                Ok(_) => {}
                Err(Error::Store(StoreError::LimitExceeded { .. })) => {
                    return Err(Error::BudgetExceeded {
                        budget: id,
                        scope: "annual".into(),
                        limit: plan.annual,
                        consumed: before,
                        requested: amount,
                    });
                }
                Err(e) => return Err(e),
            }
            // Accumulated to the expense's month. Every store runs write commands one at
            // a time (memory lock, SQLite BEGIN IMMEDIATE, PostgreSQL's audit-head lock),
            // so these reads and the update below cannot interleave with another claim.
            ctx.counter_add(&consumption_key(&id, Some(month)), amount, None)?;
            let mut used = Decimal::ZERO;
            for m in 1..=month {
                used = crate::checked::add(
                    "consumed",
                    used,
                    ctx.counter(&consumption_key(&id, Some(m)))?,
                )?;
            }
            let limit = plan.accumulated(month, rounding);
            if used > limit {
                match rules.on_exceed.monthly {
                    ExceedAction::Stop => {
                        return Err(Error::BudgetExceeded {
                            budget: id,
                            scope: format!("accumulated to month {month}"),
                            limit,
                            consumed: crate::checked::sub("consumed", used, amount)?,
                            requested: amount,
                        });
                    }
                    ExceedAction::Warn => self.warnings.push(format!("{id}: budget accumulated to month {month} is {limit}; with this claim {used}")),
                    ExceedAction::Ignore => {}
                }
            }
        }
        Ok(())
    }

    /// Back to the claimant: the reservation and the receipts are released.
    fn on_withdrawn(&mut self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let reserved = self.by_category_month(false);
        self.adjust(ctx, &reserved, Decimal::NEGATIVE_ONE)?;
        self.release_per_day(ctx, false)?;
        for line in &self.lines {
            if let Some(r) = &line.receipt
                && let Some(usage) = ctx.get::<ReceiptUse>(&r.key())?
                && usage.value.claim == self.id
            {
                ctx.delete(&usage)?;
            }
        }
        Ok(())
    }

    /// A warned claim needs the override role's confirmation before its last approval.
    fn check_final_approval(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        if !self.warnings.is_empty() && self.override_by.is_none() {
            let role = ctx.policy().expense().override_role;
            return Err(Error::InvalidState {
                kind: "expense claim",
                id: self.id.clone(),
                reason: format!(
                    "it passes its budget ({}); a {role} must override first (P6.3)",
                    self.warnings.join("; ")
                ),
            });
        }
        Ok(())
    }

    /// Approved: what finance did not sanction is released.
    fn on_approved(&mut self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let mut released = BTreeMap::new();
        for l in &self.lines {
            // What is counted is never more than what is claimed.
            let cut = l.amount.saturating_sub(l.counted());
            if !cut.is_zero() {
                let sum = released
                    .entry((l.category.clone(), l.date.month()))
                    .or_insert(Decimal::ZERO);
                *sum = sum.saturating_add(cut);
            }
        }
        self.adjust(ctx, &released, Decimal::NEGATIVE_ONE)?;
        self.release_per_day(ctx, true)
    }
}

/// Checks the lines of a claim against the policy (P6.2). Pure.
pub fn check_lines(
    rules: &ExpensePolicy,
    lines: &[ClaimLine],
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> Result<()> {
    if lines.is_empty() {
        return Err(Error::invalid(
            "lines",
            "a claim needs at least one expense",
        ));
    }
    if to < from || from.year() != to.year() {
        return Err(Error::invalid(
            "period_to",
            format!("the period {from}..{to} must run forward within one year"),
        ));
    }
    for (i, l) in lines.iter().enumerate() {
        let field = |name: &str| format!("lines[{i}].{name}");
        if !rules.categories.contains(&l.category) {
            return Err(Error::invalid(
                field("category"),
                format!("{:?} is not one of {:?}", l.category, rules.categories),
            ));
        }
        if l.amount <= Decimal::ZERO {
            return Err(Error::invalid(
                field("amount"),
                format!("{} must be positive", l.amount),
            ));
        }
        if l.description.trim().is_empty() {
            return Err(Error::invalid(
                field("description"),
                "say what the expense was",
            ));
        }
        if l.date < from || l.date > to {
            return Err(Error::invalid(
                field("date"),
                format!("{} is outside the claim's period {from}..{to}", l.date),
            ));
        }
        if l.date > today {
            return Err(Error::invalid(
                field("date"),
                format!("{} is in the future", l.date),
            ));
        }
        let age = today.signed_duration_since(l.date).num_days();
        if age > i64::from(rules.file_within_days) {
            return Err(Error::invalid(
                field("date"),
                format!(
                    "filed {age} days after the expense; claims are filed within {} days (P6.2)",
                    rules.file_within_days
                ),
            ));
        }
        match &l.receipt {
            None if l.amount > rules.receipt_required_over => {
                return Err(Error::invalid(
                    field("receipt"),
                    format!(
                        "{} is over {}: a receipt is required (P6.2)",
                        l.amount, rules.receipt_required_over
                    ),
                ));
            }
            None => {}
            Some(r) => {
                if r.issuer.trim().is_empty() || r.number.trim().is_empty() {
                    return Err(Error::invalid(
                        field("receipt"),
                        "a receipt names its issuer and number",
                    ));
                }
                if r.date != l.date {
                    return Err(Error::invalid(
                        field("receipt.date"),
                        format!("the receipt is dated {}, the expense {}", r.date, l.date),
                    ));
                }
                if r.amount < l.amount {
                    return Err(Error::invalid(
                        field("receipt.amount"),
                        format!(
                            "the receipt shows {}, less than the {} claimed",
                            r.amount, l.amount
                        ),
                    ));
                }
                if let Some(h) = &r.file_sha256
                    && (h.len() != 64 || !h.chars().all(|c| c.is_ascii_hexdigit()))
                {
                    return Err(Error::invalid(
                        field("receipt.file_sha256"),
                        "must be 64 hex digits",
                    ));
                }
            }
        }
        if let Some(limit) = rules.limits.get(&l.category).and_then(|x| x.per_event)
            && l.amount > limit
        {
            return Err(Error::invalid(
                field("amount"),
                format!(
                    "{} is over the {} limit of {limit} per event",
                    l.amount, l.category
                ),
            ));
        }
    }
    // Per day and person, within the claim.
    let mut per_day: BTreeMap<(&str, NaiveDate), Decimal> = BTreeMap::new();
    for l in lines {
        let sum = per_day.entry((l.category.as_str(), l.date)).or_default();
        *sum = crate::checked::add("lines", *sum, l.amount)?;
    }
    for ((category, day), total) in per_day {
        if let Some(limit) = rules.limits.get(category).and_then(|x| x.per_day)
            && total > limit
        {
            return Err(Error::invalid(
                "lines",
                format!("{total} of {category} on {day} is over the limit of {limit} per day"),
            ));
        }
    }
    Ok(())
}

/// A rep (or anyone in a team) files a claim; submit it to start its review.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FileClaim {
    /// Unique id.
    pub id: String,
    /// First day covered.
    pub period_from: NaiveDate,
    /// Last day covered.
    pub period_to: NaiveDate,
    /// The expenses (sanctioned fields are ignored).
    pub lines: Vec<ClaimLine>,
}

impl Command for FileClaim {
    type Output = ExpenseClaim;
    const NAME: &'static str = "expense.file_claim";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let actor = ctx.actor()?;
        if actor.team.is_none() {
            return Err(Error::not_authorized(
                &actor.id,
                "file an expense claim",
                "claims draw on a team's budget, and the user has no team",
            ));
        }
        Ok(())
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<ExpenseClaim> {
        validate_id("id", &self.id)?;
        let rules = ctx.policy().expense().clone();
        check_lines(
            &rules,
            &self.lines,
            self.period_from,
            self.period_to,
            ctx.today(),
        )?;
        // The claim's total must fit, so that every later sum of it does.
        crate::checked::sum("lines", self.lines.iter().map(|l| l.amount))?;
        let actor = ctx.actor()?.clone();
        let lines = self
            .lines
            .iter()
            .cloned()
            .map(|l| ClaimLine {
                sanctioned: None,
                sanction_reason: None,
                ..l
            })
            .collect();
        let claim = ExpenseClaim {
            id: self.id.clone(),
            claimant: actor.id.clone(),
            team: actor.team.clone().ok_or_else(|| {
                Error::not_authorized(
                    &actor.id,
                    "file an expense claim",
                    "the user is in no team (P6.2)",
                )
            })?,
            period_from: self.period_from,
            period_to: self.period_to,
            lines,
            status: ClaimStatus::Draft,
            approval: None,
            warnings: Vec::new(),
            override_by: None,
            adjustments: Vec::new(),
            created_at: ctx.now(),
            paid_at: None,
        };
        Ok(ctx.insert(&claim)?.value)
    }
}

fn load_pending_at(
    ctx: &mut CommandContext<'_>,
    id: &str,
    role: Role,
) -> Result<crate::engine::Versioned<ExpenseClaim>> {
    let claim = ctx.load::<ExpenseClaim>(id)?;
    let at_role = claim
        .value
        .approval
        .as_ref()
        .and_then(|a| a.current())
        .map(|s| s.planned.role);
    if at_role != Some(role) {
        return Err(Error::InvalidState {
            kind: "expense claim",
            id: id.into(),
            reason: format!("it is not waiting for {role}"),
        });
    }
    Ok(claim)
}

/// Finance sanctions less than claimed on a line, with a reason (P6.3), while the claim
/// waits for finance's approval.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SanctionClaimLine {
    /// The claim.
    pub claim: String,
    /// The line (from 0).
    pub line: usize,
    /// The amount sanctioned (not more than claimed).
    pub amount: Decimal,
    /// Why.
    pub reason: String,
}

impl Command for SanctionClaimLine {
    type Output = ExpenseClaim;
    const NAME: &'static str = "expense.sanction_line";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        crate::org::require_role(
            ctx.actor()?,
            &[Role::Finance],
            "sanction expense claims (P6.2)",
        )
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<ExpenseClaim> {
        let old = load_pending_at(ctx, &self.claim, Role::Finance)?;
        let mut claim = old.value.clone();
        let line = claim.lines.get_mut(self.line).ok_or_else(|| {
            Error::invalid(
                "line",
                format!("claim {} has no line {}", self.claim, self.line),
            )
        })?;
        if self.amount < Decimal::ZERO || self.amount > line.amount {
            return Err(Error::invalid(
                "amount",
                format!(
                    "{} must be between 0 and the {} claimed: finance sanctions less, never more",
                    self.amount, line.amount
                ),
            ));
        }
        if self.reason.trim().is_empty() {
            return Err(Error::invalid("reason", "say why less is sanctioned"));
        }
        line.sanctioned = Some(self.amount);
        line.sanction_reason = Some(self.reason.clone());
        Ok(ctx.update(&old, claim)?.value)
    }
}

/// The policy's override role pushes a warned claim through (recorded in the audit trail).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OverrideBudgetWarning {
    /// The claim.
    pub claim: String,
}

impl Command for OverrideBudgetWarning {
    type Output = ExpenseClaim;
    const NAME: &'static str = "expense.override_warning";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let role = ctx.policy().expense().override_role;
        crate::org::require_role(ctx.actor()?, &[role], "override a budget warning (P6.3)")
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<ExpenseClaim> {
        let old = ctx.load::<ExpenseClaim>(&self.claim)?;
        let mut claim = old.value.clone();
        if claim.warnings.is_empty() || claim.status != ClaimStatus::Submitted {
            return Err(Error::InvalidState {
                kind: "expense claim",
                id: claim.id,
                reason: "only a submitted claim with budget warnings is overridden".into(),
            });
        }
        let actor = ctx.actor()?.id.clone();
        if actor == claim.claimant {
            return Err(Error::not_authorized(
                &actor,
                "override a warning on their own claim",
                "no one approves their own document",
            ));
        }
        claim.override_by = Some(actor);
        Ok(ctx.update(&old, claim)?.value)
    }
}

/// Finance records the payment of an approved claim.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MarkClaimPaid {
    /// The claim.
    pub claim: String,
}

impl Command for MarkClaimPaid {
    type Output = ExpenseClaim;
    const NAME: &'static str = "expense.mark_paid";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        crate::org::require_role(ctx.actor()?, &[Role::Finance], "pay expense claims")
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<ExpenseClaim> {
        let old = ctx.load::<ExpenseClaim>(&self.claim)?;
        let mut claim = old.value.clone();
        if claim.status != ClaimStatus::Approved {
            return Err(Error::InvalidState {
                kind: "expense claim",
                id: claim.id,
                reason: format!(
                    "only an approved claim is paid; this one is {:?}",
                    old.value.status
                ),
            });
        }
        claim.status = ClaimStatus::Paid;
        claim.paid_at = Some(ctx.now());
        Ok(ctx.update(&old, claim)?.value)
    }
}

/// Finance moves an approved line to another category (P6.3: finance adjusts spending),
/// with a reason; its spending moves from one budget to the other, audited.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReclassifyClaimLine {
    /// The claim.
    pub claim: String,
    /// The line (from 0).
    pub line: usize,
    /// The new category.
    pub category: String,
    /// Why.
    pub reason: String,
}

impl Command for ReclassifyClaimLine {
    type Output = ExpenseClaim;
    const NAME: &'static str = "expense.reclassify_line";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        crate::org::require_role(
            ctx.actor()?,
            &[Role::Finance],
            "adjust approved spending (P6.3)",
        )
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<ExpenseClaim> {
        let old = ctx.load::<ExpenseClaim>(&self.claim)?;
        let mut claim = old.value.clone();
        if !matches!(claim.status, ClaimStatus::Approved | ClaimStatus::Paid) {
            return Err(Error::InvalidState {
                kind: "expense claim",
                id: claim.id,
                reason: "only approved spending is reclassified; before that, return the claim"
                    .into(),
            });
        }
        if self.reason.trim().is_empty() {
            return Err(Error::invalid(
                "reason",
                "say why the spending is reclassified",
            ));
        }
        if !ctx.policy().expense().categories.contains(&self.category) {
            return Err(Error::invalid(
                "category",
                format!("{:?} is not a category", self.category),
            ));
        }
        let year = claim.year();
        let team = claim.team.clone();
        let line = claim.lines.get(self.line).cloned().ok_or_else(|| {
            Error::invalid(
                "line",
                format!("claim {} has no line {}", self.claim, self.line),
            )
        })?;
        if line.category == self.category {
            return Err(Error::invalid(
                "category",
                "the line is already in that category",
            ));
        }
        let target = Budget::make_id(year, &team, &self.category);
        if ctx
            .get::<Budget>(&target)?
            .and_then(|b| b.value.plan_in_force().cloned())
            .is_none()
        {
            return Err(Error::InvalidState {
                kind: "budget",
                id: target,
                reason: "no approved budget to move the spending to".into(),
            });
        }
        let amount = line.counted();
        let month = line.date.month();
        let from = Budget::make_id(year, &team, &line.category);
        // Finance's adjustment: moved as is, without a ceiling (an overrun shows in the audit).
        for (budget, sign) in [(&from, Decimal::NEGATIVE_ONE), (&target, Decimal::ONE)] {
            // `sign` is 1 or -1: an exact change of sign.
            let change = amount.saturating_mul(sign);
            ctx.counter_add(&consumption_key(budget, None), change, None)?;
            ctx.counter_add(&consumption_key(budget, Some(month)), change, None)?;
        }
        claim.adjustments.push(Adjustment {
            line: self.line,
            from: line.category.clone(),
            to: self.category.clone(),
            reason: self.reason.clone(),
            by: ctx.actor()?.id.clone(),
            at: ctx.now(),
        });
        if let Some(l) = claim.lines.get_mut(self.line) {
            l.category = self.category.clone();
        }
        Ok(ctx.update(&old, claim)?.value)
    }
}
