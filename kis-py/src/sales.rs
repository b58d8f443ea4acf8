//! Sales and review records as Python classes (read-only), converted from kis-core.

use chrono::{DateTime, NaiveDate, Utc};
use pyo3::prelude::*;
use rust_decimal::Decimal;

use crate::money::PyMoney;

fn s<T: ToString>(v: &T) -> String {
    v.to_string()
}

/// One step of a price's explanation.
#[pyclass(module = "kis", name = "TraceStep", frozen, get_all)]
#[derive(Clone)]
pub struct PyTraceStep {
    /// The rule id, or the guard's policy key.
    pub rule: String,
    /// "applied", "outranked", "not_matched" or "guard".
    pub outcome: String,
    /// Why.
    pub detail: String,
    /// The unit price after this step, when it changed it.
    pub unit_price: Option<Decimal>,
}

impl From<&kis::pricing::TraceStep> for PyTraceStep {
    fn from(t: &kis::pricing::TraceStep) -> Self {
        PyTraceStep {
            rule: t.rule.clone(),
            outcome: kis::wire_name(&t.outcome),
            detail: t.detail.clone(),
            unit_price: t.unit_price,
        }
    }
}

/// A priced line.
#[pyclass(module = "kis", name = "Line", frozen, get_all)]
#[derive(Clone)]
pub struct PyLine {
    /// Product id.
    pub product: String,
    /// Quantity.
    pub quantity: Decimal,
    /// List price per unit.
    pub list_price: Decimal,
    /// Units given free on top.
    pub free_units: Decimal,
    /// The rules that set the engine price.
    pub rules: Vec<String>,
    /// How the engine price came about.
    pub trace: Vec<PyTraceStep>,
    /// The engine's unit price.
    pub engine_price: Decimal,
    /// The unit price charged.
    pub unit_price: Decimal,
    /// Unit cost.
    pub unit_cost: Decimal,
    /// Rounded line total.
    pub line_total: Decimal,
    /// Discount from the engine price, percent.
    pub discount_pct: Decimal,
    /// The price exception behind a special price.
    pub price_exception: Option<String>,
}

impl From<&kis::sales::Line> for PyLine {
    fn from(l: &kis::sales::Line) -> Self {
        PyLine {
            product: l.product.clone(),
            quantity: l.quantity,
            list_price: l.list_price,
            free_units: l.free_units,
            rules: l.rules.clone(),
            trace: l.trace.iter().map(Into::into).collect(),
            engine_price: l.engine_price,
            unit_price: l.unit_price,
            unit_cost: l.unit_cost,
            line_total: l.line_total,
            discount_pct: l.discount_pct,
            price_exception: l.price_exception.clone(),
        }
    }
}

/// One step of a review round.
#[pyclass(module = "kis", name = "ReviewStep", frozen, get_all)]
#[derive(Clone)]
pub struct PyReviewStep {
    /// Position in the chain, from 0.
    pub index: usize,
    /// Role that decides it.
    pub role: String,
    /// Whether the reviewer must lead the submitter's team.
    pub team_scope: bool,
    /// Whether it applies to this document.
    pub applies: bool,
    /// Why it applies or is skipped.
    pub reason: String,
    /// When it became current.
    pub opened_at: Option<DateTime<Utc>>,
    /// Who decided.
    pub decided_by: Option<String>,
    /// For whom (as a delegate).
    pub on_behalf_of: Option<String>,
    /// When.
    pub decided_at: Option<DateTime<Utc>>,
    /// "approved", "rejected" or "returned".
    pub verdict: Option<String>,
    /// The comment or reason.
    pub comment: Option<String>,
}

/// A review round.
#[pyclass(module = "kis", name = "Review", frozen, get_all)]
#[derive(Clone)]
pub struct PyReview {
    /// 1 for the first submission, +1 for each re-submission.
    pub round: u32,
    /// Who submitted.
    pub submitter: String,
    /// The submitter's team.
    pub team: Option<String>,
    /// When submitted.
    pub submitted_at: DateTime<Utc>,
    /// "pending", "approved", "rejected", "returned" or "recalled".
    pub status: String,
    /// Every step, applicable or skipped.
    pub steps: Vec<PyReviewStep>,
}

