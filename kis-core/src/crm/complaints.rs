//! Complaints (P8.3): respond promptly, find the cause, resolve, customer first. Each
//! severity's deadlines come from the policy; the clock decides what is overdue; closing
//! (after the customer confirms) asks for a satisfaction survey (P5.3b).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::document::{self, Document};
use crate::engine::{Command, CommandContext, Engine};
use crate::error::{Error, Result};
use crate::ids::{UserId, validate_id};
use crate::org::Actor;
use crate::sales::{Customer, may_see};

/// Where a complaint stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintStatus {
    /// Received, not yet answered.
    Open,
    /// Answered; being worked on.
    Acknowledged,
    /// Resolved, waiting for the customer's confirmation.
    Resolved,
    /// Closed after the customer confirmed.
    Closed,
}

/// A customer complaint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Complaint {
    /// Id.
    pub id: String,
    /// The customer.
    pub customer: String,
    /// The customer's owner, who handles it.
    pub owner: UserId,
    /// How it came in (phone, email, visit...).
    pub channel: String,
    /// Its severity (a key of `[crm] complaints`).
    pub severity: String,
    /// What the customer said.
    pub description: String,
    /// Where it stands.
    pub status: ComplaintStatus,
    /// When it was opened.
    pub opened_at: DateTime<Utc>,
    /// The first response is due by.
    pub respond_by: DateTime<Utc>,
    /// The resolution is due by.
    pub resolve_by: DateTime<Utc>,
    /// When it was acknowledged.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// When it was resolved.
    pub resolved_at: Option<DateTime<Utc>>,
    /// The cause found.
    pub cause: Option<String>,
    /// What was done.
    pub resolution: Option<String>,
    /// When it was closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// The customer's confirmation.
    pub confirmation: Option<String>,
    /// Whether a satisfaction survey is due (set when closed).
    pub survey_due: bool,
}

impl Document for Complaint {
    const COLLECTION: &'static str = "complaints";
    const KIND: &'static str = "complaint";
    fn doc_id(&self) -> String {
        self.id.clone()
    }
}

impl Complaint {
    /// The first deadline it has missed at `now` (`response` or `resolution`), if any.
    pub fn missed_deadline(&self, now: DateTime<Utc>) -> Option<(&'static str, DateTime<Utc>)> {
        match self.status {
            ComplaintStatus::Open if now > self.respond_by => Some(("response", self.respond_by)),
            ComplaintStatus::Open | ComplaintStatus::Acknowledged if now > self.resolve_by => {
                Some(("resolution", self.resolve_by))
            }
            _ => None,
        }
    }
}

fn may_handle(ctx: &mut CommandContext<'_>, owner: &UserId, action: &str) -> Result<()> {
    let actor = ctx.actor()?.clone();
    if !may_see(ctx.tx(), &actor, owner)? {
        return Err(Error::not_authorized(
            &actor.id,
            action,
            "the customer belongs to another team (P2)",
        ));
    }
    Ok(())
}

/// Records a complaint; its deadlines follow from its severity.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OpenComplaint {
    /// Id.
    pub id: String,
    /// The customer.
    pub customer: String,
    /// How it came in.
    pub channel: String,
    /// Its severity.
    pub severity: String,
    /// What the customer said.
    pub description: String,
}

impl Command for OpenComplaint {
    type Output = Complaint;
    const NAME: &'static str = "crm.open_complaint";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let owner = ctx.load::<Customer>(&self.customer)?.value.owner;
        may_handle(ctx, &owner, "record a complaint for this customer")
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Complaint> {
        validate_id("id", &self.id)?;
        let deadlines = ctx
            .policy()
            .crm()
            .complaints
            .get(&self.severity)
            .cloned()
            .ok_or_else(|| {
                Error::invalid(
                    "severity",
                    format!(
                        "{:?} is not one of {:?}",
                        self.severity,
                        ctx.policy().crm().complaints.keys().collect::<Vec<_>>()
                    ),
                )
            })?;
        if self.description.trim().is_empty() {
            return Err(Error::invalid(
                "description",
                "say what the customer complained about",
            ));
        }
        let customer = ctx.load::<Customer>(&self.customer)?.value;
        let now = ctx.now();
        let complaint = Complaint {
            id: self.id.clone(),
            customer: customer.id,
            owner: customer.owner,
            channel: self.channel.clone(),
            severity: self.severity.clone(),
            description: self.description.clone(),
            status: ComplaintStatus::Open,
            opened_at: now,
            respond_by: crate::input::later(
                "respond_by",
                now,
                Duration::hours(i64::from(deadlines.respond_hours)),
            )?,
            // Days on the company's wall clock, across summer-time changes (P8.3).
            resolve_by: crate::input::instant(
                "resolve_by",
                ctx.policy()
                    .zone()
                    .days_later(now, deadlines.resolve_days)
                    .ok_or_else(|| {
                        Error::invalid("resolve_by", "is past the dates kis can hold")
                    })?,
            )?,
            acknowledged_at: None,
            resolved_at: None,
            cause: None,
            resolution: None,
            closed_at: None,
            confirmation: None,
            survey_due: false,
        };
        Ok(ctx.insert(&complaint)?.value)
    }
}

