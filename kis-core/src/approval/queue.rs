//! The queue of pending steps: one entry per document waiting for a reviewer, so that an
//! inbox reads the pending work, not every document ever written.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::kind::DocKind;
use super::state::Approval;
use crate::document::Document;
use crate::engine::CommandContext;
use crate::error::Result;
use crate::ids::{TeamId, UserId};
use crate::org::Role;

/// A document waiting for the reviewer of its current step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct QueueEntry {
    /// `{kind}:{document id}`.
    pub key: String,
    /// The document kind.
    pub kind: DocKind,
    /// The document id.
    pub doc_id: String,
    /// The review round.
    pub round: u32,
    /// The current step's position in the chain (from 0).
    pub step_index: usize,
    /// The role the step needs.
    pub role: Role,
    /// Whether the reviewer must lead the submitter's team.
    pub team_scope: bool,
    /// The submitter.
    pub submitter: UserId,
    /// The submitter's team.
    pub team: Option<TeamId>,
    /// Users who already decided a step of this round.
    pub deciders: Vec<UserId>,
    /// When the step became current.
    pub opened_at: DateTime<Utc>,
    /// What the document is.
    pub summary: String,
}

impl Document for QueueEntry {
    const COLLECTION: &'static str = "approval_queue";
    const KIND: &'static str = "queue entry";
    fn doc_id(&self) -> String {
        self.key.clone()
    }
}

/// The queue key of a document.
pub fn key(kind: DocKind, id: &str) -> String {
    format!("{kind}:{id}")
}

/// Brings the queue in line with a document's review: an entry for its current step if
/// one is pending, none otherwise.
pub fn sync(
    ctx: &mut CommandContext<'_>,
    kind: DocKind,
    id: &str,
    approval: Option<&Approval>,
    summary: String,
) -> Result<()> {
    let key = key(kind, id);
    let existing = ctx.get::<QueueEntry>(&key)?;
    let current = approval.and_then(|a| a.current().map(|step| (a, step)));
    match (current, existing) {
        (Some((a, step)), existing) => {
            let entry = QueueEntry {
                key,
                kind,
                doc_id: id.to_string(),
                round: a.round,
                step_index: step.planned.index,
                role: step.planned.role,
                team_scope: step.planned.team_scope,
                submitter: a.submitter.clone(),
                team: a.team.clone(),
                deciders: a
                    .steps
                    .iter()
                    .filter_map(|s| s.decision.as_ref())
                    .flat_map(|d| std::iter::once(d.by.clone()).chain(d.on_behalf_of.clone()))
                    .collect(),
                opened_at: step.opened_at.unwrap_or(a.submitted_at),
                summary,
            };
            match existing {
                Some(old) if old.value != entry => {
                    ctx.update(&old, entry)?;
                }
                Some(_) => {}
                None => {
                    ctx.insert(&entry)?;
                }
            }
        }
        (None, Some(old)) => ctx.delete(&old)?,
        (None, None) => {}
    }
    Ok(())
}
