//! `kis.Engine` methods for the price system, the sales documents and their reviews.

use std::ops::ControlFlow;

use chrono::NaiveDate;
use pyo3::prelude::*;

use kis::approval::{Decide, Delegate, DocKind, Recall, Submit, Verdict};
use kis::sales::*;
use kis::{Actor, Money};

use crate::convert;
use crate::engine::PyEngine;
use crate::errors::{OrRaise, invalid};
use crate::money::PyMoney;
use crate::sales::*;

/// A line to price: a product, a quantity, and optionally a special price with the price
/// exception that grants it (P4.1c).
#[pyclass(module = "kis", name = "LineRequest", frozen, from_py_object)]
#[derive(Clone)]
pub struct PyLineRequest {
    pub(crate) inner: LineRequest,
}

#[pymethods]
impl PyLineRequest {
    /// `quantity` and `special_price` are Decimal, int or str (never float).
    #[new]
    #[pyo3(signature = (product, quantity, special_price = None, price_exception = None))]
    fn new(
        product: String,
        quantity: &Bound<'_, PyAny>,
        special_price: Option<&Bound<'_, PyAny>>,
        price_exception: Option<String>,
    ) -> PyResult<Self> {
        Ok(PyLineRequest {
            inner: LineRequest {
                product,
                quantity: convert::decimal(quantity, "quantity")?,
                special_price: special_price
                    .map(|p| convert::decimal(p, "special_price"))
                    .transpose()?,
                price_exception,
            },
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "LineRequest({:?}, {})",
            self.inner.product, self.inner.quantity
        )
    }
}

fn kind(py: Python<'_>, name: &str) -> PyResult<DocKind> {
    DocKind::parse(name).ok_or_else(|| invalid(py, "kind", &format!("{name:?} is not one of quote, price_exception, contract, contract_change, expense_claim, budget")))
}

fn lines(requests: Vec<PyLineRequest>) -> Vec<LineRequest> {
    requests.into_iter().map(|r| r.inner).collect()
}

/// Money from a kis.Money, or from an amount in the policy's currency.
fn money(
    py: Python<'_>,
    engine: &PyEngine,
    value: &Bound<'_, PyAny>,
    field: &str,
) -> PyResult<Money> {
    if let Ok(m) = value.cast::<PyMoney>() {
        return Ok(m.get().inner);
    }
    let _ = py;
    Ok(Money::new(
        convert::decimal(value, field)?,
        engine.engine().policy().general().currency,
    ))
}

#[pymethods]
impl PyEngine {
    /// Adds or replaces a product of the price system (director or admin; P4.1b).
    /// Prices are kis.Money or amounts in the policy currency.
    #[pyo3(signature = (actor, id, name, category, list_price, cost, *, idempotency_key = None))]
    #[allow(clippy::too_many_arguments)]
    fn put_product(
        &self,
        py: Python<'_>,
        actor: &str,
        id: String,
        name: String,
        category: String,
        list_price: &Bound<'_, PyAny>,
        cost: &Bound<'_, PyAny>,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyProduct> {
        let product = Product {
            id,
            name,
            category,
            list_price: money(py, self, list_price, "list_price")?,
            cost: money(py, self, cost, "cost")?,
        };
        Ok(self
            .run(py, actor, idempotency_key, PutProduct { product })?
            .into())
    }

