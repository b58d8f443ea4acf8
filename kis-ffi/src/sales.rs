//! Sales and review records for Kotlin and Swift, and the rep's and manager's commands.

// Exported methods mirror the commands field by field; Kotlin and Swift callers name
// their arguments, so a long parameter list reads well there.
#![allow(clippy::too_many_arguments)]

use std::time::SystemTime;

use kis::Actor;
use kis::approval::{Delegate, DocKind, Verdict};
use kis::reviews::{Decide, Recall, Submit};
use kis::sales::{
    self as s, CreateQuote, EditQuote, FilePriceException, LineRequest as CoreLineRequest,
    SendQuote,
};

use crate::engine::KisEngine;
use crate::error::KisError;
use crate::records::{Money, Role};
use crate::values::{Amount, Day};

/// The kinds of reviewed document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum DocumentKind {
    /// A quote (P3.2b).
    Quote,
    /// A special-price application (P4.1c).
    PriceException,
    /// A contract (P3.4).
    Contract,
    /// A contract change (P7.3).
    ContractChange,
    /// An expense claim (P6.2).
    ExpenseClaim,
    /// An expense budget (P6.1).
    Budget,
}

impl From<DocumentKind> for DocKind {
    fn from(k: DocumentKind) -> Self {
        match k {
            DocumentKind::Quote => DocKind::Quote,
            DocumentKind::PriceException => DocKind::PriceException,
            DocumentKind::Contract => DocKind::Contract,
            DocumentKind::ContractChange => DocKind::ContractChange,
            DocumentKind::ExpenseClaim => DocKind::ExpenseClaim,
            DocumentKind::Budget => DocKind::Budget,
        }
    }
}

fn kind_name(k: DocKind) -> String {
    k.as_str().to_string()
}

/// A product of the price system.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Product {
    /// Id (SKU).
    pub id: String,
    /// Name.
    pub name: String,
    /// Category path.
    pub category: String,
    /// List price per unit.
    pub list_price: Money,
    /// Cost per unit.
    pub cost: Money,
}

impl From<s::Product> for Product {
    fn from(p: s::Product) -> Self {
        Product {
            id: p.id,
            name: p.name,
            category: p.category,
            list_price: Money::from_core(p.list_price),
            cost: Money::from_core(p.cost),
        }
    }
}

/// A customer.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Customer {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Group.
    pub group: String,
    /// Owning rep.
    pub owner: String,
    /// The lead it was won from.
    #[uniffi(default = None)]
    pub lead: Option<String>,
}

impl From<s::Customer> for Customer {
    fn from(c: s::Customer) -> Self {
        Customer {
            id: c.id,
            name: c.name,
            group: c.group,
            owner: c.owner.0,
            lead: c.lead,
        }
    }
}

/// A line to price.
#[derive(Debug, Clone, uniffi::Record)]
pub struct LineRequest {
    /// Product id.
    pub product: String,
    /// Quantity.
    pub quantity: Amount,
    /// A special unit price (needs `price_exception`).
    pub special_price: Option<Amount>,
    /// The price exception granting it.
    pub price_exception: Option<String>,
}

fn core_lines(lines: Vec<LineRequest>) -> Result<Vec<CoreLineRequest>, KisError> {
    lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            Ok(CoreLineRequest {
                product: l.product,
                quantity: l.quantity.parse(&format!("lines[{i}].quantity"))?,
                special_price: l
                    .special_price
                    .map(|p| p.parse(&format!("lines[{i}].special_price")))
                    .transpose()?,
                price_exception: l.price_exception,
            })
        })
        .collect()
}

/// One step of a price's explanation.
#[derive(Debug, Clone, uniffi::Record)]
pub struct TraceStep {
    /// The rule id, or the guard's policy key.
    pub rule: String,
    /// "applied", "outranked", "not_matched" or "guard".
    pub outcome: String,
    /// Why.
    pub detail: String,
    /// The unit price after this step, when it changed it.
    pub unit_price: Option<Amount>,
}

