//! Leads (P3.1): marketing collects market information and hands leads to reps; reps
//! visit them and either win them as customers (the lead's history stays, linked from the
//! customer) or close them with a reason.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::document::{self, Document};
use crate::engine::{Command, CommandContext, Engine};
use crate::error::{Error, Result};
use crate::ids::{UserId, validate_id};
use crate::org::{Actor, Directory, Role, User};
use crate::sales::{Contact, Customer};

/// Where a lead stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum LeadStatus {
    /// Captured, nobody assigned yet.
    New,
    /// Handed to a rep (P3.1a).
    Assigned,
    /// Won: it became a customer.
    Converted,
    /// Given up, with a reason.
    Closed,
}

/// Something that happened to a lead: a visit, a call, a note (P3.1b).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LeadActivity {
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub by: UserId,
    /// What kind (`visit`, `call`, `note`...).
    pub kind: String,
    /// What was learnt.
    pub note: String,
}

/// A lead from marketing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Lead {
    /// Id.
    pub id: String,
    /// The prospect's name.
    pub name: String,
    /// Where it came from (`trade_show`, `website`, `referral`...).
    pub source: String,
    /// The campaign that produced it, if any.
    pub campaign: Option<String>,
    /// The person to talk to.
    pub contact: Option<Contact>,
    /// Region.
    pub region: Option<String>,
    /// Industry.
    pub industry: Option<String>,
    /// What marketing learnt about the need.
    pub notes: Option<String>,
    /// Where it stands.
    pub status: LeadStatus,
    /// The rep it is handed to.
    pub assigned_to: Option<UserId>,
    /// Who captured it.
    pub captured_by: UserId,
    /// When.
    pub captured_at: DateTime<Utc>,
    /// Visits, calls and notes, oldest first.
    pub activities: Vec<LeadActivity>,
    /// The customer it became.
    pub customer: Option<String>,
    /// Why it was closed.
    pub close_reason: Option<String>,
    /// When it was converted or closed.
    pub ended_at: Option<DateTime<Utc>>,
}

impl Document for Lead {
    const COLLECTION: &'static str = "leads";
    const KIND: &'static str = "lead";
    fn doc_id(&self) -> String {
        self.id.clone()
    }
}

impl Lead {
    fn require_open(&self, action: &str) -> Result<()> {
        match self.status {
            LeadStatus::New | LeadStatus::Assigned => Ok(()),
            s => Err(Error::InvalidState {
                kind: Self::KIND,
                id: self.id.clone(),
                reason: format!("cannot {action}: it is {}", crate::wire_name(&s)),
            }),
        }
    }
}

/// Whether `viewer` may see a lead: marketing, the director and the back office all; a
/// manager the unassigned ones and their team's; a rep those handed to them.
fn may_see_lead(
    tx: &mut dyn crate::store::Transaction,
    viewer: &User,
    lead: &Lead,
) -> Result<bool> {
    crate::org::may_read(tx, viewer, &crate::org::Owned::whose(lead))
}

/// Whether the actor works this lead: the rep it is handed to, their manager, the
/// director or marketing (who may also close a lead nobody took).
fn require_worker(ctx: &mut CommandContext<'_>, lead: &Lead, action: &str) -> Result<()> {
    let actor = ctx.actor()?.clone();
    let allowed = match (&lead.assigned_to, actor.role) {
        (_, Role::Director | Role::Admin) => true,
        (None, Role::Marketing | Role::Manager) => true,
        (Some(rep), Role::Rep) => rep == &actor.id,
        (Some(rep), Role::Manager) => Directory::new(ctx.tx()).leads_team_of(&actor.id, rep)?,
        _ => false,
    };
    if !allowed {
        return Err(Error::not_authorized(
            &actor.id,
            action,
            match &lead.assigned_to {
                Some(rep) => format!("lead {} is handed to {rep} (P3.1)", lead.id),
                None => format!("lead {} is not handed to anyone yet (P3.1)", lead.id),
            },
        ));
    }
    Ok(())
}

fn require_active_rep(ctx: &mut CommandContext<'_>, field: &str, rep: &UserId) -> Result<()> {
    match ctx.get::<User>(rep.as_str())? {
        Some(u) if u.value.role == Role::Rep && u.value.active => Ok(()),
        _ => Err(Error::invalid(field, format!("{rep} is not an active rep"))),
    }
}

fn non_empty(field: &str, value: &str, why: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid(field, why));
    }
    Ok(())
}

