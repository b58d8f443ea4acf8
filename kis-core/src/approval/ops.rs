//! The review operations every reviewed document shares: submit, decide, recall, and
//! re-opening a review after an edit.

use chrono::{DateTime, Utc};

use super::authority;
use super::delegation::delegators_of;
use super::plan::plan;
use super::queue;
use super::reviewable::Reviewable;
use super::state::{Approval, ApprovalStatus, Decision, StepState, Verdict};
use crate::document::Versioned;
use crate::engine::CommandContext;
use crate::error::{Error, Result};
use crate::org::{Directory, Team, User};

fn state_error<T: Reviewable>(doc: &T, reason: impl Into<String>) -> Error {
    Error::InvalidState {
        kind: T::KIND,
        id: doc.doc_id(),
        reason: reason.into(),
    }
}

/// Starts a new review round of `doc` from the first step (its submitter is the owner).
pub fn open_round<T: Reviewable>(ctx: &mut CommandContext<'_>, doc: &mut T) -> Result<()> {
    let owner = doc.owner().clone();
    let team = Directory::new(ctx.tx()).user(&owner)?.team;
    let now = ctx.now();
    let planned = plan(T::DOC_KIND.chain(ctx.policy().approval()), &doc.facts());
    let round = doc.approval().map_or(1, |a| a.round.saturating_add(1));
    let mut steps: Vec<StepState> = planned
        .into_iter()
        .map(|p| StepState {
            planned: p,
            opened_at: None,
            decision: None,
        })
        .collect();
    if let Some(first) = steps.iter_mut().find(|s| s.planned.applies) {
        first.opened_at = Some(now);
    }
    let all_skipped = steps.iter().all(|s| !s.planned.applies);
    *doc.approval_mut() = Some(Approval {
        round,
        submitter: owner,
        team,
        submitted_at: now,
        steps,
        status: if all_skipped {
            ApprovalStatus::Approved
        } else {
            ApprovalStatus::Pending
        },
    });
    if all_skipped {
        doc.check_final_approval(ctx)?;
        doc.on_outcome(ApprovalStatus::Approved);
        doc.on_approved(ctx)?;
    } else {
        doc.on_outcome(ApprovalStatus::Pending);
    }
    Ok(())
}

/// Saves a reviewed document and keeps the queue in line.
pub fn save<T: Reviewable>(
    ctx: &mut CommandContext<'_>,
    old: &Versioned<T>,
    doc: T,
) -> Result<Versioned<T>> {
    // The document first: it is the command's subject in the audit entry.
    let saved = ctx.update(old, doc)?;
    let id = saved.value.doc_id();
    queue::sync(
        ctx,
        T::DOC_KIND,
        &id,
        saved.value.approval(),
        saved.value.summary(),
    )?;
    Ok(saved)
}

/// Submits a document for review (its owner only).
pub fn submit<T: Reviewable>(ctx: &mut CommandContext<'_>, id: &str) -> Result<Versioned<T>> {
    let old = ctx.load::<T>(id)?;
    let actor = ctx.actor()?.clone();
    if &actor.id != old.value.owner() {
        return Err(Error::not_authorized(
            &actor.id,
            format!("submit {} {id}", T::KIND),
            format!("only its owner {} submits it", old.value.owner()),
        ));
    }
    if let Some(a) = old.value.approval()
        && a.status == ApprovalStatus::Pending
    {
        return Err(state_error(&old.value, "it is already waiting for review"));
    }
    old.value
        .check_submittable()
        .map_err(|reason| state_error(&old.value, reason))?;
    let mut doc = old.value.clone();
    doc.on_submitted(ctx)?;
    open_round(ctx, &mut doc)?;
    save(ctx, &old, doc)
}