impl From<&kis::approval::Approval> for PyReview {
    fn from(a: &kis::approval::Approval) -> Self {
        PyReview {
            round: a.round,
            submitter: s(&a.submitter),
            team: a.team.as_ref().map(s),
            submitted_at: a.submitted_at,
            status: kis::wire_name(&a.status),
            steps: a
                .steps
                .iter()
                .map(|st| PyReviewStep {
                    index: st.planned.index,
                    role: st.planned.role.as_str().into(),
                    team_scope: st.planned.team_scope,
                    applies: st.planned.applies,
                    reason: st.planned.reason.clone(),
                    opened_at: st.opened_at,
                    decided_by: st.decision.as_ref().map(|d| s(&d.by)),
                    on_behalf_of: st
                        .decision
                        .as_ref()
                        .and_then(|d| d.on_behalf_of.as_ref().map(s)),
                    decided_at: st.decision.as_ref().map(|d| d.at),
                    verdict: st.decision.as_ref().map(|d| kis::wire_name(&d.verdict)),
                    comment: st.decision.as_ref().and_then(|d| d.comment.clone()),
                })
                .collect(),
        }
    }
}

/// One version of a quote.
#[pyclass(module = "kis", name = "QuoteRevision", frozen, get_all)]
#[derive(Clone)]
pub struct PyQuoteRevision {
    /// 1, 2, ...
    pub number: u32,
    /// Priced lines.
    pub lines: Vec<PyLine>,
    /// Sum of the rounded line totals.
    pub total: PyMoney,
    /// Last day the offer stands.
    pub valid_until: NaiveDate,
    /// The policy version it was priced under.
    pub policy_version: String,
    /// Its review.
    pub review: Option<PyReview>,
}

/// A quote (P3.2).
#[pyclass(module = "kis", name = "Quote", frozen, get_all)]
pub struct PyQuote {
    /// Id.
    pub id: String,
    /// Customer id.
    pub customer: String,
    /// Owning rep.
    pub owner: String,
    /// draft, submitted, approved, sent, accepted, declined, expired.
    pub status: String,
    /// Every version; the last is current.
    pub revisions: Vec<PyQuoteRevision>,
    /// The quote it was copied from.
    pub copied_from: Option<String>,
}

impl From<kis::sales::Quote> for PyQuote {
    fn from(q: kis::sales::Quote) -> Self {
        PyQuote {
            status: kis::wire_name(&q.status),
            revisions: q
                .revisions
                .iter()
                .map(|r| PyQuoteRevision {
                    number: r.number,
                    lines: r.lines.iter().map(Into::into).collect(),
                    total: PyMoney { inner: r.total },
                    valid_until: r.valid_until,
                    policy_version: r.policy_version.clone(),
                    review: r.approval.as_ref().map(Into::into),
                })
                .collect(),
            id: q.id,
            customer: q.customer,
            owner: s(&q.owner),
            copied_from: q.copied_from,
        }
    }
}

#[pymethods]
impl PyQuote {
    /// The current revision.
    #[getter]
    fn current(&self) -> Option<PyQuoteRevision> {
        self.revisions.last().cloned()
    }

    fn __repr__(&self) -> String {
        format!(
            "Quote(id={:?}, status={:?}, revisions={})",
            self.id,
            self.status,
            self.revisions.len()
        )
    }
}

/// A price exception (P4.1c).
#[pyclass(module = "kis", name = "PriceException", frozen, get_all)]
pub struct PyPriceException {
    /// Id.
    pub id: String,
    /// Customer.
    pub customer: String,
    /// Product.
    pub product: String,
    /// The special unit price.
    pub price: Decimal,
    /// The engine price when applied for.
    pub engine_price: Decimal,
    /// The most units it covers.
    pub max_quantity: Decimal,
    /// First day.
    pub valid_from: NaiveDate,
    /// Last day.
    pub valid_to: NaiveDate,
    /// Why.
    pub reason: String,
    /// The applying rep.
    pub owner: String,
    /// draft, submitted or approved.
    pub status: String,
    /// Its review.
    pub review: Option<PyReview>,
}

