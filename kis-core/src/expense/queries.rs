//! Budget status and claims, as each role may see them (P2, P6).

use std::ops::ControlFlow;

use chrono::Datelike;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::budget::{Budget, BudgetStatus};
use super::claim::{ExpenseClaim, consumption_key};
use crate::document;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::ids::TeamId;
use crate::org::{Actor, Directory, Owned, Role, Team, may_read};
use crate::sales::may_see;

/// Where one budget stands today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BudgetStatusLine {
    /// The team.
    pub team: TeamId,
    /// The category.
    pub category: String,
    /// The annual budget in force (zero if none is approved yet).
    pub annual: Decimal,
    /// The budget accumulated to the current month.
    pub to_date: Decimal,
    /// Approved and pending spending this year.
    pub consumed: Decimal,
    /// Approved and pending spending to the current month.
    pub consumed_to_date: Decimal,
    /// `annual - consumed`.
    pub remaining: Decimal,
    /// Whether a proposal waits for finance.
    pub proposal_pending: bool,
    /// Each month: (month, budget of the month, approved + pending spending dated in it).
    pub months: Vec<(u32, Decimal, Decimal)>,
}

impl Engine {
    /// Budget vs consumed vs remaining for `year`, per team and category: the director,
    /// finance and admins see every team, a manager their own.
    pub fn budget_status(&self, actor: &Actor, year: i32) -> Result<Vec<BudgetStatusLine>> {
        let viewer = self.acting_user(actor)?;
        if !matches!(
            viewer.role,
            Role::Director | Role::Finance | Role::Admin | Role::Manager
        ) {
            return Err(Error::not_authorized(
                &viewer.id,
                "read budgets",
                "budgets are for managers, the director and finance",
            ));
        }
        let today = self.today();
        let month = if today.year() == year {
            today.month()
        } else if today.year() > year {
            12
        } else {
            1
        };
        let rounding = self.policy().rounding();
        self.read(|tx| {
            let teams: Vec<Team> = Directory::new(tx).teams()?;
            let mut out = Vec::new();
            let mut budgets = Vec::new();
            document::scan::<Budget>(tx, &format!("{year}:"), |b| {
                budgets.push(b.value);
                ControlFlow::Continue(())
            })?;
            for b in budgets {
                let visible = viewer.role != Role::Manager
                    || teams
                        .iter()
                        .any(|t| t.id == b.team && t.manager == viewer.id);
                if !visible {
                    continue;
                }
                let plan = b.plan_in_force().cloned();
                let consumed = tx.counter_get(&consumption_key(&b.id, None))?;
                let mut consumed_to_date = Decimal::ZERO;
                let mut months = Vec::with_capacity(12);
                for m in 1..=12 {
                    let used = tx.counter_get(&consumption_key(&b.id, Some(m)))?;
                    if m <= month {
                        consumed_to_date = crate::checked::add("consumed", consumed_to_date, used)?;
                    }
                    months.push((
                        m,
                        plan.as_ref()
                            .map_or(Decimal::ZERO, |p| p.month(m, rounding)),
                        used,
                    ));
                }
                let annual = plan.as_ref().map_or(Decimal::ZERO, |p| p.annual);
                out.push(BudgetStatusLine {
                    to_date: plan
                        .as_ref()
                        .map_or(Decimal::ZERO, |p| p.accumulated(month, rounding)),
                    remaining: crate::checked::sub("remaining", annual, consumed)?,
                    team: b.team,
                    category: b.category,
                    annual,
                    consumed,
                    consumed_to_date,
                    proposal_pending: b.status == BudgetStatus::Submitted,
                    months,
                });
            }
            Ok(out)
        })
    }

    /// A budget (with its versions and review).
    pub fn budget(&self, actor: &Actor, id: &str) -> Result<Budget> {
        let viewer = self.acting_user(actor)?;
        self.read(|tx| {
            let b = document::load::<Budget>(tx, id)?.value;
            if !may_read(tx, &viewer, &b.whose())? {
                return Err(Error::not_authorized(
                    &viewer.id,
                    format!("read budget {id}"),
                    "budgets are for the team's manager, the director and finance",
                ));
            }
            Ok(b)
        })
    }

    /// An expense claim (its claimant, their manager, the director and finance).
    pub fn expense_claim(&self, actor: &Actor, id: &str) -> Result<ExpenseClaim> {
        let viewer = self.acting_user(actor)?;
        self.read(|tx| {
            let c = document::load::<ExpenseClaim>(tx, id)?.value;
            if !may_see(tx, &viewer, &c.claimant)? {
                return Err(Error::not_authorized(
                    &viewer.id,
                    format!("read claim {id}"),
                    "it belongs to another team (P2)",
                ));
            }
            Ok(c)
        })
    }

    /// The claims the actor may see, in id order.
    pub fn expense_claims(&self, actor: &Actor) -> Result<Vec<ExpenseClaim>> {
        let viewer = self.acting_user(actor)?;
        self.read(|tx| {
            let mut out = Vec::new();
            for c in document::all::<ExpenseClaim>(tx)? {
                if may_see(tx, &viewer, &c.claimant)? {
                    out.push(c);
                }
            }
            Ok(out)
        })
    }
}
