//! What a document provides to be reviewed by a chain.

use super::kind::DocKind;
use super::plan::Facts;
use super::state::{Approval, ApprovalStatus};
use crate::document::Document;
use crate::engine::CommandContext;
use crate::error::Result;
use crate::ids::UserId;

/// A document that goes through a review chain.
pub trait Reviewable: Document + Clone {
    /// Which chain reviews it.
    const DOC_KIND: DocKind;

    /// The current review round, if submitted.
    fn approval(&self) -> Option<&Approval>;

    /// Mutable access to the current review round.
    fn approval_mut(&mut self) -> &mut Option<Approval>;

    /// Who owns the document (and submits it).
    fn owner(&self) -> &UserId;

    /// What step conditions look at.
    fn facts(&self) -> Facts;

    /// Refuses a submission the document's own state does not allow (`Err(reason)`).
    fn check_submittable(&self) -> std::result::Result<(), String>;

    /// The document's status follows the round's outcome.
    fn on_outcome(&mut self, outcome: ApprovalStatus);

    /// A one-line description for inboxes.
    fn summary(&self) -> String;

    /// Checks that must hold before the last step approves (P4.1c: a quote's special
    /// prices need approved price exceptions). Runs with the store at hand.
    fn check_final_approval(&self, _ctx: &mut CommandContext<'_>) -> Result<()> {
        Ok(())
    }

    /// What follows a full approval beyond the document itself (a contract change
    /// produces an amendment of its contract).
    fn on_approved(&mut self, _ctx: &mut CommandContext<'_>) -> Result<()> {
        Ok(())
    }

    /// Runs when the document is submitted, before its review opens (an expense claim
    /// registers its receipts and reserves its budget here). An error refuses the
    /// submission and nothing is written.
    fn on_submitted(&mut self, _ctx: &mut CommandContext<'_>) -> Result<()> {
        Ok(())
    }

    /// Runs when a submitted document goes back to its owner (rejected, returned or
    /// recalled): what `on_submitted` reserved is released.
    fn on_withdrawn(&mut self, _ctx: &mut CommandContext<'_>) -> Result<()> {
        Ok(())
    }
}

/// The accessors of [`Reviewable`] for a document whose review round is its field
/// `$approval` and whose owner is its field `$owner`: the one shape every reviewed
/// document has, written once (a quote, whose round lives in its current revision,
/// writes its own).
macro_rules! review_fields {
    ($approval:ident, $owner:ident) => {
        fn approval(&self) -> Option<&$crate::approval::Approval> {
            self.$approval.as_ref()
        }
        fn approval_mut(&mut self) -> &mut Option<$crate::approval::Approval> {
            &mut self.$approval
        }
        fn owner(&self) -> &$crate::ids::UserId {
            &self.$owner
        }
    };
}
pub(crate) use review_fields;