impl From<kis::sales::PriceException> for PyPriceException {
    fn from(p: kis::sales::PriceException) -> Self {
        PyPriceException {
            status: kis::wire_name(&p.status),
            review: p.approval.as_ref().map(Into::into),
            id: p.id,
            customer: p.customer,
            product: p.product,
            price: p.price,
            engine_price: p.engine_price,
            max_quantity: p.max_quantity,
            valid_from: p.valid_from,
            valid_to: p.valid_to,
            reason: p.reason,
            owner: s(&p.owner),
        }
    }
}

/// One version of a contract's terms.
#[pyclass(module = "kis", name = "Terms", frozen, get_all)]
#[derive(Clone)]
pub struct PyTerms {
    /// 1 for the original, then each amendment.
    pub version: u32,
    /// Lines.
    pub lines: Vec<PyLine>,
    /// Total.
    pub total: PyMoney,
    /// Delivery date.
    pub delivery_date: Option<NaiveDate>,
    /// Payment terms.
    pub payment_terms: String,
    /// The change request behind an amendment.
    pub change_request: Option<String>,
}

impl From<&kis::sales::Terms> for PyTerms {
    fn from(t: &kis::sales::Terms) -> Self {
        PyTerms {
            version: t.version,
            lines: t.lines.iter().map(Into::into).collect(),
            total: PyMoney { inner: t.total },
            delivery_date: t.delivery_date,
            payment_terms: t.payment_terms.clone(),
            change_request: t.change_request.clone(),
        }
    }
}

/// A contract (P3.4, P7).
#[pyclass(module = "kis", name = "Contract", frozen, get_all)]
pub struct PyContract {
    /// Id.
    pub id: String,
    /// The accepted quote.
    pub quote: String,
    /// Customer.
    pub customer: String,
    /// Owning rep.
    pub owner: String,
    /// draft, submitted, approved, signed, active, completed, terminated.
    pub status: String,
    /// Every version of the terms; the last is in force.
    pub terms: Vec<PyTerms>,
    /// The review.
    pub review: Option<PyReview>,
    /// Who signed for the customer.
    pub customer_signatory: Option<String>,
    /// When it was signed.
    pub signed_on: Option<NaiveDate>,
    /// Where the signed copy is filed.
    pub filed_reference: Option<String>,
    /// Why it was terminated.
    pub termination_reason: Option<String>,
}

impl From<kis::sales::Contract> for PyContract {
    fn from(c: kis::sales::Contract) -> Self {
        PyContract {
            status: kis::wire_name(&c.status),
            terms: c.terms.iter().map(Into::into).collect(),
            review: c.approval.as_ref().map(Into::into),
            customer_signatory: c.signing.as_ref().map(|x| x.customer_signatory.clone()),
            signed_on: c.signing.as_ref().map(|x| x.signed_on),
            filed_reference: c.filing.as_ref().map(|f| f.reference.clone()),
            termination_reason: c.termination_reason,
            id: c.id,
            quote: c.quote,
            customer: c.customer,
            owner: s(&c.owner),
        }
    }
}

/// A contract change request (P7.3).
#[pyclass(module = "kis", name = "ContractChange", frozen, get_all)]
pub struct PyContractChange {
    /// Id.
    pub id: String,
    /// The contract.
    pub contract: String,
    /// The asking rep.
    pub owner: String,
    /// The proposed terms.
    pub proposed: PyTerms,
    /// Why.
    pub reason: String,
    /// draft, submitted or applied.
    pub status: String,
    /// The review.
    pub review: Option<PyReview>,
}

impl From<kis::sales::ContractChange> for PyContractChange {
    fn from(c: kis::sales::ContractChange) -> Self {
        PyContractChange {
            proposed: (&c.proposed).into(),
            status: kis::wire_name(&c.status),
            review: c.approval.as_ref().map(Into::into),
            id: c.id,
            contract: c.contract,
            owner: s(&c.owner),
            reason: c.reason,
        }
    }
}