/// Records the actor's verdict on the current step.
pub fn decide<T: Reviewable>(
    ctx: &mut CommandContext<'_>,
    id: &str,
    verdict: Verdict,
    comment: Option<String>,
) -> Result<Versioned<T>> {
    if verdict != Verdict::Approved && comment.as_deref().is_none_or(|c| c.trim().is_empty()) {
        return Err(Error::invalid(
            "reason",
            "a rejection or return needs a reason for the submitter",
        ));
    }
    let old = ctx.load::<T>(id)?;
    let actor = ctx.actor()?.clone();
    let mut doc = old.value.clone();
    let approval = doc
        .approval()
        .cloned()
        .ok_or_else(|| state_error(&doc, "it was never submitted for review"))?;
    let step = approval.current().cloned().ok_or_else(|| {
        state_error(
            &doc,
            format!(
                "it is not waiting for review (round {} is {:?})",
                approval.round, approval.status
            ),
        )
    })?;
    let team: Option<Team> = match &approval.team {
        Some(t) => ctx.get::<Team>(t.as_str())?.map(|t| t.value),
        None => None,
    };
    let today = ctx.today();
    let delegators: Vec<User> = delegators_of(ctx.tx(), &actor.id, today)?;
    let on_behalf_of =
        authority::acting_as(&actor, &delegators, &step.planned, &approval, team.as_ref())
            .map_err(|reason| {
                Error::not_authorized(
                    &actor.id,
                    format!(
                        "decide step {} of {} {id}",
                        step.planned.index.saturating_add(1),
                        T::KIND
                    ),
                    reason,
                )
            })?;
    let now = ctx.now();
    let mut approval = approval;
    let Some(slot) = approval.steps.get_mut(step.planned.index) else {
        return Err(Error::InvalidState {
            kind: T::KIND,
            id: id.to_string(),
            reason: "its approval has no such step (damaged document)".into(),
        });
    };
    slot.decision = Some(Decision {
        by: actor.id.clone(),
        on_behalf_of,
        at: now,
        verdict,
        comment,
    });
    approval.status = match verdict {
        Verdict::Rejected => ApprovalStatus::Rejected,
        Verdict::Returned => ApprovalStatus::Returned,
        Verdict::Approved => ApprovalStatus::Pending,
    };
    if verdict == Verdict::Approved {
        match approval
            .steps
            .iter_mut()
            .find(|s| s.planned.applies && s.decision.is_none())
        {
            Some(next) => next.opened_at = Some(now),
            None => approval.status = ApprovalStatus::Approved,
        }
    }
    let outcome = approval.status;
    *doc.approval_mut() = Some(approval);
    if outcome == ApprovalStatus::Approved {
        doc.check_final_approval(ctx)?;
    }
    doc.on_outcome(outcome);
    match outcome {
        ApprovalStatus::Approved => doc.on_approved(ctx)?,
        ApprovalStatus::Rejected | ApprovalStatus::Returned => doc.on_withdrawn(ctx)?,
        ApprovalStatus::Pending | ApprovalStatus::Recalled => {}
    }
    save(ctx, &old, doc)
}

/// Takes a pending document back (its submitter only).
pub fn recall<T: Reviewable>(ctx: &mut CommandContext<'_>, id: &str) -> Result<Versioned<T>> {
    let old = ctx.load::<T>(id)?;
    let actor = ctx.actor()?.clone();
    let mut doc = old.value.clone();
    let Some(approval) = doc.approval_mut().as_mut() else {
        return Err(state_error(&old.value, "it was never submitted"));
    };
    if approval.submitter != actor.id {
        return Err(Error::not_authorized(
            &actor.id,
            format!("recall {} {id}", T::KIND),
            "only the submitter recalls a document",
        ));
    }
    if approval.status != ApprovalStatus::Pending {
        return Err(state_error(
            &old.value,
            "only a pending document can be recalled",
        ));
    }
    approval.status = ApprovalStatus::Recalled;
    doc.on_outcome(ApprovalStatus::Recalled);
    doc.on_withdrawn(ctx)?;
    save(ctx, &old, doc)
}

/// After an edit of a submitted or approved document: the review starts again from the
/// first step (P3.2c: an approved document is frozen; a change re-opens its approval).
pub fn reopen_if_reviewed<T: Reviewable>(
    ctx: &mut CommandContext<'_>,
    doc: &mut T,
) -> Result<bool> {
    let reviewed = doc
        .approval()
        .is_some_and(|a| matches!(a.status, ApprovalStatus::Pending | ApprovalStatus::Approved));
    if reviewed {
        open_round(ctx, doc)?;
    }
    Ok(reviewed)
}

/// How long a step has been pending, in whole days on the company's wall clock (#22: a
/// day across a change of summer time is 23 or 25 hours).
pub fn days_pending(
    zone: &crate::policy::CompanyZone,
    opened_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> i64 {
    zone.whole_days_between(opened_at, now)
}
