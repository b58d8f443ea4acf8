//! Quotes (P3.2, P3.3): priced from the catalogue, reviewed by the team's manager (and
//! the director above a total), sent only when approved, revised as new versions.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::catalogue::Customer;
use super::lines::{Line, LineRequest, PricingFor, max_discount, price_lines};
use super::price_exception::PriceException;
use crate::approval::{Approval, ApprovalStatus, DocKind, Facts, Reviewable, ops};
use crate::document::Document;
use crate::engine::{Command, CommandContext};
use crate::error::{Error, Result};
use crate::ids::{UserId, validate_id};
use crate::money::Money;
use crate::org::Role;

/// Where a quote stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuoteStatus {
    /// Being prepared (or back from review).
    Draft,
    /// Under review.
    Submitted,
    /// Approved: may be sent (P3.2c).
    Approved,
    /// Sent to the customer.
    Sent,
    /// The customer accepted.
    Accepted,
    /// The customer declined.
    Declined,
    /// Its validity passed without an answer.
    Expired,
}

/// One version of a quote's content (P3.3: revisions are versions; each keeps its lines,
/// prices, pricing policy and review).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct QuoteRevision {
    /// 1, 2, ...
    pub number: u32,
    /// The priced lines.
    pub lines: Vec<Line>,
    /// Sum of the rounded line totals.
    pub total: Money,
    /// Last day the offer stands.
    pub valid_until: NaiveDate,
    /// The policy version it was priced under.
    pub policy_version: String,
    /// Its review.
    pub approval: Option<Approval>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

/// A quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Quote {
    /// Unique id.
    pub id: String,
    /// The customer.
    pub customer: String,
    /// The customer's group.
    pub customer_group: String,
    /// The rep who owns it.
    pub owner: UserId,
    /// Where it stands.
    pub status: QuoteStatus,
    /// Every version; the last is current.
    #[serde(deserialize_with = "crate::document::non_empty")]
    pub revisions: Vec<QuoteRevision>,
    /// The quote this one was copied from (its reviews are never copied).
    pub copied_from: Option<String>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was sent.
    pub sent_at: Option<DateTime<Utc>>,
}

impl Document for Quote {
    const COLLECTION: &'static str = "quotes";
    const KIND: &'static str = "quote";
    fn doc_id(&self) -> String {
        self.id.clone()
    }
}

impl Quote {
    /// The current version.
    // A quote is created with a revision, and a stored one without any is refused when
    // it is read (`document::non_empty`): these cannot fail.
    #[allow(clippy::expect_used)]
    pub fn current(&self) -> &QuoteRevision {
        self.revisions
            .last()
            .expect("a quote always has a revision")
    }

    #[allow(clippy::expect_used)]
    fn current_mut(&mut self) -> &mut QuoteRevision {
        self.revisions
            .last_mut()
            .expect("a quote always has a revision")
    }
}

impl Reviewable for Quote {
    const DOC_KIND: DocKind = DocKind::Quote;

    fn approval(&self) -> Option<&Approval> {
        self.current().approval.as_ref()
    }
    fn approval_mut(&mut self) -> &mut Option<Approval> {
        &mut self.current_mut().approval
    }
    fn owner(&self) -> &UserId {
        &self.owner
    }
    fn facts(&self) -> Facts {
        Facts {
            total: Some(self.current().total.amount),
            max_discount_pct: max_discount(&self.current().lines),
            customer_group: Some(self.customer_group.clone()),
        }
    }
    fn check_submittable(&self) -> std::result::Result<(), String> {
        match self.status {
            QuoteStatus::Draft => Ok(()),
            s => Err(format!(
                "a {s:?} quote is not submitted again; revise it instead"
            )),
        }
    }
    fn on_outcome(&mut self, outcome: ApprovalStatus) {
        self.status = match outcome {
            ApprovalStatus::Pending => QuoteStatus::Submitted,
            ApprovalStatus::Approved => QuoteStatus::Approved,
            _ => QuoteStatus::Draft,
        };
    }
    fn summary(&self) -> String {
        format!(
            "quote for {}: {} ({} lines, revision {})",
            self.customer,
            self.current().total,
            self.current().lines.len(),
            self.current().number
        )
    }