/// Records a lead (P3.1a): marketing, a manager or the director.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CaptureLead {
    /// Id.
    pub id: String,
    /// The prospect's name.
    pub name: String,
    /// Where it came from.
    pub source: String,
    /// The campaign, if any.
    #[serde(default)]
    pub campaign: Option<String>,
    /// The person to talk to.
    #[serde(default)]
    pub contact: Option<Contact>,
    /// Region.
    #[serde(default)]
    pub region: Option<String>,
    /// Industry.
    #[serde(default)]
    pub industry: Option<String>,
    /// What is known of the need.
    #[serde(default)]
    pub notes: Option<String>,
    /// Hand it straight to this rep.
    #[serde(default)]
    pub assign_to: Option<UserId>,
}

impl Command for CaptureLead {
    type Output = Lead;
    const NAME: &'static str = "crm.capture_lead";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        crate::org::require_role(
            ctx.actor()?,
            &[Role::Marketing, Role::Manager, Role::Director, Role::Admin],
            "capture a lead (P3.1a: marketing hands leads to sales)",
        )?;
        if let Some(rep) = &self.assign_to {
            authorize_assignment(ctx, rep)?;
        }
        Ok(())
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Lead> {
        validate_id("id", &self.id)?;
        non_empty("name", &self.name, "must not be empty")?;
        non_empty("source", &self.source, "say where the lead came from")?;
        if let Some(rep) = &self.assign_to {
            require_active_rep(ctx, "assign_to", rep)?;
        }
        let lead = Lead {
            id: self.id.clone(),
            name: self.name.clone(),
            source: self.source.clone(),
            campaign: self.campaign.clone(),
            contact: self.contact.clone(),
            region: self.region.clone(),
            industry: self.industry.clone(),
            notes: self.notes.clone(),
            status: if self.assign_to.is_some() {
                LeadStatus::Assigned
            } else {
                LeadStatus::New
            },
            assigned_to: self.assign_to.clone(),
            captured_by: ctx.actor()?.id.clone(),
            captured_at: ctx.now(),
            activities: Vec::new(),
            customer: None,
            close_reason: None,
            ended_at: None,
        };
        Ok(ctx.insert(&lead)?.value)
    }
}

/// Marketing and the director hand leads to any rep; a manager to the reps of their team.
fn authorize_assignment(ctx: &mut CommandContext<'_>, rep: &UserId) -> Result<()> {
    let actor = ctx.actor()?.clone();
    let allowed = match actor.role {
        Role::Marketing | Role::Director | Role::Admin => true,
        Role::Manager => Directory::new(ctx.tx()).leads_team_of(&actor.id, rep)?,
        _ => false,
    };
    if !allowed {
        return Err(Error::not_authorized(
            &actor.id,
            format!("hand a lead to {rep}"),
            "a manager hands leads to the reps of their own team (P2.3)",
        ));
    }
    Ok(())
}

/// Hands a lead to a rep, or to another rep (P3.1a).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AssignLead {
    /// The lead.
    pub lead: String,
    /// The rep.
    pub to: UserId,
}

impl Command for AssignLead {
    type Output = Lead;
    const NAME: &'static str = "crm.assign_lead";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let lead = ctx.load::<Lead>(&self.lead)?.value;
        // Taking a lead from a rep is for whoever may work it; giving it is checked too.
        if lead.assigned_to.is_some() {
            require_worker(ctx, &lead, "reassign this lead")?;
        }
        authorize_assignment(ctx, &self.to)
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Lead> {
        let old = ctx.load::<Lead>(&self.lead)?;
        old.value.require_open("assign it")?;
        require_active_rep(ctx, "to", &self.to)?;
        if old.value.assigned_to.as_ref() == Some(&self.to) {
            return Err(Error::invalid("to", "the lead is already theirs"));
        }
        let mut lead = old.value.clone();
        lead.assigned_to = Some(self.to.clone());
        lead.status = LeadStatus::Assigned;
        Ok(ctx.update(&old, lead)?.value)
    }
}

/// Logs a visit, call or note against a lead (P3.1b).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LogLeadActivity {
    /// The lead.
    pub lead: String,
    /// `visit`, `call`, `note`...
    pub kind: String,
    /// What was learnt.
    pub note: String,
}

