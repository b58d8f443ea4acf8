//! The approver's inbox (delegations included) and the escalation list.

use std::collections::HashMap;
use std::ops::ControlFlow;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::authority;
use super::delegation::delegators_of;
use super::kind::DocKind;
use super::ops::days_pending;
use super::plan::PlannedStep;
use super::queue::QueueEntry;
use crate::document;
use crate::engine::Engine;
use crate::error::Result;
use crate::ids::{TeamId, UserId};
use crate::org::{Actor, Role, Team, User};
use crate::policy::CompanyZone;

/// A document waiting for a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InboxItem {
    /// The document kind.
    pub kind: DocKind,
    /// The document id.
    pub id: String,
    /// The review round.
    pub round: u32,
    /// The waiting step (from 0).
    pub step: usize,
    /// The role it needs.
    pub role: Role,
    /// Who submitted it.
    pub submitter: UserId,
    /// The submitter's team.
    pub team: Option<TeamId>,
    /// What it is.
    pub summary: String,
    /// Since when the step waits.
    pub waiting_since: DateTime<Utc>,
    /// Whole days it has waited.
    pub days_waiting: i64,
    /// The delegator the actor would decide for, if not on their own authority.
    pub on_behalf_of: Option<UserId>,
}

fn item(
    entry: &QueueEntry,
    zone: &CompanyZone,
    now: DateTime<Utc>,
    on_behalf_of: Option<UserId>,
) -> InboxItem {
    InboxItem {
        kind: entry.kind,
        id: entry.doc_id.clone(),
        round: entry.round,
        step: entry.step_index,
        role: entry.role,
        submitter: entry.submitter.clone(),
        team: entry.team.clone(),
        summary: entry.summary.clone(),
        waiting_since: entry.opened_at,
        days_waiting: days_pending(zone, entry.opened_at, now),
        on_behalf_of,
    }
}

impl Engine {
    fn queue_and_teams(&self) -> Result<(Vec<QueueEntry>, HashMap<TeamId, Team>)> {
        self.read(|tx| {
            let mut queue = Vec::new();
            document::scan::<QueueEntry>(tx, "", |e| {
                queue.push(e.value);
                ControlFlow::Continue(())
            })?;
            let teams = document::all::<Team>(tx)?
                .into_iter()
                .map(|t| (t.id.clone(), t))
                .collect();
            Ok((queue, teams))
        })
    }

    /// What waits for `actor`: every pending step they may decide, on their own
    /// authority or as a delegate (one hop), oldest first.
    pub fn inbox(&self, actor: &Actor) -> Result<Vec<InboxItem>> {
        let user = self.acting_user(actor)?;
        let today = self.today();
        let now = self.now();
        let zone = self.policy().zone();
        let delegators: Vec<User> = self.read(|tx| delegators_of(tx, &user.id, today))?;
        let (queue, teams) = self.queue_and_teams()?;
        let mut items = Vec::new();
        for entry in &queue {
            if entry.submitter == user.id || entry.deciders.contains(&user.id) {
                continue;
            }
            let step = PlannedStep {
                index: entry.step_index,
                role: entry.role,
                team_scope: entry.team_scope,
                applies: true,
                reason: String::new(),
            };
            let team = entry.team.as_ref().and_then(|t| teams.get(t));
            if authority::refusal(&user, &step, &entry.submitter, team).is_none() {
                items.push(item(entry, &zone, now, None));
                continue;
            }
            let delegate_for = delegators.iter().find(|d| {
                !entry.deciders.contains(&d.id)
                    && authority::refusal(d, &step, &entry.submitter, team).is_none()
            });
            if let Some(d) = delegate_for {
                items.push(item(entry, &zone, now, Some(d.id.clone())));
            }
        }
        items.sort_by(|a, b| {
            a.waiting_since
                .cmp(&b.waiting_since)
                .then_with(|| a.id.cmp(&b.id))
        });
        Ok(items)
    }

    /// Steps pending longer than the policy allows (`escalate_after_days`), listed for
    /// the next level up: a team manager's step for the team's director; any other
    /// step for the directors; a director's step for the admins.
    pub fn escalations(&self, actor: &Actor) -> Result<Vec<InboxItem>> {
        let user = self.acting_user(actor)?;
        let now = self.now();
        let policy = self.policy();
        let zone = policy.zone();
        let limit = i64::from(policy.approval().rules.escalate_after_days);
        let (queue, teams) = self.queue_and_teams()?;
        let mut items: Vec<InboxItem> = queue
            .iter()
            .filter(|e| days_pending(&zone, e.opened_at, now) >= limit)
            .filter(|e| {
                let team = e.team.as_ref().and_then(|t| teams.get(t));
                match (e.role, e.team_scope) {
                    (Role::Manager, true) => {
                        team.and_then(|t| t.director.as_ref()) == Some(&user.id)
                    }
                    (Role::Director, _) => user.role == Role::Admin,
                    _ => user.role == Role::Director,
                }
            })
            .map(|e| item(e, &zone, now, None))
            .collect();
        items.sort_by(|a, b| {
            a.waiting_since
                .cmp(&b.waiting_since)
                .then_with(|| a.id.cmp(&b.id))
        });
        Ok(items)
    }
}
