//! A claim's review (P6.2): the team's manager, then finance; the budget checked and
//! reserved on submission, released on withdrawal, consumed on approval.

#[allow(unused_imports)]
use super::*;

impl Reviewable for ExpenseClaim {
    const DOC_KIND: DocKind = DocKind::ExpenseClaim;

    crate::approval::review_fields!(approval, claimant);
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