/// What happens next to a complaint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintStep {
    /// The first response went out.
    Acknowledge,
    /// Resolved: the cause and what was done.
    Resolve {
        /// The cause found.
        cause: String,
        /// What was done.
        resolution: String,
    },
    /// The customer confirmed: closed (a satisfaction survey is then due).
    Close {
        /// The customer's confirmation.
        confirmation: String,
    },
}

/// Moves a complaint on, in order: acknowledge, resolve, close.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HandleComplaint {
    /// The complaint.
    pub id: String,
    /// The step.
    pub step: ComplaintStep,
}

impl Command for HandleComplaint {
    type Output = Complaint;
    const NAME: &'static str = "crm.handle_complaint";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let owner = ctx.load::<Complaint>(&self.id)?.value.owner;
        may_handle(ctx, &owner, "handle this complaint")
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Complaint> {
        let old = ctx.load::<Complaint>(&self.id)?;
        let mut c = old.value.clone();
        let now = ctx.now();
        let wrong = |c: &Complaint, what: &str| Error::InvalidState {
            kind: "complaint",
            id: c.id.clone(),
            reason: format!("{what}; it is {:?}", c.status),
        };
        match (&self.step, c.status) {
            (ComplaintStep::Acknowledge, ComplaintStatus::Open) => {
                c.status = ComplaintStatus::Acknowledged;
                c.acknowledged_at = Some(now);
            }
            (
                ComplaintStep::Resolve { cause, resolution },
                ComplaintStatus::Open | ComplaintStatus::Acknowledged,
            ) => {
                if cause.trim().is_empty() || resolution.trim().is_empty() {
                    return Err(Error::invalid(
                        "step",
                        "a resolution names the cause and what was done (P8.3)",
                    ));
                }
                c.acknowledged_at.get_or_insert(now);
                c.status = ComplaintStatus::Resolved;
                c.resolved_at = Some(now);
                c.cause = Some(cause.clone());
                c.resolution = Some(resolution.clone());
            }
            (ComplaintStep::Close { confirmation }, ComplaintStatus::Resolved) => {
                if confirmation.trim().is_empty() {
                    return Err(Error::invalid(
                        "step",
                        "closing records the customer's confirmation",
                    ));
                }
                c.status = ComplaintStatus::Closed;
                c.closed_at = Some(now);
                c.confirmation = Some(confirmation.clone());
                c.survey_due = true;
            }
            (ComplaintStep::Acknowledge, _) => {
                return Err(wrong(&c, "only an open complaint is acknowledged"));
            }
            (ComplaintStep::Resolve { .. }, _) => {
                return Err(wrong(
                    &c,
                    "only an open or acknowledged complaint is resolved",
                ));
            }
            (ComplaintStep::Close { .. }, _) => {
                return Err(wrong(
                    &c,
                    "a complaint is closed after it is resolved and the customer confirms",
                ));
            }
        }
        Ok(ctx.update(&old, c)?.value)
    }
}

/// A complaint past a deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OverdueComplaint {
    /// The complaint.
    pub complaint: String,
    /// The customer.
    pub customer: String,
    /// Who handles it.
    pub owner: UserId,
    /// `response` or `resolution`.
    pub missed: String,
    /// The deadline.
    pub due: DateTime<Utc>,
    /// Whole hours past it.
    pub hours_late: i64,
}

impl Engine {
    /// The complaints the actor may see that are past their response or resolution
    /// deadline (P8.3), latest first.
    pub fn complaints_overdue(&self, actor: &Actor) -> Result<Vec<OverdueComplaint>> {
        let viewer = self.acting_user(actor)?;
        let now = self.now();
        self.read(|tx| {
            let mut out = Vec::new();
            for c in document::all::<Complaint>(tx)? {
                if !may_see(tx, &viewer, &c.owner)? {
                    continue;
                }
                if let Some((what, due)) = c.missed_deadline(now) {
                    out.push(OverdueComplaint {
                        complaint: c.id,
                        customer: c.customer,
                        owner: c.owner,
                        missed: what.into(),
                        due,
                        hours_late: now.signed_duration_since(due).num_hours(),
                    });
                }
            }
            out.sort_by(|a, b| {
                b.hours_late
                    .cmp(&a.hours_late)
                    .then_with(|| a.complaint.cmp(&b.complaint))
            });
            Ok(out)
        })
    }

    /// A complaint the actor may see.
    pub fn complaint(&self, actor: &Actor, id: &str) -> Result<Complaint> {
        let viewer = self.acting_user(actor)?;
        self.read(|tx| {
            let c = document::load::<Complaint>(tx, id)?.value;
            if !may_see(tx, &viewer, &c.owner)? {
                return Err(Error::not_authorized(
                    &viewer.id,
                    format!("read complaint {id}"),
                    "it belongs to another team (P2)",
                ));
            }
            Ok(c)
        })
    }
}
