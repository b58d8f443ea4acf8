//! Expense budgets (P6.1): per year, team and category, with a monthly distribution;
//! proposed by the director or the team's manager, reviewed by finance; a revision is a
//! new version with a reason, in force once approved.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::plan::BudgetPlan;
use crate::approval::{Approval, ApprovalStatus, DocKind, Facts, Reviewable, ops};
use crate::document::Document;
use crate::engine::{Command, CommandContext};
use crate::error::{Error, Result};
use crate::ids::{TeamId, UserId};
use crate::money::Currency;
use crate::org::{Role, Team};

/// Where a budget's proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BudgetStatus {
    /// Proposed, not yet submitted (or back from review).
    Draft,
    /// Under finance's review.
    Submitted,
    /// The proposal is in force.
    Approved,
}

/// One version of a budget, as proposed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BudgetVersion {
    /// 1, 2, ...
    pub version: u32,
    /// The amounts.
    pub plan: BudgetPlan,
    /// Why it was revised (none for the first version).
    pub reason: Option<String>,
    /// Who proposed it.
    pub by: UserId,
    /// When.
    pub at: DateTime<Utc>,
}

/// An expense budget of one team and category for one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Budget {
    /// `{year}:{team}:{category}`.
    pub id: String,
    /// The year.
    pub year: i32,
    /// The team.
    pub team: TeamId,
    /// The category (policy `[expense] categories`).
    pub category: String,
    /// Currency of the amounts.
    pub currency: Currency,
    /// Who proposed the current version (and submits it).
    pub owner: UserId,
    /// Every version proposed; the last is the proposal under review or in force.
    #[serde(deserialize_with = "crate::document::non_empty")]
    pub versions: Vec<BudgetVersion>,
    /// The version in force (approved), if any.
    pub in_force: Option<u32>,
    /// Where the proposal stands.
    pub status: BudgetStatus,
    /// Finance's review of the proposal.
    pub approval: Option<Approval>,
}

impl Document for Budget {
    const COLLECTION: &'static str = "budgets";
    const KIND: &'static str = "budget";
    fn doc_id(&self) -> String {
        self.id.clone()
    }
}

impl Budget {
    /// The id of a budget.
    pub fn make_id(year: i32, team: &TeamId, category: &str) -> String {
        format!("{year}:{team}:{category}")
    }

    /// The plan in force, if any.
    pub fn plan_in_force(&self) -> Option<&BudgetPlan> {
        let v = self.in_force?;
        self.versions
            .iter()
            .find(|x| x.version == v)
            .map(|x| &x.plan)
    }

    // A budget is proposed with a version, and a stored one without any is refused when
    // it is read (`document::non_empty`): this cannot fail.
    #[allow(clippy::expect_used)]
    fn proposed(&self) -> &BudgetVersion {
        self.versions.last().expect("a budget always has a version")
    }
}

impl Reviewable for Budget {
    const DOC_KIND: DocKind = DocKind::Budget;

    crate::approval::review_fields!(approval, owner);
    fn facts(&self) -> Facts {
        Facts {
            total: Some(self.proposed().plan.annual),
            ..Facts::default()
        }
    }
    fn check_submittable(&self) -> std::result::Result<(), String> {
        match self.status {
            BudgetStatus::Draft => Ok(()),
            s => Err(format!("a {s:?} budget is revised, not submitted again")),
        }
    }
    fn on_outcome(&mut self, outcome: ApprovalStatus) {
        self.status = match outcome {
            ApprovalStatus::Pending => BudgetStatus::Submitted,
            ApprovalStatus::Approved => BudgetStatus::Approved,
            _ => BudgetStatus::Draft,
        };
    }
    fn summary(&self) -> String {
        format!(
            "{} budget {} for team {} in {}: {} {}",
            self.category,
            self.proposed().version,
            self.team,
            self.year,
            self.proposed().plan.annual,
            self.currency
        )
    }
    fn on_approved(&mut self, _ctx: &mut CommandContext<'_>) -> Result<()> {
        self.in_force = Some(self.proposed().version);
        Ok(())
    }
}

/// Proposes a budget, or a revision of one (with a reason). The director, or the
/// manager of the team, proposes; finance reviews once it is submitted (P6.1).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProposeBudget {
    /// The year.
    pub year: i32,
    /// The team.
    pub team: TeamId,
    /// The category.
    pub category: String,
    /// The annual amount.
    pub annual: Decimal,
    /// Percent per month, January first (omitted: even).
    pub distribution: Option<Vec<Decimal>>,
    /// Why, for a revision.
    pub reason: Option<String>,
}

impl Command for ProposeBudget {
    type Output = Budget;
    const NAME: &'static str = "expense.propose_budget";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let actor = ctx.actor()?.clone();
        let team = ctx.get::<Team>(self.team.as_str())?.map(|t| t.value);
        let allowed = match (actor.role, &team) {
            (Role::Director, _) => true,
            (Role::Manager, Some(t)) => t.manager == actor.id,
            _ => false,
        };
        if !allowed {
            return Err(Error::not_authorized(
                &actor.id,
                "propose this budget",
                "the director or the team's manager proposes budgets (P6.1)",
            ));
        }
        Ok(())
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Budget> {
        crate::input::year("year", self.year.into())?;
        if ctx.get::<Team>(self.team.as_str())?.is_none() {
            return Err(Error::invalid(
                "team",
                format!("team \"{}\" does not exist", self.team),
            ));
        }
        if !ctx.policy().expense().categories.contains(&self.category) {
            return Err(Error::invalid(
                "category",
                format!(
                    "{:?} is not one of {:?}",
                    self.category,
                    ctx.policy().expense().categories
                ),
            ));
        }
        if !(2000..=2200).contains(&self.year) {
            return Err(Error::invalid(
                "year",
                format!("{} is not a plausible budget year", self.year),
            ));
        }
        let plan = BudgetPlan::new(self.annual, self.distribution.clone())?;
        let id = Budget::make_id(self.year, &self.team, &self.category);
        let by = ctx.actor()?.id.clone();
        let now = ctx.now();
        match ctx.get::<Budget>(&id)? {
            None => {
                let budget = Budget {
                    id,
                    year: self.year,
                    team: self.team.clone(),
                    category: self.category.clone(),
                    currency: ctx.policy().general().currency,
                    owner: by.clone(),
                    versions: vec![BudgetVersion {
                        version: 1,
                        plan,
                        reason: self.reason.clone(),
                        by,
                        at: now,
                    }],
                    in_force: None,
                    status: BudgetStatus::Draft,
                    approval: None,
                };
                Ok(ctx.insert(&budget)?.value)
            }
            Some(old) => {
                let reason = self
                    .reason
                    .clone()
                    .filter(|r| !r.trim().is_empty())
                    .ok_or_else(|| {
                        Error::invalid("reason", "a revision of a budget says why (P6.1)")
                    })?;
                let mut budget = old.value.clone();
                let version = budget.proposed().version.saturating_add(1);
                budget.versions.push(BudgetVersion {
                    version,
                    plan,
                    reason: Some(reason),
                    by: by.clone(),
                    at: now,
                });
                budget.owner = by;
                budget.status = BudgetStatus::Draft;
                // A revision under review starts its review again; the version in force
                // stays in force until the new one is approved.
                if budget
                    .approval
                    .as_ref()
                    .is_some_and(|a| a.status == ApprovalStatus::Pending)
                    && let Some(a) = budget.approval.as_mut()
                {
                    a.status = ApprovalStatus::Recalled;
                }
                Ok(ops::save(ctx, &old, budget)?.value)
            }
        }
    }
}
