//! Orders (P3.5): created from a signed contract, followed through fulfilment steps with
//! due dates (so a rep sees what is late); delivery writes the sales facts.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::contract::{Contract, ContractStatus};
use super::lines::Line;
use crate::document::Document;
use crate::engine::{Command, CommandContext};
use crate::error::{Error, Result};
use crate::facts::{Credit, SalesFact};
use crate::ids::{UserId, validate_id};
use crate::money::Money;

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Being fulfilled.
    Open,
    /// Every step done: delivered, sales facts written.
    Delivered,
}

/// A fulfilment step (production, logistics, delivery...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FulfilmentStep {
    /// The step's name, unique within the order.
    pub name: String,
    /// When it is due.
    pub due: NaiveDate,
    /// When it was done.
    pub done_on: Option<NaiveDate>,
}

/// A step as planned when the order is created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StepPlan {
    /// The step's name.
    pub name: String,
    /// When it is due.
    pub due: NaiveDate,
}

/// An order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Order {
    /// Unique id.
    pub id: String,
    /// The contract.
    pub contract: String,
    /// The terms version it fulfils.
    pub terms_version: u32,
    /// The customer.
    pub customer: String,
    /// The owning rep.
    pub owner: UserId,
    /// The lines.
    pub lines: Vec<Line>,
    /// The total.
    pub total: Money,
    /// The fulfilment steps, in order.
    pub steps: Vec<FulfilmentStep>,
    /// Who is credited with the sale (shares sum to 100); the owner alone by default.
    pub credits: Vec<Credit>,
    /// Where it stands.
    pub status: OrderStatus,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

impl Document for Order {
    const COLLECTION: &'static str = "orders";
    const KIND: &'static str = "order";
    fn doc_id(&self) -> String {
        self.id.clone()
    }
}

impl Order {
    /// The steps past due and not done on `day`, with days late.
    pub fn late_steps(&self, day: NaiveDate) -> Vec<(&FulfilmentStep, i64)> {
        self.steps
            .iter()
            .filter(|s| s.done_on.is_none() && s.due < day)
            .map(|s| (s, day.signed_duration_since(s.due).num_days()))
            .collect()
    }
}

/// Creates an order from a signed contract (P3.5).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CreateOrder {
    /// Unique id.
    pub id: String,
    /// The contract.
    pub contract: String,
    /// The fulfilment steps.
    pub steps: Vec<StepPlan>,
    /// Reps credited with the sale and their shares in percent (sum 100); `None`: the
    /// contract's owner alone (P5.3a).
    #[serde(default)]
    pub credits: Option<Vec<Credit>>,
}

impl Command for CreateOrder {
    type Output = Order;
    const NAME: &'static str = "sales.create_order";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let owner = ctx.load::<Contract>(&self.contract)?.value.owner;
        ctx.owner_or_manager(&owner, "create an order for this contract")
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Order> {
        validate_id("id", &self.id)?;
        let contract = ctx.load::<Contract>(&self.contract)?.value;
        if !matches!(
            contract.status,
            ContractStatus::Signed | ContractStatus::Active
        ) {
            return Err(Error::InvalidState {
                kind: "contract",
                id: contract.id,
                reason: format!(
                    "orders come from a signed contract (P3.5); this one is {:?}",
                    contract.status
                ),
            });
        }
        if self.steps.is_empty() {
            return Err(Error::invalid(
                "steps",
                "an order needs at least one fulfilment step",
            ));
        }
        for (i, s) in self.steps.iter().enumerate() {
            if s.name.trim().is_empty() || self.steps.iter().take(i).any(|o| o.name == s.name) {
                return Err(Error::invalid(
                    format!("steps[{i}].name"),
                    format!("{:?}: step names are non-empty and unique", s.name),
                ));
            }
        }
        let credits = match &self.credits {
            None => vec![Credit {
                rep: contract.owner.clone(),
                share_pct: Decimal::ONE_HUNDRED,
            }],
            Some(credits) => {
                super::credits::check_credits("credits", credits, |rep| {
                    Ok(ctx
                        .get::<crate::org::User>(rep.as_str())?
                        .is_some_and(|u| u.value.role == crate::org::Role::Rep))
                })?;
                credits.clone()
            }
        };
        let terms = contract.current_terms();
        let order = Order {
            id: self.id.clone(),
            contract: contract.id.clone(),
            terms_version: terms.version,
            customer: contract.customer.clone(),
            owner: contract.owner.clone(),
            lines: terms.lines.clone(),
            total: terms.total,
            steps: self
                .steps
                .iter()
                .map(|s| FulfilmentStep {
                    name: s.name.clone(),
                    due: s.due,
                    done_on: None,
                })
                .collect(),
            credits,
            status: OrderStatus::Open,
            created_at: ctx.now(),
        };
        Ok(ctx.insert(&order)?.value)
    }
}

