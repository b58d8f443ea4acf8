//! Contracts (P3.4, P7): drafted from an accepted quote, reviewed by the team's manager
//! and then legal, signed by both parties only after that, filed (P7.1), active, then
//! completed or terminated (P7.3). Signed terms are never edited: an approved change
//! request adds an amendment.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::lines::{Line, max_discount};
use super::quote::{Quote, QuoteStatus};
use crate::approval::{Approval, ApprovalStatus, DocKind, Facts, Reviewable, ops};
use crate::document::Document;
use crate::engine::{Command, CommandContext};
use crate::error::{Error, Result};
use crate::ids::{UserId, validate_id};
use crate::money::Money;
use crate::org::{Directory, Role};

/// Where a contract stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContractStatus {
    /// Being drafted (or back from review).
    Draft,
    /// Under review (manager, then legal).
    Submitted,
    /// Approved: may be signed (P3.4d).
    Approved,
    /// Signed by both parties.
    Signed,
    /// Signed and filed (P7.1): in force.
    Active,
    /// Performed.
    Completed,
    /// Ended early (P7.3), with a reason.
    Terminated,
}

/// One version of the terms: the original (1) and each amendment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Terms {
    /// 1 for the original, then each amendment.
    pub version: u32,
    /// The lines.
    pub lines: Vec<Line>,
    /// The total.
    pub total: Money,
    /// Agreed delivery date.
    pub delivery_date: Option<NaiveDate>,
    /// Agreed payment terms.
    pub payment_terms: String,
    /// The change request that produced this amendment.
    pub change_request: Option<String>,
}

/// Signatures (P3.4d).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Signing {
    /// Who signed for the customer.
    pub customer_signatory: String,
    /// Who signed for the company (the acting user).
    pub company_signatory: UserId,
    /// The date both parties signed.
    pub signed_on: NaiveDate,
}

/// The filed signed copy (P7.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Filing {
    /// Where the signed copy is kept (archive reference, file name).
    pub reference: String,
    /// SHA-256 of the signed copy, hex.
    pub sha256: String,
    /// When it was filed.
    pub filed_at: DateTime<Utc>,
}

/// A sales contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Contract {
    /// Unique id.
    pub id: String,
    /// The accepted quote it was drafted from.
    pub quote: String,
    /// The quote revision.
    pub quote_revision: u32,
    /// The customer.
    pub customer: String,
    /// The customer's group.
    pub customer_group: String,
    /// The owning rep.
    pub owner: UserId,
    /// Where it stands.
    pub status: ContractStatus,
    /// Every version of the terms; the last is in force.
    #[serde(deserialize_with = "crate::document::non_empty")]
    pub terms: Vec<Terms>,
    /// The review of the draft.
    pub approval: Option<Approval>,
    /// Signatures.
    pub signing: Option<Signing>,
    /// The filed copy.
    pub filing: Option<Filing>,
    /// Why it was terminated.
    pub termination_reason: Option<String>,
    /// When it was drafted.
    pub created_at: DateTime<Utc>,
}

impl Document for Contract {
    const COLLECTION: &'static str = "contracts";
    const KIND: &'static str = "contract";
    fn doc_id(&self) -> String {
        self.id.clone()
    }
}

impl Contract {
    /// The terms in force.
    // A contract is drafted with terms, and a stored one without any is refused when it
    // is read (`document::non_empty`): this cannot fail.
    #[allow(clippy::expect_used)]
    pub fn current_terms(&self) -> &Terms {
        self.terms.last().expect("a contract always has terms")
    }
}

impl Reviewable for Contract {
    const DOC_KIND: DocKind = DocKind::Contract;

    crate::approval::review_fields!(approval, owner);
    fn facts(&self) -> Facts {
        Facts {
            total: Some(self.current_terms().total.amount),
            max_discount_pct: max_discount(&self.current_terms().lines),
            customer_group: Some(self.customer_group.clone()),
        }
    }
    fn check_submittable(&self) -> std::result::Result<(), String> {
        match self.status {
            ContractStatus::Draft => Ok(()),
            s => Err(format!("a {s:?} contract is not submitted again")),
        }
    }
    fn on_outcome(&mut self, outcome: ApprovalStatus) {
        self.status = match outcome {
            ApprovalStatus::Pending => ContractStatus::Submitted,
            ApprovalStatus::Approved => ContractStatus::Approved,
            _ => ContractStatus::Draft,
        };
    }
    fn summary(&self) -> String {
        format!(
            "contract with {}: {}",
            self.customer,
            self.current_terms().total
        )
    }
}