fn trace(steps: &[kis::pricing::TraceStep]) -> Vec<TraceStep> {
    steps
        .iter()
        .map(|t| TraceStep {
            rule: t.rule.clone(),
            outcome: kis::wire_name(&t.outcome),
            detail: t.detail.clone(),
            unit_price: t.unit_price.map(Amount::from_decimal),
        })
        .collect()
}

/// The price of a line, with its explanation.
#[derive(Debug, Clone, uniffi::Record)]
pub struct PricedLine {
    /// List price per unit.
    pub list_price: Amount,
    /// The engine's unit price.
    pub unit_price: Amount,
    /// Units charged.
    pub quantity: Amount,
    /// Units given free on top.
    pub free_units: Amount,
    /// Rounded line total.
    pub line_total: Amount,
    /// The rules applied, in order.
    pub applied: Vec<String>,
    /// Every rule considered, and what it did or why not.
    pub trace: Vec<TraceStep>,
}

impl From<kis::pricing::PricedLine> for PricedLine {
    fn from(p: kis::pricing::PricedLine) -> Self {
        PricedLine {
            list_price: Amount::from_decimal(p.list_price),
            unit_price: Amount::from_decimal(p.unit_price),
            quantity: Amount::from_decimal(p.quantity),
            free_units: Amount::from_decimal(p.free_units),
            line_total: Amount::from_decimal(p.line_total),
            trace: trace(&p.trace),
            applied: p.applied,
        }
    }
}

/// A priced line, with how its price came about.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Line {
    /// Product id.
    pub product: String,
    /// Quantity.
    pub quantity: Amount,
    /// List price per unit.
    pub list_price: Amount,
    /// Units given free on top.
    pub free_units: Amount,
    /// The rules that set the engine price.
    pub rules: Vec<String>,
    /// How the engine price came about.
    pub trace: Vec<TraceStep>,
    /// The engine's unit price.
    pub engine_price: Amount,
    /// The unit price charged.
    pub unit_price: Amount,
    /// Rounded line total.
    pub line_total: Amount,
    /// Discount from the engine price, percent.
    pub discount_pct: Amount,
    /// The price exception behind a special price.
    pub price_exception: Option<String>,
}

impl From<&s::Line> for Line {
    fn from(l: &s::Line) -> Self {
        Line {
            product: l.product.clone(),
            quantity: Amount::from_decimal(l.quantity),
            list_price: Amount::from_decimal(l.list_price),
            free_units: Amount::from_decimal(l.free_units),
            rules: l.rules.clone(),
            trace: trace(&l.trace),
            engine_price: Amount::from_decimal(l.engine_price),
            unit_price: Amount::from_decimal(l.unit_price),
            line_total: Amount::from_decimal(l.line_total),
            discount_pct: Amount::from_decimal(l.discount_pct),
            price_exception: l.price_exception.clone(),
        }
    }
}

/// One step of a review round.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ReviewStep {
    /// Position in the chain, from 0.
    pub index: u32,
    /// Role that decides it.
    pub role: Role,
    /// Whether it applies (else skipped).
    pub applies: bool,
    /// Why it applies or is skipped.
    pub reason: String,
    /// Who decided.
    pub decided_by: Option<String>,
    /// For whom (delegation).
    pub on_behalf_of: Option<String>,
    /// "approved", "rejected" or "returned".
    pub verdict: Option<String>,
    /// The comment or reason.
    pub comment: Option<String>,
}

/// A review round.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Review {
    /// Round number.
    pub round: u32,
    /// "pending", "approved", "rejected", "returned" or "recalled".
    pub status: String,
    /// Steps.
    pub steps: Vec<ReviewStep>,
}