    /// P4.1c: a line at a special price needs its approved price exception.
    fn check_final_approval(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let today = ctx.today();
        for (i, line) in self.current().lines.iter().enumerate() {
            let Some(pe_id) = &line.price_exception else {
                continue;
            };
            let refusal = match ctx.get::<PriceException>(pe_id)? {
                None => Some(format!("price exception {pe_id} does not exist")),
                Some(pe) => pe.value.refusal(
                    &self.customer,
                    &line.product,
                    line.quantity,
                    line.unit_price,
                    today,
                ),
            };
            if let Some(reason) = refusal {
                return Err(Error::InvalidState {
                    kind: "quote",
                    id: self.id.clone(),
                    reason: format!(
                        "line {} ({}) cannot be approved at {}: {reason}",
                        i.saturating_add(1),
                        line.product,
                        line.unit_price
                    ),
                });
            }
        }
        Ok(())
    }
}

fn check_valid_until(ctx: &CommandContext<'_>, valid_until: NaiveDate) -> Result<()> {
    if valid_until < ctx.today() {
        return Err(Error::invalid(
            "valid_until",
            format!("{valid_until} is already past"),
        ));
    }
    Ok(())
}

fn new_revision(
    ctx: &mut CommandContext<'_>,
    number: u32,
    lines: &[LineRequest],
    valid_until: NaiveDate,
    customer: (&str, &str),
) -> Result<QuoteRevision> {
    check_valid_until(ctx, valid_until)?;
    let who = PricingFor {
        customer: customer.0,
        group: customer.1,
        date: ctx.today(),
    };
    let (lines, total) = price_lines(ctx, lines, who)?;
    Ok(QuoteRevision {
        number,
        lines,
        total,
        valid_until,
        policy_version: ctx.policy().hash().to_string(),
        approval: None,
        created_at: ctx.now(),
    })
}

/// A rep prepares a quote for one of their customers (P3.2a).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CreateQuote {
    /// Unique id.
    pub id: String,
    /// The customer.
    pub customer: String,
    /// The lines.
    pub lines: Vec<LineRequest>,
    /// Last day the offer stands.
    pub valid_until: NaiveDate,
}

impl Command for CreateQuote {
    type Output = Quote;
    const NAME: &'static str = "sales.create_quote";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        crate::org::require_role(ctx.actor()?, &[Role::Rep], "prepare quotes (P3.2a)")
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Quote> {
        validate_id("id", &self.id)?;
        let owner = ctx.actor()?.id.clone();
        let customer = ctx
            .get::<Customer>(&self.customer)?
            .ok_or_else(|| {
                Error::invalid("customer", format!("{:?} does not exist", self.customer))
            })?
            .value;
        if customer.owner != owner {
            return Err(Error::not_authorized(
                &owner,
                "quote this customer",
                format!("customer {} belongs to {}", customer.id, customer.owner),
            ));
        }
        let revision = new_revision(
            ctx,
            1,
            &self.lines,
            self.valid_until,
            (&customer.id, &customer.group),
        )?;
        let quote = Quote {
            id: self.id.clone(),
            customer: customer.id,
            customer_group: customer.group,
            owner,
            status: QuoteStatus::Draft,
            revisions: vec![revision],
            copied_from: None,
            created_at: ctx.now(),
            sent_at: None,
        };
        Ok(ctx.insert(&quote)?.value)
    }
}

/// Changes a quote's lines or validity. A draft is changed in place and repriced under
/// the current policy; a submitted, approved or sent quote gets a new revision, and its
/// review starts again from the first step (P3.2c, P3.3). The earlier revision keeps its
/// prices and its review.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EditQuote {
    /// The quote.
    pub id: String,
    /// The new lines.
    pub lines: Vec<LineRequest>,
    /// The new last day.
    pub valid_until: NaiveDate,
}

impl Command for EditQuote {
    type Output = Quote;
    const NAME: &'static str = "sales.edit_quote";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let owner = ctx.load::<Quote>(&self.id)?.value.owner;
        ctx.owner_or_manager(&owner, "edit this quote")
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Quote> {
        let old = ctx.load::<Quote>(&self.id)?;
        let mut quote = old.value.clone();
        match quote.status {
            QuoteStatus::Draft => {
                let number = quote.current().number;
                let approval = quote.current().approval.clone();
                let mut revision = new_revision(
                    ctx,
                    number,
                    &self.lines,
                    self.valid_until,
                    (&old.value.customer, &old.value.customer_group),
                )?;
                revision.approval = approval;
                *quote.current_mut() = revision;
            }
            QuoteStatus::Submitted | QuoteStatus::Approved | QuoteStatus::Sent => {
                let number = quote.current().number.saturating_add(1);
                let revision = new_revision(
                    ctx,
                    number,
                    &self.lines,
                    self.valid_until,
                    (&old.value.customer, &old.value.customer_group),
                )?;
                quote.revisions.push(revision);
                quote.sent_at = None;
                ops::open_round(ctx, &mut quote)?;
            }
            s => {
                return Err(Error::InvalidState {
                    kind: "quote",
                    id: quote.id,
                    reason: format!("a {s:?} quote is closed; copy it to start again"),
                });
            }
        }
        Ok(ops::save(ctx, &old, quote)?.value)
    }
}