fn state(contract: &Contract, reason: String) -> Error {
    Error::InvalidState {
        kind: "contract",
        id: contract.id.clone(),
        reason,
    }
}

/// The rep drafts a contract from an accepted quote (P3.4a).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DraftContract {
    /// Unique id.
    pub id: String,
    /// The accepted quote.
    pub quote: String,
    /// Agreed delivery date.
    pub delivery_date: Option<NaiveDate>,
    /// Agreed payment terms.
    pub payment_terms: String,
}

impl Command for DraftContract {
    type Output = Contract;
    const NAME: &'static str = "sales.draft_contract";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let owner = ctx.load::<Quote>(&self.quote)?.value.owner;
        let actor = ctx.actor()?.id.clone();
        if actor != owner {
            return Err(Error::not_authorized(
                &actor,
                "draft this contract",
                format!("quote {} belongs to {owner} (P3.4a)", self.quote),
            ));
        }
        Ok(())
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Contract> {
        validate_id("id", &self.id)?;
        let quote = ctx.load::<Quote>(&self.quote)?.value;
        if quote.status != QuoteStatus::Accepted {
            return Err(Error::InvalidState {
                kind: "quote",
                id: quote.id,
                reason: format!(
                    "a contract is drafted from an accepted quote; this one is {:?}",
                    quote.status
                ),
            });
        }
        let revision = quote.current();
        let contract = Contract {
            id: self.id.clone(),
            quote: quote.id.clone(),
            quote_revision: revision.number,
            customer: quote.customer.clone(),
            customer_group: quote.customer_group.clone(),
            owner: quote.owner.clone(),
            status: ContractStatus::Draft,
            terms: vec![Terms {
                version: 1,
                lines: revision.lines.clone(),
                total: revision.total,
                delivery_date: self.delivery_date,
                payment_terms: self.payment_terms.clone(),
                change_request: None,
            }],
            approval: None,
            signing: None,
            filing: None,
            termination_reason: None,
            created_at: ctx.now(),
        };
        Ok(ctx.insert(&contract)?.value)
    }
}

/// Changes the delivery date or payment terms of an unsigned contract. If it was under
/// review or approved, the review starts again from the first step.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EditContractTerms {
    /// The contract.
    pub id: String,
    /// New delivery date.
    pub delivery_date: Option<NaiveDate>,
    /// New payment terms.
    pub payment_terms: String,
}

impl Command for EditContractTerms {
    type Output = Contract;
    const NAME: &'static str = "sales.edit_contract_terms";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let owner = ctx.load::<Contract>(&self.id)?.value.owner;
        ctx.owner_or_manager(&owner, "edit this contract")
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Contract> {
        let old = ctx.load::<Contract>(&self.id)?;
        let mut contract = old.value.clone();
        if !matches!(
            contract.status,
            ContractStatus::Draft | ContractStatus::Submitted | ContractStatus::Approved
        ) {
            return Err(state(
                &contract,
                "signed terms change only through an approved change request (P7.3)".into(),
            ));
        }
        let Some(terms) = contract.terms.last_mut() else {
            return Err(state(&contract, "it has no terms".into()));
        };
        terms.delivery_date = self.delivery_date;
        terms.payment_terms = self.payment_terms.clone();
        ops::reopen_if_reviewed(ctx, &mut contract)?;
        Ok(ops::save(ctx, &old, contract)?.value)
    }
}

/// Records that both parties signed (P3.4d): only an approved contract.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SignContract {
    /// The contract.
    pub id: String,
    /// Who signed for the customer.
    pub customer_signatory: String,
    /// The date of signing.
    pub signed_on: NaiveDate,
}

