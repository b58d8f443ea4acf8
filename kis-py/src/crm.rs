//! Customer care from Python (P8): records, transfers, visits, the due list, the care
//! calendar and complaints.

use chrono::{DateTime, NaiveDate, Utc};
use pyo3::prelude::*;

use kis::Actor;
use kis::crm as c;
use kis::sales::Contact;

use crate::engine::PyEngine;
use crate::errors::{OrRaise, invalid};
use crate::sales::{PyCustomer, PySalesFact};

/// A customer due for a revisit.
#[pyclass(module = "kis", name = "RevisitDue", frozen, get_all)]
pub struct PyRevisitDue {
    /// Customer.
    pub customer: String,
    /// Owner.
    pub owner: String,
    /// Last visit or call.
    pub last_contact: NaiveDate,
    /// Due date.
    pub due: NaiveDate,
    /// Days past due.
    pub days_overdue: i64,
}

/// A greeting to send (P8.2).
#[pyclass(module = "kis", name = "Greeting", frozen, get_all)]
pub struct PyGreeting {
    /// The day.
    pub date: NaiveDate,
    /// Customer.
    pub customer: String,
    /// The contact, for birthdays.
    pub contact: Option<String>,
    /// The occasion.
    pub occasion: String,
    /// Who sends it.
    pub owner: String,
}

/// A complaint (P8.3).
#[pyclass(module = "kis", name = "Complaint", frozen, get_all)]
pub struct PyComplaint {
    /// Id.
    pub id: String,
    /// Customer.
    pub customer: String,
    /// Owner.
    pub owner: String,
    /// Severity.
    pub severity: String,
    /// open, acknowledged, resolved, closed.
    pub status: String,
    /// Response due by.
    pub respond_by: DateTime<Utc>,
    /// Resolution due by.
    pub resolve_by: DateTime<Utc>,
    /// The cause found.
    pub cause: Option<String>,
    /// What was done.
    pub resolution: Option<String>,
    /// Whether a satisfaction survey is due.
    pub survey_due: bool,
}

impl From<c::Complaint> for PyComplaint {
    fn from(x: c::Complaint) -> Self {
        PyComplaint {
            status: kis::wire_name(&x.status),
            id: x.id,
            customer: x.customer,
            owner: x.owner.0,
            severity: x.severity,
            respond_by: x.respond_by,
            resolve_by: x.resolve_by,
            cause: x.cause,
            resolution: x.resolution,
            survey_due: x.survey_due,
        }
    }
}

/// A complaint past a deadline.
#[pyclass(module = "kis", name = "OverdueComplaint", frozen, get_all)]
pub struct PyOverdueComplaint {
    /// The complaint.
    pub complaint: String,
    /// Customer.
    pub customer: String,
    /// Owner.
    pub owner: String,
    /// "response" or "resolution".
    pub missed: String,
    /// Hours late.
    pub hours_late: i64,
}

/// `(name, title, phone, email, birthday)` of a contact person.
pub(crate) type ContactTuple = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<NaiveDate>,
);