/// Copies a quote into a new draft, repriced now. Reviews are never copied.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CopyQuote {
    /// The quote to copy.
    pub from: String,
    /// The new quote's id.
    pub id: String,
    /// The new last day.
    pub valid_until: NaiveDate,
}

impl Command for CopyQuote {
    type Output = Quote;
    const NAME: &'static str = "sales.copy_quote";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let owner = ctx.load::<Quote>(&self.from)?.value.owner;
        let actor = ctx.actor()?.id.clone();
        if actor != owner {
            return Err(Error::not_authorized(
                &actor,
                "copy this quote",
                format!("it belongs to {owner}"),
            ));
        }
        Ok(())
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Quote> {
        validate_id("id", &self.id)?;
        let source = ctx.load::<Quote>(&self.from)?.value;
        let requests: Vec<LineRequest> = source.current().lines.iter().map(Line::request).collect();
        let revision = new_revision(
            ctx,
            1,
            &requests,
            self.valid_until,
            (&source.customer, &source.customer_group),
        )?;
        let quote = Quote {
            id: self.id.clone(),
            status: QuoteStatus::Draft,
            revisions: vec![revision],
            copied_from: Some(source.id.clone()),
            created_at: ctx.now(),
            sent_at: None,
            ..source
        };
        Ok(ctx.insert(&quote)?.value)
    }
}

/// Sends an approved quote to the customer (P3.2c: only an approved quote goes out).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SendQuote {
    /// The quote.
    pub id: String,
}

impl Command for SendQuote {
    type Output = Quote;
    const NAME: &'static str = "sales.send_quote";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let owner = ctx.load::<Quote>(&self.id)?.value.owner;
        ctx.owner_or_manager(&owner, "send this quote")
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Quote> {
        let old = ctx.load::<Quote>(&self.id)?;
        let mut quote = old.value.clone();
        let approved = quote.status == QuoteStatus::Approved
            && quote.approval().is_some_and(Approval::is_fully_approved);
        if !approved {
            return Err(Error::InvalidState {
                kind: "quote",
                id: quote.id,
                reason: format!(
                    "only an approved quote is sent (P3.2c); this one is {:?}",
                    old.value.status
                ),
            });
        }
        if quote.current().valid_until < ctx.today() {
            return Err(Error::InvalidState {
                kind: "quote",
                id: quote.id,
                reason: "its validity has passed; revise it".into(),
            });
        }
        quote.status = QuoteStatus::Sent;
        quote.sent_at = Some(ctx.now());
        Ok(ctx.update(&old, quote)?.value)
    }
}

/// The customer's answer to a sent quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuoteResponse {
    /// Accepted.
    Accepted,
    /// Declined.
    Declined,
    /// The validity passed without an answer.
    Expired,
}

/// Records the customer's answer to a sent quote.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RecordQuoteResponse {
    /// The quote.
    pub id: String,
    /// The answer.
    pub response: QuoteResponse,
}

impl Command for RecordQuoteResponse {
    type Output = Quote;
    const NAME: &'static str = "sales.record_quote_response";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let owner = ctx.load::<Quote>(&self.id)?.value.owner;
        ctx.owner_or_manager(&owner, "record the customer's answer")
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Quote> {
        let old = ctx.load::<Quote>(&self.id)?;
        let mut quote = old.value.clone();
        if quote.status != QuoteStatus::Sent {
            return Err(Error::InvalidState {
                kind: "quote",
                id: quote.id,
                reason: format!(
                    "only a sent quote gets an answer; this one is {:?}",
                    old.value.status
                ),
            });
        }
        let past = quote.current().valid_until < ctx.today();
        quote.status = match (self.response, past) {
            (QuoteResponse::Accepted, true) => {
                return Err(Error::InvalidState {
                    kind: "quote",
                    id: quote.id,
                    reason: format!(
                        "it expired on {}; revise it",
                        old.value.current().valid_until
                    ),
                });
            }
            (QuoteResponse::Expired, false) => {
                return Err(Error::InvalidState {
                    kind: "quote",
                    id: quote.id,
                    reason: format!("it is valid until {}", old.value.current().valid_until),
                });
            }
            (QuoteResponse::Accepted, false) => QuoteStatus::Accepted,
            (QuoteResponse::Declined, _) => QuoteStatus::Declined,
            (QuoteResponse::Expired, true) => QuoteStatus::Expired,
        };
        Ok(ctx.update(&old, quote)?.value)
    }
}
