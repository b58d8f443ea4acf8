//! Contract change requests (P7.3): reviewed by the team's manager and then the director;
//! once approved they add an amendment to the contract, never an in-place edit.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::contract::{Contract, ContractStatus, Terms};
use super::lines::{LineRequest, PricingFor, max_discount, price_lines};
use crate::approval::{Approval, ApprovalStatus, DocKind, Facts, Reviewable};
use crate::document::Document;
use crate::engine::{Command, CommandContext};
use crate::error::{Error, Result};
use crate::ids::{UserId, validate_id};

/// Where a change request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeStatus {
    /// Being written (or back from review).
    Draft,
    /// Under review.
    Submitted,
    /// Approved and applied as an amendment.
    Applied,
}

/// A request to change a signed contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ContractChange {
    /// Unique id.
    pub id: String,
    /// The contract.
    pub contract: String,
    /// The customer's group (for conditions).
    pub customer_group: String,
    /// The rep who asks.
    pub owner: UserId,
    /// The proposed terms (the next version).
    pub proposed: Terms,
    /// Why.
    pub reason: String,
    /// Where it stands.
    pub status: ChangeStatus,
    /// The review.
    pub approval: Option<Approval>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

impl Document for ContractChange {
    const COLLECTION: &'static str = "contract_changes";
    const KIND: &'static str = "contract change";
    fn doc_id(&self) -> String {
        self.id.clone()
    }
}

impl Reviewable for ContractChange {
    const DOC_KIND: DocKind = DocKind::ContractChange;

    crate::approval::review_fields!(approval, owner);
    fn facts(&self) -> Facts {
        Facts {
            total: Some(self.proposed.total.amount),
            max_discount_pct: max_discount(&self.proposed.lines),
            customer_group: Some(self.customer_group.clone()),
        }
    }
    fn check_submittable(&self) -> std::result::Result<(), String> {
        match self.status {
            ChangeStatus::Draft => Ok(()),
            s => Err(format!("a {s:?} change request is not submitted again")),
        }
    }
    fn on_outcome(&mut self, outcome: ApprovalStatus) {
        self.status = match outcome {
            ApprovalStatus::Pending => ChangeStatus::Submitted,
            ApprovalStatus::Approved => ChangeStatus::Applied,
            _ => ChangeStatus::Draft,
        };
    }
    fn summary(&self) -> String {
        format!(
            "change of contract {} to version {}: {}",
            self.contract, self.proposed.version, self.reason
        )
    }

    /// The approved change becomes the contract's next terms (an amendment).
    fn on_approved(&mut self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let old = ctx.load::<Contract>(&self.contract)?;
        let mut contract = old.value.clone();
        if !matches!(
            contract.status,
            ContractStatus::Signed | ContractStatus::Active
        ) {
            return Err(Error::InvalidState {
                kind: "contract",
                id: contract.id,
                reason: format!("a {:?} contract takes no amendment", old.value.status),
            });
        }
        let mut terms = self.proposed.clone();
        terms.version = contract.current_terms().version.saturating_add(1);
        contract.terms.push(terms);
        ctx.update(&old, contract)?;
        Ok(())
    }
}

/// The rep asks to change a signed contract (P7.3); absent fields keep the current terms.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RequestContractChange {
    /// Unique id.
    pub id: String,
    /// The contract.
    pub contract: String,
    /// New lines (repriced now), if they change.
    pub lines: Option<Vec<LineRequest>>,
    /// New delivery date, if it changes.
    pub delivery_date: Option<NaiveDate>,
    /// New payment terms, if they change.
    pub payment_terms: Option<String>,
    /// Why.
    pub reason: String,
}

impl Command for RequestContractChange {
    type Output = ContractChange;
    const NAME: &'static str = "sales.request_contract_change";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let owner = ctx.load::<Contract>(&self.contract)?.value.owner;
        ctx.owner_or_manager(&owner, "ask to change this contract")
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<ContractChange> {
        validate_id("id", &self.id)?;
        let contract = ctx.load::<Contract>(&self.contract)?.value;
        if !matches!(
            contract.status,
            ContractStatus::Signed | ContractStatus::Active
        ) {
            return Err(Error::InvalidState {
                kind: "contract",
                id: contract.id,
                reason: "only a signed contract is changed by request; edit a draft directly"
                    .into(),
            });
        }
        if self.reason.trim().is_empty() {
            return Err(Error::invalid(
                "reason",
                "say why the contract changes (P7.3)",
            ));
        }
        let current = contract.current_terms().clone();
        let (lines, total) = match &self.lines {
            Some(requests) => {
                let who = PricingFor {
                    customer: &contract.customer,
                    group: &contract.customer_group,
                    date: ctx.today(),
                };
                price_lines(ctx, requests, who)?
            }
            None => (current.lines.clone(), current.total),
        };
        let proposed = Terms {
            version: current.version.saturating_add(1),
            lines,
            total,
            delivery_date: self.delivery_date.or(current.delivery_date),
            payment_terms: self.payment_terms.clone().unwrap_or(current.payment_terms),
            change_request: Some(self.id.clone()),
        };
        let change = ContractChange {
            id: self.id.clone(),
            contract: contract.id,
            customer_group: contract.customer_group,
            owner: contract.owner,
            proposed,
            reason: self.reason.clone(),
            status: ChangeStatus::Draft,
            approval: None,
            created_at: ctx.now(),
        };
        Ok(ctx.insert(&change)?.value)
    }
}