    /// Records a customer owned by a rep.
    #[pyo3(signature = (actor, id, name, group, owner, *, idempotency_key = None))]
    #[allow(clippy::too_many_arguments)]
    fn add_customer(
        &self,
        py: Python<'_>,
        actor: &str,
        id: String,
        name: String,
        group: String,
        owner: &str,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyCustomer> {
        Ok(self
            .run(
                py,
                actor,
                idempotency_key,
                AddCustomer {
                    id,
                    name,
                    group,
                    owner: owner.into(),
                },
            )?
            .into())
    }

    /// A rep prepares a quote for their customer (P3.2a).
    #[pyo3(signature = (actor, id, customer, lines, valid_until, *, idempotency_key = None))]
    #[allow(clippy::too_many_arguments)]
    fn create_quote(
        &self,
        py: Python<'_>,
        actor: &str,
        id: String,
        customer: String,
        lines: Vec<PyLineRequest>,
        valid_until: NaiveDate,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyQuote> {
        Ok(self
            .run(
                py,
                actor,
                idempotency_key,
                CreateQuote {
                    id,
                    customer,
                    lines: self::lines(lines),
                    valid_until,
                },
            )?
            .into())
    }

    /// Changes a quote: a draft in place (repriced), a reviewed or sent one as a new
    /// revision whose review starts again (P3.2c, P3.3).
    #[pyo3(signature = (actor, id, lines, valid_until, *, idempotency_key = None))]
    fn edit_quote(
        &self,
        py: Python<'_>,
        actor: &str,
        id: String,
        lines: Vec<PyLineRequest>,
        valid_until: NaiveDate,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyQuote> {
        Ok(self
            .run(
                py,
                actor,
                idempotency_key,
                EditQuote {
                    id,
                    lines: self::lines(lines),
                    valid_until,
                },
            )?
            .into())
    }

    /// Copies a quote into a new draft (never its review).
    #[pyo3(signature = (actor, source, id, valid_until, *, idempotency_key = None))]
    fn copy_quote(
        &self,
        py: Python<'_>,
        actor: &str,
        source: String,
        id: String,
        valid_until: NaiveDate,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyQuote> {
        Ok(self
            .run(
                py,
                actor,
                idempotency_key,
                CopyQuote {
                    from: source,
                    id,
                    valid_until,
                },
            )?
            .into())
    }

    /// Sends an approved quote (P3.2c).
    #[pyo3(signature = (actor, id, *, idempotency_key = None))]
    fn send_quote(
        &self,
        py: Python<'_>,
        actor: &str,
        id: String,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyQuote> {
        Ok(self
            .run(py, actor, idempotency_key, SendQuote { id })?
            .into())
    }

    /// Records the customer's answer: "accepted", "declined" or "expired".
    #[pyo3(signature = (actor, id, response, *, idempotency_key = None))]
    fn record_quote_response(
        &self,
        py: Python<'_>,
        actor: &str,
        id: String,
        response: &str,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyQuote> {
        let response = match response {
            "accepted" => QuoteResponse::Accepted,
            "declined" => QuoteResponse::Declined,
            "expired" => QuoteResponse::Expired,
            other => {
                return Err(invalid(
                    py,
                    "response",
                    &format!("{other:?} is not accepted, declined or expired"),
                ));
            }
        };
        Ok(self
            .run(
                py,
                actor,
                idempotency_key,
                RecordQuoteResponse { id, response },
            )?
            .into())
    }

    /// A rep applies for a special price (P4.1c); submit it to start its review.
    #[pyo3(signature = (actor, id, customer, product, price, max_quantity, valid_from, valid_to, reason, *, idempotency_key = None))]
    #[allow(clippy::too_many_arguments)]
    fn file_price_exception(
        &self,
        py: Python<'_>,
        actor: &str,
        id: String,
        customer: String,
        product: String,
        price: &Bound<'_, PyAny>,
        max_quantity: &Bound<'_, PyAny>,
        valid_from: NaiveDate,
        valid_to: NaiveDate,
        reason: String,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyPriceException> {
        let cmd = FilePriceException {
            id,
            customer,
            product,
            price: convert::decimal(price, "price")?,
            max_quantity: convert::decimal(max_quantity, "max_quantity")?,
            valid_from,
            valid_to,
            reason,
        };
        Ok(self.run(py, actor, idempotency_key, cmd)?.into())
    }

    /// Drafts a contract from an accepted quote (P3.4a).
    #[pyo3(signature = (actor, id, quote, payment_terms, delivery_date = None, *, idempotency_key = None))]
    #[allow(clippy::too_many_arguments)]
    fn draft_contract(
        &self,
        py: Python<'_>,
        actor: &str,
        id: String,
        quote: String,
        payment_terms: String,
        delivery_date: Option<NaiveDate>,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyContract> {
        Ok(self
            .run(
                py,
                actor,
                idempotency_key,
                DraftContract {
                    id,
                    quote,
                    delivery_date,
                    payment_terms,
                },
            )?
            .into())
    }

    /// Changes an unsigned contract's terms (its review starts again).
    #[pyo3(signature = (actor, id, payment_terms, delivery_date = None, *, idempotency_key = None))]
    #[allow(clippy::too_many_arguments)]
    fn edit_contract_terms(
        &self,
        py: Python<'_>,
        actor: &str,
        id: String,
        payment_terms: String,
        delivery_date: Option<NaiveDate>,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyContract> {
        Ok(self
            .run(
                py,
                actor,
                idempotency_key,
                EditContractTerms {
                    id,
                    delivery_date,
                    payment_terms,
                },
            )?
            .into())
    }

    /// Records the signatures of an approved contract (P3.4d).
    #[pyo3(signature = (actor, id, customer_signatory, signed_on, *, idempotency_key = None))]
    fn sign_contract(
        &self,
        py: Python<'_>,
        actor: &str,
        id: String,
        customer_signatory: String,
        signed_on: NaiveDate,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyContract> {
        Ok(self
            .run(
                py,
                actor,
                idempotency_key,
                SignContract {
                    id,
                    customer_signatory,
                    signed_on,
                },
            )?
            .into())
    }

    /// Files the signed copy (P7.1): reference and SHA-256 (hex).
    #[pyo3(signature = (actor, id, reference, sha256, *, idempotency_key = None))]
    fn file_contract(
        &self,
        py: Python<'_>,
        actor: &str,
        id: String,
        reference: String,
        sha256: String,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyContract> {
        Ok(self
            .run(
                py,
                actor,
                idempotency_key,
                FileContract {
                    id,
                    reference,
                    sha256,
                },
            )?
            .into())
    }

    /// Completes an active contract, or terminates it with a reason (P7.3).
    #[pyo3(signature = (actor, id, termination_reason = None, *, idempotency_key = None))]
    fn close_contract(
        &self,
        py: Python<'_>,
        actor: &str,
        id: String,
        termination_reason: Option<String>,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyContract> {
        Ok(self
            .run(
                py,
                actor,
                idempotency_key,
                CloseContract {
                    id,
                    termination_reason,
                },
            )?
            .into())
    }

    /// Asks to change a signed contract (P7.3); submit it to start its review.
    #[pyo3(signature = (actor, id, contract, reason, *, lines = None, delivery_date = None, payment_terms = None, idempotency_key = None))]
    #[allow(clippy::too_many_arguments)]
    fn request_contract_change(
        &self,
        py: Python<'_>,
        actor: &str,
        id: String,
        contract: String,
        reason: String,
        lines: Option<Vec<PyLineRequest>>,
        delivery_date: Option<NaiveDate>,
        payment_terms: Option<String>,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyContractChange> {
        let cmd = RequestContractChange {
            id,
            contract,
            lines: lines.map(self::lines),
            delivery_date,
            payment_terms,
            reason,
        };
        Ok(self.run(py, actor, idempotency_key, cmd)?.into())
    }

    /// Creates an order from a signed contract with fulfilment steps `[(name, due), ...]`.
    #[pyo3(signature = (actor, id, contract, steps, *, idempotency_key = None))]
    fn create_order(
        &self,
        py: Python<'_>,
        actor: &str,
        id: String,
        contract: String,
        steps: Vec<(String, NaiveDate)>,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyOrder> {
        let steps = steps
            .into_iter()
            .map(|(name, due)| StepPlan { name, due })
            .collect();
        Ok(self
            .run(
                py,
                actor,
                idempotency_key,
                CreateOrder {
                    id,
                    contract,
                    steps,
                    credits: None,
                },
            )?
            .into())
    }

    /// Marks a fulfilment step done; the last one delivers the order.
    #[pyo3(signature = (actor, id, step, done_on, *, idempotency_key = None))]
    fn complete_order_step(
        &self,
        py: Python<'_>,
        actor: &str,
        id: String,
        step: String,
        done_on: NaiveDate,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyOrder> {
        Ok(self
            .run(
                py,
                actor,
                idempotency_key,
                CompleteOrderStep { id, step, done_on },
            )?
            .into())
    }

    /// Submits a document for review: kind is "quote", "price_exception", "contract"...
    #[pyo3(signature = (actor, kind, id, *, idempotency_key = None))]
    fn submit(
        &self,
        py: Python<'_>,
        actor: &str,
        kind: &str,
        id: String,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyReviewOutcome> {
        let kind = self::kind(py, kind)?;
        Ok(self
            .run(py, actor, idempotency_key, Submit { kind, id })?
            .into())
    }

    /// Approves the current step.
    #[pyo3(signature = (actor, kind, id, comment = None, *, idempotency_key = None))]
    fn approve(
        &self,
        py: Python<'_>,
        actor: &str,
        kind: &str,
        id: String,
        comment: Option<String>,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyReviewOutcome> {
        let kind = self::kind(py, kind)?;
        Ok(self
            .run(
                py,
                actor,
                idempotency_key,
                Decide {
                    kind,
                    id,
                    verdict: Verdict::Approved,
                    comment,
                },
            )?
            .into())
    }

    /// Rejects the current step, with a reason; back to the submitter.
    #[pyo3(signature = (actor, kind, id, reason, *, idempotency_key = None))]
    fn reject(
        &self,
        py: Python<'_>,
        actor: &str,
        kind: &str,
        id: String,
        reason: String,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyReviewOutcome> {
        let kind = self::kind(py, kind)?;
        Ok(self
            .run(
                py,
                actor,
                idempotency_key,
                Decide {
                    kind,
                    id,
                    verdict: Verdict::Rejected,
                    comment: Some(reason),
                },
            )?
            .into())
    }

    /// Returns the document for revision, with a reason.
    #[pyo3(signature = (actor, kind, id, reason, *, idempotency_key = None))]
    fn return_for_revision(
        &self,
        py: Python<'_>,
        actor: &str,
        kind: &str,
        id: String,
        reason: String,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyReviewOutcome> {
        let kind = self::kind(py, kind)?;
        Ok(self
            .run(
                py,
                actor,
                idempotency_key,
                Decide {
                    kind,
                    id,
                    verdict: Verdict::Returned,
                    comment: Some(reason),
                },
            )?
            .into())
    }

    /// Takes a pending document back (its submitter).
    #[pyo3(signature = (actor, kind, id, *, idempotency_key = None))]
    fn recall(
        &self,
        py: Python<'_>,
        actor: &str,
        kind: &str,
        id: String,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyReviewOutcome> {
        let kind = self::kind(py, kind)?;
        Ok(self
            .run(py, actor, idempotency_key, Recall { kind, id })?
            .into())
    }

    /// Delegates the actor's review authority to `to` for a date range (one hop only).
    #[pyo3(signature = (actor, to, first_day, last_day, *, idempotency_key = None))]
    fn delegate(
        &self,
        py: Python<'_>,
        actor: &str,
        to: &str,
        first_day: NaiveDate,
        last_day: NaiveDate,
        idempotency_key: Option<&str>,
    ) -> PyResult<()> {
        self.run(
            py,
            actor,
            idempotency_key,
            Delegate {
                to: to.into(),
                first_day,
                last_day,
            },
        )?;
        Ok(())
    }

    /// What waits for the actor's decision, delegations included, oldest first.
    fn inbox(&self, py: Python<'_>, actor: &str) -> PyResult<Vec<PyInboxItem>> {
        let items = py
            .detach(|| self.engine().inbox(&Actor::new(actor)))
            .or_raise(py)?;
        Ok(items.into_iter().map(Into::into).collect())
    }

    /// Steps pending too long, listed for the actor as the next level up.
    fn escalations(&self, py: Python<'_>, actor: &str) -> PyResult<Vec<PyInboxItem>> {
        let items = py
            .detach(|| self.engine().escalations(&Actor::new(actor)))
            .or_raise(py)?;
        Ok(items.into_iter().map(Into::into).collect())
    }

    /// The price a customer gets today for `quantity` units of a product, with the trace.
    fn price_for(
        &self,
        py: Python<'_>,
        actor: &str,
        customer: &str,
        product: &str,
        quantity: &Bound<'_, PyAny>,
    ) -> PyResult<PyPricedLine> {
        let quantity = convert::decimal(quantity, "quantity")?;
        Ok(py
            .detach(|| {
                self.engine()
                    .price_for(&Actor::new(actor), customer, product, quantity)
            })
            .or_raise(py)?
            .into())
    }

    /// A quote the actor may read.
    fn quote(&self, py: Python<'_>, actor: &str, id: &str) -> PyResult<PyQuote> {
        Ok(py
            .detach(|| self.engine().quote(&Actor::new(actor), id))
            .or_raise(py)?
            .into())
    }

    /// A price exception the actor may read.
    fn price_exception(&self, py: Python<'_>, actor: &str, id: &str) -> PyResult<PyPriceException> {
        Ok(py
            .detach(|| self.engine().price_exception(&Actor::new(actor), id))
            .or_raise(py)?
            .into())
    }

    /// A contract the actor may read.
    fn contract(&self, py: Python<'_>, actor: &str, id: &str) -> PyResult<PyContract> {
        Ok(py
            .detach(|| self.engine().contract(&Actor::new(actor), id))
            .or_raise(py)?
            .into())
    }

    /// An order the actor may read.
    fn order(&self, py: Python<'_>, actor: &str, id: &str) -> PyResult<PyOrder> {
        Ok(py
            .detach(|| self.engine().order(&Actor::new(actor), id))
            .or_raise(py)?
            .into())
    }

    /// Late fulfilment steps the actor may see, latest first.
    fn late_steps(&self, py: Python<'_>, actor: &str) -> PyResult<Vec<PyLateStep>> {
        let late = py
            .detach(|| self.engine().late_steps(&Actor::new(actor)))
            .or_raise(py)?;
        Ok(late.into_iter().map(Into::into).collect())
    }

    /// The sales facts dated `first..=last` (director, finance, admin).
    fn sales_facts(
        &self,
        py: Python<'_>,
        actor: &str,
        first: NaiveDate,
        last: NaiveDate,
    ) -> PyResult<Vec<PySalesFact>> {
        let facts = py
            .detach(|| {
                let mut out = Vec::new();
                self.engine()
                    .scan_sales_facts(&Actor::new(actor), first, last, |f| {
                        out.push(f);
                        ControlFlow::Continue(())
                    })?;
                Ok::<_, kis::Error>(out)
            })
            .or_raise(py)?;
        Ok(facts.into_iter().map(Into::into).collect())
    }
}