#[pymethods]
impl PyEngine {
    /// Updates a customer record; `contacts` replaces the list of
    /// `(name, title, phone, email, birthday)`.
    #[pyo3(signature = (actor, id, *, name = None, group = None, region = None, industry = None, preferences = None, contacts = None, idempotency_key = None))]
    #[allow(clippy::too_many_arguments)]
    fn update_customer(
        &self,
        py: Python<'_>,
        actor: &str,
        id: String,
        name: Option<String>,
        group: Option<String>,
        region: Option<String>,
        industry: Option<String>,
        preferences: Option<String>,
        contacts: Option<Vec<ContactTuple>>,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyCustomer> {
        let contacts = contacts.map(|list| {
            list.into_iter()
                .map(|(name, title, phone, email, birthday)| Contact {
                    name,
                    title,
                    phone,
                    email,
                    birthday,
                })
                .collect()
        });
        let cmd = c::UpdateCustomer {
            id,
            name,
            group,
            region,
            industry,
            preferences,
            contacts,
        };
        Ok(self.run(py, actor, idempotency_key, cmd)?.into())
    }

    /// Hands a customer to another rep, with a reason (audited).
    #[pyo3(signature = (actor, id, to, reason, *, idempotency_key = None))]
    fn transfer_customer(
        &self,
        py: Python<'_>,
        actor: &str,
        id: String,
        to: &str,
        reason: String,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyCustomer> {
        Ok(self
            .run(
                py,
                actor,
                idempotency_key,
                c::TransferCustomer {
                    id,
                    to: to.into(),
                    reason,
                },
            )?
            .into())
    }

    /// Logs a visit (`kind="visit"`) or call (`kind="call"`).
    #[pyo3(signature = (actor, id, customer, date, kind, notes, *, idempotency_key = None))]
    #[allow(clippy::too_many_arguments)]
    fn log_visit(
        &self,
        py: Python<'_>,
        actor: &str,
        id: String,
        customer: String,
        date: NaiveDate,
        kind: &str,
        notes: String,
        idempotency_key: Option<&str>,
    ) -> PyResult<()> {
        let kind = match kind {
            "visit" => c::VisitKind::Visit,
            "call" => c::VisitKind::Call,
            other => {
                return Err(invalid(
                    py,
                    "kind",
                    &format!("{other:?} is not visit or call"),
                ));
            }
        };
        self.run(
            py,
            actor,
            idempotency_key,
            c::LogVisit {
                id,
                customer,
                date,
                kind,
                notes,
            },
        )?;
        Ok(())
    }

    /// The actor's customers due for a revisit, most overdue first.
    fn revisits_due(&self, py: Python<'_>, actor: &str) -> PyResult<Vec<PyRevisitDue>> {
        let due = py
            .detach(|| self.engine().revisits_due(&Actor::new(actor)))
            .or_raise(py)?;
        Ok(due
            .into_iter()
            .map(|d| PyRevisitDue {
                customer: d.customer,
                owner: d.owner.0,
                last_contact: d.last_contact,
                due: d.due,
                days_overdue: d.days_overdue,
            })
            .collect())
    }

    /// The greetings due between two dates (birthdays, holidays).
    fn care_calendar(
        &self,
        py: Python<'_>,
        actor: &str,
        first: NaiveDate,
        last: NaiveDate,
    ) -> PyResult<Vec<PyGreeting>> {
        let list = py
            .detach(|| self.engine().care_calendar(&Actor::new(actor), first, last))
            .or_raise(py)?;
        Ok(list
            .into_iter()
            .map(|g| PyGreeting {
                date: g.date,
                customer: g.customer,
                contact: g.contact,
                occasion: g.occasion,
                owner: g.owner.0,
            })
            .collect())
    }

    /// A customer's purchase history from delivered orders.
    fn purchase_history(
        &self,
        py: Python<'_>,
        actor: &str,
        customer: &str,
    ) -> PyResult<Vec<PySalesFact>> {
        let facts = py
            .detach(|| self.engine().purchase_history(&Actor::new(actor), customer))
            .or_raise(py)?;
        Ok(facts.into_iter().map(Into::into).collect())
    }

    /// Records a complaint; deadlines follow its severity.
    #[pyo3(signature = (actor, id, customer, channel, severity, description, *, idempotency_key = None))]
    #[allow(clippy::too_many_arguments)]
    fn open_complaint(
        &self,
        py: Python<'_>,
        actor: &str,
        id: String,
        customer: String,
        channel: String,
        severity: String,
        description: String,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyComplaint> {
        Ok(self
            .run(
                py,
                actor,
                idempotency_key,
                c::OpenComplaint {
                    id,
                    customer,
                    channel,
                    severity,
                    description,
                },
            )?
            .into())
    }

    /// Moves a complaint on: `step` is "acknowledge", "resolve" (with `cause` and
    /// `resolution`) or "close" (with `confirmation`).
    #[pyo3(signature = (actor, id, step, *, cause = None, resolution = None, confirmation = None, idempotency_key = None))]
    #[allow(clippy::too_many_arguments)]
    fn handle_complaint(
        &self,
        py: Python<'_>,
        actor: &str,
        id: String,
        step: &str,
        cause: Option<String>,
        resolution: Option<String>,
        confirmation: Option<String>,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyComplaint> {
        let step = match step {
            "acknowledge" => c::ComplaintStep::Acknowledge,
            "resolve" => c::ComplaintStep::Resolve {
                cause: cause.unwrap_or_default(),
                resolution: resolution.unwrap_or_default(),
            },
            "close" => c::ComplaintStep::Close {
                confirmation: confirmation.unwrap_or_default(),
            },
            other => {
                return Err(invalid(
                    py,
                    "step",
                    &format!("{other:?} is not acknowledge, resolve or close"),
                ));
            }
        };
        Ok(self
            .run(py, actor, idempotency_key, c::HandleComplaint { id, step })?
            .into())
    }

    /// Complaints past their response or resolution deadline.
    fn complaints_overdue(&self, py: Python<'_>, actor: &str) -> PyResult<Vec<PyOverdueComplaint>> {
        let list = py
            .detach(|| self.engine().complaints_overdue(&Actor::new(actor)))
            .or_raise(py)?;
        Ok(list
            .into_iter()
            .map(|o| PyOverdueComplaint {
                complaint: o.complaint,
                customer: o.customer,
                owner: o.owner.0,
                missed: o.missed,
                hours_late: o.hours_late,
            })
            .collect())
    }
}
