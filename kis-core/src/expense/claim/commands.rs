//! The claim commands: filing, finance's sanction, the director's override, payment and
//! reclassification.

#[allow(unused_imports)]
use super::*;

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

pub(super) fn load_pending_at(
    ctx: &mut CommandContext<'_>,
    id: &str,
    role: Role,
) -> Result<crate::document::Versioned<ExpenseClaim>> {
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