pub(crate) fn review(a: &kis::approval::Approval) -> Review {
    Review {
        round: a.round,
        status: kis::wire_name(&a.status),
        steps: a
            .steps
            .iter()
            .map(|st| ReviewStep {
                index: st.planned.index as u32,
                role: st.planned.role.into(),
                applies: st.planned.applies,
                reason: st.planned.reason.clone(),
                decided_by: st.decision.as_ref().map(|d| d.by.0.clone()),
                on_behalf_of: st
                    .decision
                    .as_ref()
                    .and_then(|d| d.on_behalf_of.as_ref().map(|u| u.0.clone())),
                verdict: st.decision.as_ref().map(|d| kis::wire_name(&d.verdict)),
                comment: st.decision.as_ref().and_then(|d| d.comment.clone()),
            })
            .collect(),
    }
}

/// A quote's current revision, with its history length.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Quote {
    /// Id.
    pub id: String,
    /// Customer.
    pub customer: String,
    /// Owning rep.
    pub owner: String,
    /// draft, submitted, approved, sent, accepted, declined, expired.
    pub status: String,
    /// Current revision number.
    pub revision: u32,
    /// Current lines.
    pub lines: Vec<Line>,
    /// Current total.
    pub total: Money,
    /// Last day the offer stands.
    pub valid_until: Day,
    /// The current revision's review.
    pub review: Option<Review>,
}

impl From<s::Quote> for Quote {
    fn from(q: s::Quote) -> Self {
        let cur = q.current().clone();
        Quote {
            id: q.id,
            customer: q.customer,
            owner: q.owner.0,
            status: kis::wire_name(&q.status),
            revision: cur.number,
            lines: cur.lines.iter().map(Into::into).collect(),
            total: Money::from_core(cur.total),
            valid_until: Day::from_date(cur.valid_until),
            review: cur.approval.as_ref().map(review),
        }
    }
}

/// A price exception (P4.1c).
#[derive(Debug, Clone, uniffi::Record)]
pub struct PriceException {
    /// Id.
    pub id: String,
    /// Customer.
    pub customer: String,
    /// Product.
    pub product: String,
    /// Special unit price.
    pub price: Amount,
    /// Most units covered.
    pub max_quantity: Amount,
    /// draft, submitted, approved.
    pub status: String,
    /// The review.
    pub review: Option<Review>,
}

impl From<s::PriceException> for PriceException {
    fn from(p: s::PriceException) -> Self {
        PriceException {
            review: p.approval.as_ref().map(review),
            status: kis::wire_name(&p.status),
            id: p.id,
            customer: p.customer,
            product: p.product,
            price: Amount::from_decimal(p.price),
            max_quantity: Amount::from_decimal(p.max_quantity),
        }
    }
}

/// A document waiting for a decision.
#[derive(Debug, Clone, uniffi::Record)]
pub struct InboxItem {
    /// Document kind ("quote", ...).
    pub kind: String,
    /// Document id.
    pub id: String,
    /// The role the waiting step needs.
    pub role: Role,
    /// Who submitted.
    pub submitter: String,
    /// What it is.
    pub summary: String,
    /// Since when it waits.
    pub waiting_since: SystemTime,
    /// Whole days waited.
    pub days_waiting: i64,
    /// The delegator decided for, if any.
    pub on_behalf_of: Option<String>,
}

impl From<kis::approval::InboxItem> for InboxItem {
    fn from(i: kis::approval::InboxItem) -> Self {
        InboxItem {
            kind: kind_name(i.kind),
            id: i.id,
            role: i.role.into(),
            submitter: i.submitter.0,
            summary: i.summary,
            waiting_since: i.waiting_since.into(),
            days_waiting: i.days_waiting,
            on_behalf_of: i.on_behalf_of.map(|u| u.0),
        }
    }
}

/// Where a review stands after a command.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ReviewOutcome {
    /// Round.
    pub round: u32,
    /// pending, approved, rejected, returned, recalled.
    pub status: String,
    /// The role of the waiting step, if pending.
    pub current_role: Option<Role>,
}

