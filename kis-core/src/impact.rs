//! What installing a policy would change, before it is installed (#22): the open quotes
//! that would reprice (P4.1), the reps whose score or band would change this month and
//! this year (P5.2), and the budgets whose control would change (P6.3). Nothing is
//! written; every figure comes from the same code that prices, scores and checks.

use std::collections::BTreeMap;

use chrono::Datelike;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::document;
use crate::engine::Engine;
use crate::error::Result;
use crate::expense::Budget;
use crate::ids::UserId;
use crate::kpi::{Period, Scoreboard};
use crate::org::{Actor, Role, require_role};
use crate::policy::{ExceedAction, Policy};
use crate::sales::{Customer, PricingFor, Product, Quote, QuoteStatus, price_line};

/// An open quote priced today under both policies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct QuoteRepricing {
    /// The quote.
    pub quote: String,
    /// Its owner.
    pub owner: UserId,
    /// Its status (draft, submitted, approved or sent).
    pub status: QuoteStatus,
    /// The total it was quoted at (its current revision).
    pub quoted_total: Decimal,
    /// Its lines priced today under the policy in force.
    pub current_total: Decimal,
    /// Its lines priced today under the new policy.
    pub new_total: Decimal,
    /// A line the new policy cannot price (a product its rules refuse), instead of a total.
    pub problem: Option<String>,
}

/// A rep's score of a period under both policies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScoreChange {
    /// The rep.
    pub rep: UserId,
    /// `2026-11` or `2026`.
    pub period: String,
    /// Score under the policy in force.
    pub current_score: Decimal,
    /// Score under the new policy.
    pub new_score: Decimal,
    /// Band under the policy in force.
    pub current_band: String,
    /// Band under the new policy.
    pub new_band: String,
}

/// How claims against a budget are controlled (P6.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BudgetControl {
    /// Against the annual budget: `stop`, `warn` or `ignore`.
    pub annual: String,
    /// Against the budget accumulated to the month.
    pub monthly: String,
    /// The most one claim line may cost in the category.
    pub per_event: Option<Decimal>,
    /// The most one person may claim in the category a day.
    pub per_day: Option<Decimal>,
    /// Whether the category is one of the policy's (claims in others are refused).
    pub category_listed: bool,
}

/// A budget whose control the new policy changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BudgetControlChange {
    /// The budget (`year:team:category`).
    pub budget: String,
    /// Control under the policy in force.
    pub current: BudgetControl,
    /// Control under the new policy.
    pub new: BudgetControl,
}

/// Everything a new policy would change, as the store is now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PolicyImpact {
    /// The new policy's content hash.
    pub policy_version: String,
    /// The day it was judged on (today, in the company's time zone).
    pub date: chrono::NaiveDate,
    /// Open quotes whose price changes (or that the new policy cannot price).
    pub quotes: Vec<QuoteRepricing>,
    /// Reps whose score or band changes, this month and this year.
    pub scores: Vec<ScoreChange>,
    /// Budgets of this year and later whose control changes.
    pub budgets: Vec<BudgetControlChange>,
    /// Open quotes priced, to say how much was looked at.
    pub quotes_checked: u64,
}

fn action(a: ExceedAction) -> String {
    match a {
        ExceedAction::Stop => "stop",
        ExceedAction::Warn => "warn",
        ExceedAction::Ignore => "ignore",
    }
    .to_string()
}

fn control(policy: &Policy, category: &str) -> BudgetControl {
    let expense = policy.expense();
    let limit = expense.limits.get(category);
    BudgetControl {
        annual: action(expense.on_exceed.annual),
        monthly: action(expense.on_exceed.monthly),
        per_event: limit.and_then(|l| l.per_event),
        per_day: limit.and_then(|l| l.per_day),
        category_listed: expense.categories.iter().any(|c| c == category),
    }
}

