//! The approval engine: one engine for every reviewed document (quotes P3.2b, price
//! exceptions P4.1c, contracts P3.4, contract changes P7.3, expense claims P6.2), with
//! chains from the policy file. Generic over [`Reviewable`]: the commands that pick a
//! document type by its kind are in [`crate::reviews`], above this engine and the
//! documents.
//!
//! Rules that always hold: no one approves their own document; a manager acts only on
//! their team's documents (P2.3); a step is decided once, in order, each by a different
//! person; two approvers racing on one step cannot both win (store conflict, then a
//! re-run that finds the step decided); any edit to a submitted or approved document
//! re-opens its review from the first step; a copy never carries a review; a document
//! that needs approval does not move on (sent, signed) without it.

mod authority;
mod delegation;
mod kind;
pub mod ops;
mod plan;
mod queries;
mod queue;
mod reviewable;
mod state;

pub use authority::{acting_as, refusal};
pub use delegation::{Delegate, Delegation};
pub use kind::DocKind;
pub use plan::{Facts, PlannedStep, plan};
pub use queries::InboxItem;
pub use queue::QueueEntry;
pub use reviewable::Reviewable;
pub(crate) use reviewable::review_fields;
pub use state::{Approval, ApprovalStatus, Decision, StepState, Verdict};