/// A fulfilment step of an order.
#[pyclass(module = "kis", name = "FulfilmentStep", frozen, get_all)]
#[derive(Clone)]
pub struct PyFulfilmentStep {
    /// Name.
    pub name: String,
    /// Due date.
    pub due: NaiveDate,
    /// When done.
    pub done_on: Option<NaiveDate>,
}

/// An order (P3.5).
#[pyclass(module = "kis", name = "Order", frozen, get_all)]
pub struct PyOrder {
    /// Id.
    pub id: String,
    /// The contract.
    pub contract: String,
    /// Customer.
    pub customer: String,
    /// Owning rep.
    pub owner: String,
    /// open or delivered.
    pub status: String,
    /// Lines.
    pub lines: Vec<PyLine>,
    /// Total.
    pub total: PyMoney,
    /// Fulfilment steps.
    pub steps: Vec<PyFulfilmentStep>,
}

impl From<kis::sales::Order> for PyOrder {
    fn from(o: kis::sales::Order) -> Self {
        PyOrder {
            status: kis::wire_name(&o.status),
            lines: o.lines.iter().map(Into::into).collect(),
            total: PyMoney { inner: o.total },
            steps: o
                .steps
                .iter()
                .map(|st| PyFulfilmentStep {
                    name: st.name.clone(),
                    due: st.due,
                    done_on: st.done_on,
                })
                .collect(),
            id: o.id,
            contract: o.contract,
            customer: o.customer,
            owner: s(&o.owner),
        }
    }
}

/// A document waiting for a decision.
#[pyclass(module = "kis", name = "InboxItem", frozen, get_all)]
pub struct PyInboxItem {
    /// quote, price_exception, contract, contract_change...
    pub kind: String,
    /// Document id.
    pub id: String,
    /// Review round.
    pub round: u32,
    /// The waiting step (from 0).
    pub step: usize,
    /// The role it needs.
    pub role: String,
    /// Who submitted.
    pub submitter: String,
    /// What it is.
    pub summary: String,
    /// Since when it waits.
    pub waiting_since: DateTime<Utc>,
    /// Whole days waited.
    pub days_waiting: i64,
    /// The delegator the user decides for, if any.
    pub on_behalf_of: Option<String>,
}

impl From<kis::approval::InboxItem> for PyInboxItem {
    fn from(i: kis::approval::InboxItem) -> Self {
        PyInboxItem {
            kind: i.kind.as_str().into(),
            id: i.id,
            round: i.round,
            step: i.step,
            role: i.role.as_str().into(),
            submitter: s(&i.submitter),
            summary: i.summary,
            waiting_since: i.waiting_since,
            days_waiting: i.days_waiting,
            on_behalf_of: i.on_behalf_of.as_ref().map(s),
        }
    }
}

/// Where a review stands after a command.
#[pyclass(module = "kis", name = "ReviewOutcome", frozen, get_all)]
pub struct PyReviewOutcome {
    /// Document kind.
    pub kind: String,
    /// Document id.
    pub id: String,
    /// Round.
    pub round: u32,
    /// pending, approved, rejected, returned, recalled.
    pub status: String,
    /// The waiting step, if pending.
    pub current_step: Option<usize>,
    /// Its role.
    pub current_role: Option<String>,
}

impl From<kis::approval::ReviewOutcome> for PyReviewOutcome {
    fn from(o: kis::approval::ReviewOutcome) -> Self {
        PyReviewOutcome {
            kind: o.kind.as_str().into(),
            id: o.id,
            round: o.round,
            status: kis::wire_name(&o.status),
            current_step: o.current_step,
            current_role: o.current_role.map(|r| r.as_str().into()),
        }
    }
}

/// A late fulfilment step.
#[pyclass(module = "kis", name = "LateStep", frozen, get_all)]
pub struct PyLateStep {
    /// Order.
    pub order: String,
    /// Customer.
    pub customer: String,
    /// Owning rep.
    pub owner: String,
    /// Step.
    pub step: String,
    /// Due date.
    pub due: NaiveDate,
    /// Days late.
    pub days_late: i64,
}