/// The total of a quote's current lines priced under `policy` on `date` (special prices
/// granted by an exception stay as granted).
fn reprice(
    policy: &Policy,
    quote: &Quote,
    products: &BTreeMap<String, Product>,
    who: PricingFor<'_>,
) -> Result<Decimal> {
    let book = policy.price_book();
    let mut total = Decimal::ZERO;
    for (i, line) in quote.current().lines.iter().enumerate() {
        let product = products
            .get(&line.product)
            .ok_or_else(|| crate::Error::NotFound {
                kind: "product",
                id: line.product.clone(),
            })?;
        let priced = price_line(i, &line.request(), product, &book, policy.rounding(), who)?;
        total = crate::checked::add("total", total, priced.line_total)?;
    }
    Ok(total)
}

fn score_changes(current: &Scoreboard, new: &Scoreboard, out: &mut Vec<ScoreChange>) {
    let period = current.period.to_string();
    for rep in &current.reps {
        let Some(other) = new.reps.iter().find(|r| r.rep == rep.rep) else {
            continue;
        };
        if rep.card.score != other.card.score || rep.card.band != other.card.band {
            out.push(ScoreChange {
                rep: rep.rep.clone(),
                period: period.clone(),
                current_score: rep.card.score,
                new_score: other.card.score,
                current_band: rep.card.band.clone(),
                new_band: other.card.band.clone(),
            });
        }
    }
}

impl Engine {
    /// What installing `policy` would change today (director or admin; P2.2): open
    /// quotes that would reprice, reps whose score or band would move this month and this
    /// year, budgets whose control would change. Writes nothing.
    pub fn policy_impact(&self, actor: &Actor, policy: &Policy) -> Result<PolicyImpact> {
        let viewer = self.acting_user(actor)?;
        require_role(
            &viewer,
            &[Role::Director, Role::Admin],
            "judge a policy's impact (P2.2)",
        )?;
        let current = self.policy();
        let today = self.today();
        let (quotes, products, customers, budgets) = self.read(|tx| {
            let products: BTreeMap<String, Product> = document::all::<Product>(tx)?
                .into_iter()
                .map(|p| (p.id.clone(), p))
                .collect();
            let customers: BTreeMap<String, Customer> = document::all::<Customer>(tx)?
                .into_iter()
                .map(|c| (c.id.clone(), c))
                .collect();
            Ok((
                document::all::<Quote>(tx)?,
                products,
                customers,
                document::all::<Budget>(tx)?,
            ))
        })?;
        let mut impact = PolicyImpact {
            policy_version: policy.hash().to_string(),
            date: today,
            quotes: Vec::new(),
            scores: Vec::new(),
            budgets: Vec::new(),
            quotes_checked: 0,
        };
        let open = [
            QuoteStatus::Draft,
            QuoteStatus::Submitted,
            QuoteStatus::Approved,
            QuoteStatus::Sent,
        ];
        for quote in quotes.iter().filter(|q| open.contains(&q.status)) {
            impact.quotes_checked = impact.quotes_checked.saturating_add(1);
            let group = customers
                .get(&quote.customer)
                .map_or(quote.customer_group.as_str(), |c| c.group.as_str());
            let who = PricingFor {
                customer: &quote.customer,
                group,
                date: today,
            };
            let now = reprice(&current, quote, &products, who)?;
            let (new, problem) = match reprice(policy, quote, &products, who) {
                Ok(total) => (total, None),
                Err(e) => (now, Some(e.to_string())),
            };
            if new != now || problem.is_some() {
                impact.quotes.push(QuoteRepricing {
                    quote: quote.id.clone(),
                    owner: quote.owner.clone(),
                    status: quote.status,
                    quoted_total: quote.current().total.amount,
                    current_total: now,
                    new_total: new,
                    problem,
                });
            }
        }
        for period in [
            Period::Month {
                year: today.year(),
                month: today.month(),
            },
            Period::Year(today.year()),
        ] {
            let now = self.scoreboard(actor, period, None)?;
            let then = self.scoreboard(actor, period, Some(policy))?;
            score_changes(&now, &then, &mut impact.scores);
        }
        for budget in budgets.iter().filter(|b| b.year >= today.year()) {
            let (now, new) = (
                control(&current, &budget.category),
                control(policy, &budget.category),
            );
            if now != new {
                impact.budgets.push(BudgetControlChange {
                    budget: budget.id.clone(),
                    current: now,
                    new,
                });
            }
        }
        Ok(impact)
    }
}