impl Command for SignContract {
    type Output = Contract;
    const NAME: &'static str = "sales.sign_contract";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let owner = ctx.load::<Contract>(&self.id)?.value.owner;
        ctx.owner_or_manager(&owner, "sign this contract")
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Contract> {
        let old = ctx.load::<Contract>(&self.id)?;
        let mut contract = old.value.clone();
        let approved = contract.status == ContractStatus::Approved
            && contract
                .approval
                .as_ref()
                .is_some_and(Approval::is_fully_approved);
        if !approved {
            return Err(state(
                &contract,
                format!(
                    "only a contract approved by every reviewer is signed (P3.4d); this one is {:?}",
                    contract.status
                ),
            ));
        }
        if self.customer_signatory.trim().is_empty() {
            return Err(Error::invalid(
                "customer_signatory",
                "must name who signed for the customer",
            ));
        }
        if self.signed_on > ctx.today() {
            return Err(Error::invalid(
                "signed_on",
                format!("{} is in the future", self.signed_on),
            ));
        }
        contract.signing = Some(Signing {
            customer_signatory: self.customer_signatory.clone(),
            company_signatory: ctx.actor()?.id.clone(),
            signed_on: self.signed_on,
        });
        contract.status = ContractStatus::Signed;
        Ok(ctx.update(&old, contract)?.value)
    }
}

/// Files the signed copy (P7.1): the contract becomes active.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FileContract {
    /// The contract.
    pub id: String,
    /// Where the signed copy is kept.
    pub reference: String,
    /// SHA-256 of the signed copy (64 hex digits).
    pub sha256: String,
}

impl Command for FileContract {
    type Output = Contract;
    const NAME: &'static str = "sales.file_contract";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let owner = ctx.load::<Contract>(&self.id)?.value.owner;
        ctx.owner_or_manager(&owner, "file this contract")
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Contract> {
        let old = ctx.load::<Contract>(&self.id)?;
        let mut contract = old.value.clone();
        if contract.status != ContractStatus::Signed {
            return Err(state(
                &contract,
                format!(
                    "only a signed contract is filed; this one is {:?}",
                    contract.status
                ),
            ));
        }
        if self.sha256.len() != 64 || !self.sha256.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(Error::invalid("sha256", "must be 64 hex digits"));
        }
        if self.reference.trim().is_empty() {
            return Err(Error::invalid(
                "reference",
                "must say where the signed copy is kept",
            ));
        }
        contract.filing = Some(Filing {
            reference: self.reference.clone(),
            sha256: self.sha256.to_lowercase(),
            filed_at: ctx.now(),
        });
        contract.status = ContractStatus::Active;
        Ok(ctx.update(&old, contract)?.value)
    }
}

/// Ends a contract: completed when performed, or terminated with a reason (P7.3).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CloseContract {
    /// The contract.
    pub id: String,
    /// `None`: completed; `Some(reason)`: terminated.
    pub termination_reason: Option<String>,
}

impl Command for CloseContract {
    type Output = Contract;
    const NAME: &'static str = "sales.close_contract";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let owner = ctx.load::<Contract>(&self.id)?.value.owner;
        if self.termination_reason.is_some() {
            // Termination follows company rules: the team's manager or the director decides.
            let actor = ctx.actor()?.clone();
            let allowed = match actor.role {
                Role::Manager => Directory::new(ctx.tx()).leads_team_of(&actor.id, &owner)?,
                Role::Director => Directory::new(ctx.tx()).directs_team_of(&actor.id, &owner)?,
                _ => false,
            };
            if !allowed {
                return Err(Error::not_authorized(
                    &actor.id,
                    "terminate this contract",
                    "the rep's manager or director terminates a contract (P7.3)",
                ));
            }
            return Ok(());
        }
        ctx.owner_or_manager(&owner, "complete this contract")
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Contract> {
        let old = ctx.load::<Contract>(&self.id)?;
        let mut contract = old.value.clone();
        match (&self.termination_reason, contract.status) {
            (Some(reason), ContractStatus::Signed | ContractStatus::Active) => {
                if reason.trim().is_empty() {
                    return Err(Error::invalid(
                        "termination_reason",
                        "say why the contract ends early (P7.3)",
                    ));
                }
                contract.status = ContractStatus::Terminated;
                contract.termination_reason = Some(reason.clone());
            }
            (None, ContractStatus::Active) => contract.status = ContractStatus::Completed,
            (_, s) => {
                return Err(state(
                    &contract,
                    format!("a {s:?} contract cannot be closed this way"),
                ));
            }
        }
        Ok(ctx.update(&old, contract)?.value)
    }
}
