//! Customer care on the phone (P8): what is due, whom to greet, logging a visit,
//! recording a complaint.

// Exported methods mirror the commands field by field; Kotlin and Swift callers name
// their arguments, so a long parameter list reads well there.
#![allow(clippy::too_many_arguments)]

use std::time::SystemTime;

use kis::Actor;
use kis::crm as c;

use crate::engine::KisEngine;
use crate::error::KisError;
use crate::values::Day;

/// A customer due for a revisit.
#[derive(Debug, Clone, uniffi::Record)]
pub struct RevisitDue {
    /// Customer.
    pub customer: String,
    /// Last visit or call.
    pub last_contact: Day,
    /// Due date.
    pub due: Day,
    /// Days past due.
    pub days_overdue: i64,
}

/// A greeting to send.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Greeting {
    /// The day.
    pub date: Day,
    /// Customer.
    pub customer: String,
    /// The contact, for birthdays.
    pub contact: Option<String>,
    /// The occasion.
    pub occasion: String,
}

/// A recorded complaint.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Complaint {
    /// Id.
    pub id: String,
    /// Customer.
    pub customer: String,
    /// Severity.
    pub severity: String,
    /// open, acknowledged, resolved, closed.
    pub status: String,
    /// The first response is due by.
    pub respond_by: SystemTime,
    /// The resolution is due by.
    pub resolve_by: SystemTime,
}

#[uniffi::export]
impl KisEngine {
    /// The actor's customers due for a revisit, most overdue first.
    pub fn revisits_due(&self, actor: String) -> Result<Vec<RevisitDue>, KisError> {
        Ok(self
            .engine()
            .revisits_due(&Actor::new(actor))?
            .into_iter()
            .map(|d| RevisitDue {
                customer: d.customer,
                last_contact: Day::from_date(d.last_contact),
                due: Day::from_date(d.due),
                days_overdue: d.days_overdue,
            })
            .collect())
    }

    /// The greetings due between two dates (birthdays, holidays).
    pub fn care_calendar(
        &self,
        actor: String,
        first: Day,
        last: Day,
    ) -> Result<Vec<Greeting>, KisError> {
        let (first, last) = (first.parse("first")?, last.parse("last")?);
        Ok(self
            .engine()
            .care_calendar(&Actor::new(actor), first, last)?
            .into_iter()
            .map(|g| Greeting {
                date: Day::from_date(g.date),
                customer: g.customer,
                contact: g.contact,
                occasion: g.occasion,
            })
            .collect())
    }

    /// Logs a visit (`call = false`) or a call (`call = true`).
    pub fn log_visit(
        &self,
        actor: String,
        id: String,
        customer: String,
        date: Day,
        call: bool,
        notes: String,
        idempotency_key: Option<String>,
    ) -> Result<(), KisError> {
        let kind = if call {
            c::VisitKind::Call
        } else {
            c::VisitKind::Visit
        };
        self.run(
            &actor,
            idempotency_key,
            c::LogVisit {
                id,
                customer,
                date: date.parse("date")?,
                kind,
                notes,
            },
        )?;
        Ok(())
    }

    /// Records a customer complaint; its deadlines follow its severity.
    pub fn open_complaint(
        &self,
        actor: String,
        id: String,
        customer: String,
        channel: String,
        severity: String,
        description: String,
        idempotency_key: Option<String>,
    ) -> Result<Complaint, KisError> {
        let x = self.run(
            &actor,
            idempotency_key,
            c::OpenComplaint {
                id,
                customer,
                channel,
                severity,
                description,
            },
        )?;
        Ok(Complaint {
            status: kis::wire_name(&x.status),
            id: x.id,
            customer: x.customer,
            severity: x.severity,
            respond_by: x.respond_by.into(),
            resolve_by: x.resolve_by.into(),
        })
    }
}