impl Command for LogLeadActivity {
    type Output = Lead;
    const NAME: &'static str = "crm.log_lead_activity";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let lead = ctx.load::<Lead>(&self.lead)?.value;
        require_worker(ctx, &lead, "log activity on this lead")
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Lead> {
        non_empty("kind", &self.kind, "say what happened (visit, call, note)")?;
        non_empty("note", &self.note, "say what was learnt")?;
        let old = ctx.load::<Lead>(&self.lead)?;
        old.value.require_open("log activity")?;
        let mut lead = old.value.clone();
        lead.activities.push(LeadActivity {
            at: ctx.now(),
            by: ctx.actor()?.id.clone(),
            kind: self.kind.clone(),
            note: self.note.clone(),
        });
        Ok(ctx.update(&old, lead)?.value)
    }
}

/// Wins a lead: records it as a customer owned by the rep it was handed to, carrying its
/// contact, region and industry; the lead stays, linked both ways.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ConvertLead {
    /// The lead.
    pub lead: String,
    /// The new customer's id.
    pub customer: String,
    /// The new customer's group.
    pub group: String,
}

impl Command for ConvertLead {
    type Output = Customer;
    const NAME: &'static str = "crm.convert_lead";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let lead = ctx.load::<Lead>(&self.lead)?.value;
        require_worker(ctx, &lead, "convert this lead")
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Customer> {
        validate_id("customer", &self.customer)?;
        non_empty("group", &self.group, "must not be empty")?;
        let old = ctx.load::<Lead>(&self.lead)?;
        old.value.require_open("convert it")?;
        let owner = old.value.assigned_to.clone().ok_or_else(|| {
            Error::invalid(
                "lead",
                "hand the lead to a rep first: the customer needs an owner",
            )
        })?;
        require_active_rep(ctx, "lead.assigned_to", &owner)?;
        let now = ctx.now();
        let customer = Customer {
            id: self.customer.clone(),
            name: old.value.name.clone(),
            group: self.group.clone(),
            owner,
            created_at: now,
            region: old.value.region.clone(),
            industry: old.value.industry.clone(),
            preferences: old.value.notes.clone(),
            contacts: old.value.contact.clone().into_iter().collect(),
            lead: Some(old.value.id.clone()),
        };
        let customer = ctx.insert(&customer)?.value;
        let mut lead = old.value.clone();
        lead.status = LeadStatus::Converted;
        lead.customer = Some(customer.id.clone());
        lead.ended_at = Some(now);
        ctx.update(&old, lead)?;
        Ok(customer)
    }
}

/// Gives a lead up, saying why (no need, lost to a competitor, unreachable...).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CloseLead {
    /// The lead.
    pub lead: String,
    /// Why.
    pub reason: String,
}

impl Command for CloseLead {
    type Output = Lead;
    const NAME: &'static str = "crm.close_lead";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let lead = ctx.load::<Lead>(&self.lead)?.value;
        require_worker(ctx, &lead, "close this lead")
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Lead> {
        non_empty("reason", &self.reason, "say why the lead is closed")?;
        let old = ctx.load::<Lead>(&self.lead)?;
        old.value.require_open("close it")?;
        let mut lead = old.value.clone();
        lead.status = LeadStatus::Closed;
        lead.close_reason = Some(self.reason.clone());
        lead.ended_at = Some(ctx.now());
        Ok(ctx.update(&old, lead)?.value)
    }
}

impl Engine {
    /// The leads the actor may see, newest first: marketing and the director all, a
    /// manager the unassigned ones and their team's, a rep their own.
    pub fn leads(&self, actor: &Actor) -> Result<Vec<Lead>> {
        let viewer = self.acting_user(actor)?;
        let mut out = self.read(|tx| {
            let mut out = Vec::new();
            for lead in document::all::<Lead>(tx)? {
                if may_see_lead(tx, &viewer, &lead)? {
                    out.push(lead);
                }
            }
            Ok::<_, Error>(out)
        })?;
        out.sort_by(|a, b| b.captured_at.cmp(&a.captured_at).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    /// One lead, if the actor may see it.
    pub fn lead(&self, actor: &Actor, id: &str) -> Result<Lead> {
        let viewer = self.acting_user(actor)?;
        self.read(|tx| {
            let lead = document::load::<Lead>(tx, id)?.value;
            if !may_see_lead(tx, &viewer, &lead)? {
                return Err(Error::not_authorized(
                    &viewer.id,
                    format!("read lead {id}"),
                    "it is handed to another team's rep (P2)",
                ));
            }
            Ok(lead)
        })
    }
}