impl From<kis::reviews::ReviewOutcome> for ReviewOutcome {
    fn from(o: kis::reviews::ReviewOutcome) -> Self {
        ReviewOutcome {
            round: o.round,
            status: kis::wire_name(&o.status),
            current_role: o.current_role.map(Into::into),
        }
    }
}

#[uniffi::export]
impl KisEngine {
    /// The whole price system.
    pub fn products(&self, actor: String) -> Result<Vec<Product>, KisError> {
        Ok(self
            .engine()
            .products(&Actor::new(actor))?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// One product (its list price is the engine price until price rules land).
    pub fn product(&self, actor: String, id: String) -> Result<Product, KisError> {
        Ok(self.engine().product(&Actor::new(actor), &id)?.into())
    }

    /// The price a customer gets today for `quantity` units of a product, with the trace.
    pub fn price_for(
        &self,
        actor: String,
        customer: String,
        product: String,
        quantity: Amount,
    ) -> Result<PricedLine, KisError> {
        let quantity = quantity.parse("quantity")?;
        Ok(self
            .engine()
            .price_for(&Actor::new(actor), &customer, &product, quantity)?
            .into())
    }

    /// The customers the actor may see.
    pub fn customers(&self, actor: String) -> Result<Vec<Customer>, KisError> {
        Ok(self
            .engine()
            .customers(&Actor::new(actor))?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Adds or replaces a product (director or admin).
    pub fn put_product(
        &self,
        actor: String,
        product: Product,
        idempotency_key: Option<String>,
    ) -> Result<Product, KisError> {
        let product = s::Product {
            id: product.id,
            name: product.name,
            category: product.category,
            list_price: product.list_price.to_core("list_price")?,
            cost: product.cost.to_core("cost")?,
        };
        Ok(self
            .run(&actor, idempotency_key, s::PutProduct { product })?
            .into())
    }

    /// Records a customer owned by a rep.
    pub fn add_customer(
        &self,
        actor: String,
        customer: Customer,
        idempotency_key: Option<String>,
    ) -> Result<Customer, KisError> {
        let cmd = s::AddCustomer {
            id: customer.id,
            name: customer.name,
            group: customer.group,
            owner: customer.owner.into(),
        };
        Ok(self.run(&actor, idempotency_key, cmd)?.into())
    }

    /// A rep prepares a quote (P3.2a).
    pub fn create_quote(
        &self,
        actor: String,
        id: String,
        customer: String,
        lines: Vec<LineRequest>,
        valid_until: Day,
        idempotency_key: Option<String>,
    ) -> Result<Quote, KisError> {
        let cmd = CreateQuote {
            id,
            customer,
            lines: core_lines(lines)?,
            valid_until: valid_until.parse("valid_until")?,
        };
        Ok(self.run(&actor, idempotency_key, cmd)?.into())
    }

    /// Changes a quote (a reviewed one gets a new revision and a new review).
    pub fn edit_quote(
        &self,
        actor: String,
        id: String,
        lines: Vec<LineRequest>,
        valid_until: Day,
        idempotency_key: Option<String>,
    ) -> Result<Quote, KisError> {
        let cmd = EditQuote {
            id,
            lines: core_lines(lines)?,
            valid_until: valid_until.parse("valid_until")?,
        };
        Ok(self.run(&actor, idempotency_key, cmd)?.into())
    }

    /// Sends an approved quote (P3.2c).
    pub fn send_quote(
        &self,
        actor: String,
        id: String,
        idempotency_key: Option<String>,
    ) -> Result<Quote, KisError> {
        Ok(self.run(&actor, idempotency_key, SendQuote { id })?.into())
    }

    /// A quote the actor may read.
    pub fn quote(&self, actor: String, id: String) -> Result<Quote, KisError> {
        Ok(self.engine().quote(&Actor::new(actor), &id)?.into())
    }

    /// A rep applies for a special price (P4.1c).
    pub fn file_price_exception(
        &self,
        actor: String,
        id: String,
        customer: String,
        product: String,
        price: Amount,
        max_quantity: Amount,
        valid_from: Day,
        valid_to: Day,
        reason: String,
        idempotency_key: Option<String>,
    ) -> Result<PriceException, KisError> {
        let cmd = FilePriceException {
            id,
            customer,
            product,
            price: price.parse("price")?,
            max_quantity: max_quantity.parse("max_quantity")?,
            valid_from: valid_from.parse("valid_from")?,
            valid_to: valid_to.parse("valid_to")?,
            reason,
        };
        Ok(self.run(&actor, idempotency_key, cmd)?.into())
    }

    /// A price exception the actor may read.
    pub fn price_exception(&self, actor: String, id: String) -> Result<PriceException, KisError> {
        Ok(self
            .engine()
            .price_exception(&Actor::new(actor), &id)?
            .into())
    }

    /// Submits a document for review (its owner).
    pub fn submit(
        &self,
        actor: String,
        kind: DocumentKind,
        id: String,
        idempotency_key: Option<String>,
    ) -> Result<ReviewOutcome, KisError> {
        Ok(self
            .run(
                &actor,
                idempotency_key,
                Submit {
                    kind: kind.into(),
                    id,
                },
            )?
            .into())
    }

    /// Approves the current step.
    pub fn approve(
        &self,
        actor: String,
        kind: DocumentKind,
        id: String,
        comment: Option<String>,
        idempotency_key: Option<String>,
    ) -> Result<ReviewOutcome, KisError> {
        Ok(self
            .run(
                &actor,
                idempotency_key,
                Decide {
                    kind: kind.into(),
                    id,
                    verdict: Verdict::Approved,
                    comment,
                },
            )?
            .into())
    }

    /// Rejects the current step, with a reason.
    pub fn reject(
        &self,
        actor: String,
        kind: DocumentKind,
        id: String,
        reason: String,
        idempotency_key: Option<String>,
    ) -> Result<ReviewOutcome, KisError> {
        Ok(self
            .run(
                &actor,
                idempotency_key,
                Decide {
                    kind: kind.into(),
                    id,
                    verdict: Verdict::Rejected,
                    comment: Some(reason),
                },
            )?
            .into())
    }

    /// Returns the document for revision, with a reason.
    pub fn return_for_revision(
        &self,
        actor: String,
        kind: DocumentKind,
        id: String,
        reason: String,
        idempotency_key: Option<String>,
    ) -> Result<ReviewOutcome, KisError> {
        Ok(self
            .run(
                &actor,
                idempotency_key,
                Decide {
                    kind: kind.into(),
                    id,
                    verdict: Verdict::Returned,
                    comment: Some(reason),
                },
            )?
            .into())
    }

    /// Takes a pending document back (its submitter).
    pub fn recall(
        &self,
        actor: String,
        kind: DocumentKind,
        id: String,
        idempotency_key: Option<String>,
    ) -> Result<ReviewOutcome, KisError> {
        Ok(self
            .run(
                &actor,
                idempotency_key,
                Recall {
                    kind: kind.into(),
                    id,
                },
            )?
            .into())
    }

    /// Delegates the actor's review authority for a date range (one hop only).
    pub fn delegate(
        &self,
        actor: String,
        to: String,
        first_day: Day,
        last_day: Day,
        idempotency_key: Option<String>,
    ) -> Result<(), KisError> {
        let cmd = Delegate {
            to: to.into(),
            first_day: first_day.parse("first_day")?,
            last_day: last_day.parse("last_day")?,
        };
        self.run(&actor, idempotency_key, cmd)?;
        Ok(())
    }

    /// What waits for the actor's decision, delegations included.
    pub fn inbox(&self, actor: String) -> Result<Vec<InboxItem>, KisError> {
        Ok(self
            .engine()
            .inbox(&Actor::new(actor))?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Steps pending too long, for the actor as the next level up.
    pub fn escalations(&self, actor: String) -> Result<Vec<InboxItem>, KisError> {
        Ok(self
            .engine()
            .escalations(&Actor::new(actor))?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}
