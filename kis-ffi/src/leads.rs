//! Leads on the phone (P3.1): a rep's leads, visits logged against them, a lead won as a
//! customer or closed; marketing captures and hands them out.

// Exported methods mirror the commands field by field; Kotlin and Swift callers name
// their arguments, so a long parameter list reads well there.
#![allow(clippy::too_many_arguments)]

use kis::Actor;
use kis::crm as c;

use crate::engine::KisEngine;
use crate::error::KisError;
use crate::sales::Customer;

/// A lead.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Lead {
    /// Id.
    pub id: String,
    /// The prospect.
    pub name: String,
    /// Where it came from.
    pub source: String,
    /// The campaign.
    pub campaign: Option<String>,
    /// new, assigned, converted, closed.
    pub status: String,
    /// The rep it is handed to.
    pub assigned_to: Option<String>,
    /// Visits, calls and notes logged, oldest first: "kind: note".
    pub activities: Vec<String>,
    /// The customer it became.
    pub customer: Option<String>,
    /// Why it was closed.
    pub close_reason: Option<String>,
}

impl From<c::Lead> for Lead {
    fn from(l: c::Lead) -> Self {
        Lead {
            status: kis::wire_name(&l.status),
            activities: l
                .activities
                .iter()
                .map(|a| format!("{}: {}", a.kind, a.note))
                .collect(),
            id: l.id,
            name: l.name,
            source: l.source,
            campaign: l.campaign,
            assigned_to: l.assigned_to.map(|u| u.0),
            customer: l.customer,
            close_reason: l.close_reason,
        }
    }
}

#[uniffi::export]
impl KisEngine {
    /// Records a lead (marketing, a manager, the director), handed to `assign_to` if given.
    pub fn capture_lead(
        &self,
        actor: String,
        id: String,
        name: String,
        source: String,
        campaign: Option<String>,
        region: Option<String>,
        notes: Option<String>,
        assign_to: Option<String>,
        idempotency_key: Option<String>,
    ) -> Result<Lead, KisError> {
        let cmd = c::CaptureLead {
            id,
            name,
            source,
            campaign,
            region,
            notes,
            assign_to: assign_to.map(Into::into),
            ..Default::default()
        };
        Ok(self.run(&actor, idempotency_key, cmd)?.into())
    }

    /// Hands a lead to a rep.
    pub fn assign_lead(
        &self,
        actor: String,
        lead: String,
        to: String,
        idempotency_key: Option<String>,
    ) -> Result<Lead, KisError> {
        let cmd = c::AssignLead {
            lead,
            to: to.into(),
        };
        Ok(self.run(&actor, idempotency_key, cmd)?.into())
    }

    /// Logs a visit, call or note on a lead.
    pub fn log_lead_activity(
        &self,
        actor: String,
        lead: String,
        kind: String,
        note: String,
        idempotency_key: Option<String>,
    ) -> Result<Lead, KisError> {
        let cmd = c::LogLeadActivity { lead, kind, note };
        Ok(self.run(&actor, idempotency_key, cmd)?.into())
    }

    /// Wins a lead: a new customer owned by the rep it was handed to.
    pub fn convert_lead(
        &self,
        actor: String,
        lead: String,
        customer: String,
        group: String,
        idempotency_key: Option<String>,
    ) -> Result<Customer, KisError> {
        let cmd = c::ConvertLead {
            lead,
            customer,
            group,
        };
        Ok(self.run(&actor, idempotency_key, cmd)?.into())
    }

    /// Gives a lead up, saying why.
    pub fn close_lead(
        &self,
        actor: String,
        lead: String,
        reason: String,
        idempotency_key: Option<String>,
    ) -> Result<Lead, KisError> {
        let cmd = c::CloseLead { lead, reason };
        Ok(self.run(&actor, idempotency_key, cmd)?.into())
    }

    /// The leads the actor may see, newest first.
    pub fn leads(&self, actor: String) -> Result<Vec<Lead>, KisError> {
        Ok(self
            .engine()
            .leads(&Actor::new(actor))?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}