/// Marks a fulfilment step done. When the last is done the order is delivered and its
/// lines become sales facts, credited to the owner.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CompleteOrderStep {
    /// The order.
    pub id: String,
    /// The step's name.
    pub step: String,
    /// When it was done.
    pub done_on: NaiveDate,
}

impl Command for CompleteOrderStep {
    type Output = Order;
    const NAME: &'static str = "sales.complete_order_step";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let owner = ctx.load::<Order>(&self.id)?.value.owner;
        ctx.owner_or_manager(&owner, "update this order")
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Order> {
        let old = ctx.load::<Order>(&self.id)?;
        let mut order = old.value.clone();
        if order.status != OrderStatus::Open {
            return Err(Error::InvalidState {
                kind: "order",
                id: order.id,
                reason: "it was already delivered".into(),
            });
        }
        if self.done_on > ctx.today() {
            return Err(Error::invalid(
                "done_on",
                format!("{} is in the future", self.done_on),
            ));
        }
        let step = order
            .steps
            .iter_mut()
            .find(|s| s.name == self.step)
            .ok_or_else(|| {
                Error::invalid(
                    "step",
                    format!("order {} has no step {:?}", old.value.id, self.step),
                )
            })?;
        if step.done_on.is_some() {
            return Err(Error::InvalidState {
                kind: "order",
                id: old.value.id.clone(),
                reason: format!("step {:?} is already done", self.step),
            });
        }
        step.done_on = Some(self.done_on);
        if order.steps.iter().all(|s| s.done_on.is_some()) {
            order.status = OrderStatus::Delivered;
        }
        // The order first: it is the command's subject in the audit entry.
        let saved = ctx.update(&old, order)?.value;
        if saved.status == OrderStatus::Delivered {
            write_sales_facts(ctx, &saved)?;
        }
        Ok(saved)
    }
}

/// One sales fact per line of a delivered order, credited to its owner (P5.3a).
fn write_sales_facts(ctx: &mut CommandContext<'_>, order: &Order) -> Result<()> {
    let delivered = order
        .steps
        .iter()
        .filter_map(|s| s.done_on)
        .max()
        .unwrap_or_else(|| ctx.today());
    let rounding = ctx.policy().rounding();
    let facts: Vec<SalesFact> = order
        .lines
        .iter()
        .enumerate()
        .map(|(i, line)| -> Result<SalesFact> {
            Ok(SalesFact {
                id: SalesFact::make_id(delivered, &order.id, i.saturating_add(1)),
                date: delivered,
                order: order.id.clone(),
                contract: order.contract.clone(),
                customer: order.customer.clone(),
                product: line.product.clone(),
                quantity: line.quantity,
                amount: line.line_total,
                cost: rounding.round_decimal(crate::checked::mul(
                    "quantity",
                    line.unit_cost,
                    line.quantity,
                )?),
                currency: order.total.currency,
                credits: order.credits.clone(),
            })
        })
        .collect::<Result<_>>()?;
    ctx.append_facts(&facts)
}
