//! Leads from Python (P3.1): captured by marketing, handed to reps, converted into
//! customers or closed with a reason.

use chrono::{DateTime, Utc};
use pyo3::prelude::*;

use kis::Actor;
use kis::crm as c;
use kis::sales::Contact;

use crate::crm::ContactTuple;
use crate::engine::PyEngine;
use crate::errors::OrRaise;
use crate::sales::PyCustomer;

/// A visit, call or note on a lead.
#[pyclass(module = "kis", name = "LeadActivity", frozen, get_all)]
pub struct PyLeadActivity {
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub by: String,
    /// visit, call, note...
    pub kind: String,
    /// What was learnt.
    pub note: String,
}

/// A lead (P3.1).
#[pyclass(module = "kis", name = "Lead", frozen, get_all)]
pub struct PyLead {
    /// Id.
    pub id: String,
    /// The prospect.
    pub name: String,
    /// Where it came from.
    pub source: String,
    /// The campaign.
    pub campaign: Option<String>,
    /// The contact's name.
    pub contact: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// Industry.
    pub industry: Option<String>,
    /// What is known of the need.
    pub notes: Option<String>,
    /// new, assigned, converted, closed.
    pub status: String,
    /// The rep it is handed to.
    pub assigned_to: Option<String>,
    /// Who captured it.
    pub captured_by: String,
    /// When.
    pub captured_at: DateTime<Utc>,
    /// Visits, calls and notes, oldest first.
    pub activities: Vec<Py<PyLeadActivity>>,
    /// The customer it became.
    pub customer: Option<String>,
    /// Why it was closed.
    pub close_reason: Option<String>,
}

impl PyLead {
    fn new(py: Python<'_>, l: c::Lead) -> PyResult<Self> {
        Ok(PyLead {
            status: kis::wire_name(&l.status),
            activities: l
                .activities
                .into_iter()
                .map(|a| {
                    Py::new(
                        py,
                        PyLeadActivity {
                            at: a.at,
                            by: a.by.0,
                            kind: a.kind,
                            note: a.note,
                        },
                    )
                })
                .collect::<PyResult<_>>()?,
            id: l.id,
            name: l.name,
            source: l.source,
            campaign: l.campaign,
            contact: l.contact.map(|k| k.name),
            region: l.region,
            industry: l.industry,
            notes: l.notes,
            assigned_to: l.assigned_to.map(|u| u.0),
            captured_by: l.captured_by.0,
            captured_at: l.captured_at,
            customer: l.customer,
            close_reason: l.close_reason,
        })
    }
}

#[pymethods]
impl PyEngine {
    /// Records a lead (marketing, a manager or the director); `contact` is
    /// `(name, title, phone, email, birthday)`; `assign_to` hands it to a rep at once.
    #[pyo3(signature = (actor, id, name, source, *, campaign = None, contact = None, region = None, industry = None, notes = None, assign_to = None, idempotency_key = None))]
    #[allow(clippy::too_many_arguments)]
    fn capture_lead(
        &self,
        py: Python<'_>,
        actor: &str,
        id: String,
        name: String,
        source: String,
        campaign: Option<String>,
        contact: Option<ContactTuple>,
        region: Option<String>,
        industry: Option<String>,
        notes: Option<String>,
        assign_to: Option<&str>,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyLead> {
        let cmd = c::CaptureLead {
            id,
            name,
            source,
            campaign,
            contact: contact.map(|(name, title, phone, email, birthday)| Contact {
                name,
                title,
                phone,
                email,
                birthday,
            }),
            region,
            industry,
            notes,
            assign_to: assign_to.map(Into::into),
        };
        let lead = self.run(py, actor, idempotency_key, cmd)?;
        PyLead::new(py, lead)
    }

    /// Hands a lead to a rep (or to another rep).
    #[pyo3(signature = (actor, lead, to, *, idempotency_key = None))]
    fn assign_lead(
        &self,
        py: Python<'_>,
        actor: &str,
        lead: String,
        to: &str,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyLead> {
        let cmd = c::AssignLead {
            lead,
            to: to.into(),
        };
        let lead = self.run(py, actor, idempotency_key, cmd)?;
        PyLead::new(py, lead)
    }

    /// Logs a visit, call or note on a lead.
    #[pyo3(signature = (actor, lead, kind, note, *, idempotency_key = None))]
    fn log_lead_activity(
        &self,
        py: Python<'_>,
        actor: &str,
        lead: String,
        kind: String,
        note: String,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyLead> {
        let cmd = c::LogLeadActivity { lead, kind, note };
        let lead = self.run(py, actor, idempotency_key, cmd)?;
        PyLead::new(py, lead)
    }

    /// Wins a lead: a customer owned by the rep it was handed to.
    #[pyo3(signature = (actor, lead, customer, group, *, idempotency_key = None))]
    fn convert_lead(
        &self,
        py: Python<'_>,
        actor: &str,
        lead: String,
        customer: String,
        group: String,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyCustomer> {
        let cmd = c::ConvertLead {
            lead,
            customer,
            group,
        };
        Ok(self.run(py, actor, idempotency_key, cmd)?.into())
    }

    /// Gives a lead up, with the reason.
    #[pyo3(signature = (actor, lead, reason, *, idempotency_key = None))]
    fn close_lead(
        &self,
        py: Python<'_>,
        actor: &str,
        lead: String,
        reason: String,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyLead> {
        let lead = self.run(py, actor, idempotency_key, c::CloseLead { lead, reason })?;
        PyLead::new(py, lead)
    }

    /// The leads the actor may see, newest first.
    fn leads(&self, py: Python<'_>, actor: &str) -> PyResult<Vec<PyLead>> {
        let leads = py
            .detach(|| self.engine().leads(&Actor::new(actor)))
            .or_raise(py)?;
        leads.into_iter().map(|l| PyLead::new(py, l)).collect()
    }

    /// One lead.
    fn lead(&self, py: Python<'_>, actor: &str, id: &str) -> PyResult<PyLead> {
        let lead = py
            .detach(|| self.engine().lead(&Actor::new(actor), id))
            .or_raise(py)?;
        PyLead::new(py, lead)
    }
}