impl From<kis::sales::LateStep> for PyLateStep {
    fn from(l: kis::sales::LateStep) -> Self {
        PyLateStep {
            order: l.order,
            customer: l.customer,
            owner: s(&l.owner),
            step: l.step,
            due: l.due,
            days_late: l.days_late,
        }
    }
}

/// A delivered order line (KPI and reports read these).
#[pyclass(module = "kis", name = "SalesFact", frozen, get_all)]
pub struct PySalesFact {
    /// Delivery date.
    pub date: NaiveDate,
    /// Order.
    pub order: String,
    /// Customer.
    pub customer: String,
    /// Product.
    pub product: String,
    /// Quantity.
    pub quantity: Decimal,
    /// Revenue.
    pub amount: Decimal,
    /// Cost.
    pub cost: Decimal,
    /// Currency.
    pub currency: String,
    /// (rep, share percent) pairs.
    pub credits: Vec<(String, Decimal)>,
}

impl From<kis::sales::SalesFact> for PySalesFact {
    fn from(f: kis::sales::SalesFact) -> Self {
        PySalesFact {
            credits: f.credits.iter().map(|c| (s(&c.rep), c.share_pct)).collect(),
            date: f.date,
            order: f.order,
            customer: f.customer,
            product: f.product,
            quantity: f.quantity,
            amount: f.amount,
            cost: f.cost,
            currency: f.currency.to_string(),
        }
    }
}

/// A customer.
#[pyclass(module = "kis", name = "Customer", frozen, get_all)]
pub struct PyCustomer {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Group.
    pub group: String,
    /// Owning rep.
    pub owner: String,
    /// Region.
    pub region: Option<String>,
    /// Industry.
    pub industry: Option<String>,
    /// Preferences.
    pub preferences: Option<String>,
    /// Contact names.
    pub contacts: Vec<String>,
    /// The lead it was won from (P3.1).
    pub lead: Option<String>,
}

impl From<kis::sales::Customer> for PyCustomer {
    fn from(c: kis::sales::Customer) -> Self {
        PyCustomer {
            contacts: c.contacts.iter().map(|k| k.name.clone()).collect(),
            id: c.id,
            name: c.name,
            group: c.group,
            owner: s(&c.owner),
            region: c.region,
            industry: c.industry,
            preferences: c.preferences,
            lead: c.lead,
        }
    }
}

/// The price of one line under a policy, with its explanation.
#[pyclass(module = "kis", name = "PricedLine", frozen, get_all)]
pub struct PyPricedLine {
    /// List price per unit.
    pub list_price: Decimal,
    /// The engine's unit price.
    pub unit_price: Decimal,
    /// Units charged.
    pub quantity: Decimal,
    /// Units given free on top.
    pub free_units: Decimal,
    /// `unit_price * quantity`, rounded once by policy.
    pub line_total: Decimal,
    /// The rules applied, in order.
    pub applied: Vec<String>,
    /// Every rule considered, and what it did or why not.
    pub trace: Vec<PyTraceStep>,
}

impl From<kis::pricing::PricedLine> for PyPricedLine {
    fn from(p: kis::pricing::PricedLine) -> Self {
        PyPricedLine {
            trace: p.trace.iter().map(Into::into).collect(),
            list_price: p.list_price,
            unit_price: p.unit_price,
            quantity: p.quantity,
            free_units: p.free_units,
            line_total: p.line_total,
            applied: p.applied,
        }
    }
}

/// A product of the price system.
#[pyclass(module = "kis", name = "Product", frozen, get_all)]
pub struct PyProduct {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Category path.
    pub category: String,
    /// List price.
    pub list_price: PyMoney,
    /// Cost.
    pub cost: PyMoney,
}

impl From<kis::sales::Product> for PyProduct {
    fn from(p: kis::sales::Product) -> Self {
        PyProduct {
            id: p.id,
            name: p.name,
            category: p.category,
            list_price: PyMoney {
                inner: p.list_price,
            },
            cost: PyMoney { inner: p.cost },
        }
    }
}
