//! The state of one review round, carried by the reviewed document.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::plan::PlannedStep;
use crate::ids::{TeamId, UserId};

/// Where a review round stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalStatus {
    /// Waiting for the current step's reviewer.
    Pending,
    /// Every applicable step approved.
    Approved,
    /// A reviewer rejected it (with a reason); back to the submitter.
    Rejected,
    /// A reviewer returned it for revision; back to the submitter.
    Returned,
    /// The submitter took it back while pending.
    Recalled,
}

/// A reviewer's verdict on a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Approved.
    Approved,
    /// Rejected.
    Rejected,
    /// Returned for revision.
    Returned,
}

/// A decision on one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Decision {
    /// Who decided.
    pub by: UserId,
    /// For whom, when deciding as a delegate.
    pub on_behalf_of: Option<UserId>,
    /// When.
    pub at: DateTime<Utc>,
    /// The verdict.
    pub verdict: Verdict,
    /// The reviewer's comment or reason.
    pub comment: Option<String>,
}

/// One step of a round: the plan, and its decision once made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StepState {
    /// The planned step (role, scope, whether it applies and why).
    pub planned: PlannedStep,
    /// When the step became the current one.
    pub opened_at: Option<DateTime<Utc>>,
    /// The decision, once made.
    pub decision: Option<Decision>,
}

/// A review round of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Approval {
    /// 1 for the first submission, +1 for each re-submission.
    pub round: u32,
    /// Who submitted (the document's owner).
    pub submitter: UserId,
    /// The submitter's team when submitted (team-scoped steps refer to it).
    pub team: Option<TeamId>,
    /// When submitted.
    pub submitted_at: DateTime<Utc>,
    /// Every step of the chain, applicable or skipped.
    pub steps: Vec<StepState>,
    /// Where the round stands.
    pub status: ApprovalStatus,
}

impl Approval {
    /// The step waiting for a decision, if the round is pending.
    pub fn current(&self) -> Option<&StepState> {
        if self.status != ApprovalStatus::Pending {
            return None;
        }
        self.steps
            .iter()
            .find(|s| s.planned.applies && s.decision.is_none())
    }

    /// Whether every applicable step was approved, each by someone allowed (the rule a
    /// document must meet before it moves on).
    pub fn is_fully_approved(&self) -> bool {
        self.status == ApprovalStatus::Approved
            && self.steps.iter().filter(|s| s.planned.applies).all(|s| {
                s.decision
                    .as_ref()
                    .is_some_and(|d| d.verdict == Verdict::Approved)
            })
    }

    /// Whether `user` already decided a step of this round.
    pub fn decided_by(&self, user: &UserId) -> bool {
        self.steps
            .iter()
            .filter_map(|s| s.decision.as_ref())
            .any(|d| &d.by == user || d.on_behalf_of.as_ref() == Some(user))
    }
}
