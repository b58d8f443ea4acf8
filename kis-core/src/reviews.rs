//! The reviewed documents and their review commands: submit, approve, reject, return
//! for revision, recall. This is the one place that knows which document type each
//! [`DocKind`] is; it sits above the approval engine (generic over [`Reviewable`]) and
//! the documents, so that neither names the other.

use serde::{Deserialize, Serialize};

use crate::approval::{ApprovalStatus, DocKind, Reviewable, Verdict, ops};
use crate::document::Versioned;
use crate::engine::{Command, CommandContext};
use crate::error::Result;
use crate::expense::{Budget, ExpenseClaim};
use crate::sales::{Contract, ContractChange, PriceException, Quote};

/// Where a document's review stands after a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReviewOutcome {
    /// The document kind.
    pub kind: DocKind,
    /// The document id.
    pub id: String,
    /// The review round.
    pub round: u32,
    /// Where the round stands.
    pub status: ApprovalStatus,
    /// The step now waiting (position in the chain, from 0), if pending.
    pub current_step: Option<usize>,
    /// The role that step needs.
    pub current_role: Option<crate::org::Role>,
}

fn outcome<T: Reviewable>(doc: &Versioned<T>) -> ReviewOutcome {
    let approval = doc.value.approval();
    let current = approval.and_then(|a| a.current());
    ReviewOutcome {
        kind: T::DOC_KIND,
        id: doc.value.doc_id(),
        round: approval.map_or(0, |a| a.round),
        status: approval.map_or(ApprovalStatus::Recalled, |a| a.status),
        current_step: current.map(|s| s.planned.index),
        current_role: current.map(|s| s.planned.role),
    }
}

/// Runs `$op::<T>` for the document type of `$kind`.
macro_rules! for_kind {
    ($kind:expr, $op:ident ( $($arg:expr),* )) => {
        match $kind {
            DocKind::Quote => ops::$op::<Quote>($($arg),*).map(|d| outcome(&d)),
            DocKind::PriceException => ops::$op::<PriceException>($($arg),*).map(|d| outcome(&d)),
            DocKind::Contract => ops::$op::<Contract>($($arg),*).map(|d| outcome(&d)),
            DocKind::ContractChange => ops::$op::<ContractChange>($($arg),*).map(|d| outcome(&d)),
            DocKind::ExpenseClaim => ops::$op::<ExpenseClaim>($($arg),*).map(|d| outcome(&d)),
            DocKind::Budget => ops::$op::<Budget>($($arg),*).map(|d| outcome(&d)),
        }
    };
}

/// Submits a document for review (its owner).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Submit {
    /// The document kind.
    pub kind: DocKind,
    /// The document id.
    pub id: String,
}

impl Command for Submit {
    type Output = ReviewOutcome;
    const NAME: &'static str = "approval.submit";

    fn authorize(&self, _ctx: &mut CommandContext<'_>) -> Result<()> {
        // Who may submit depends on the document (its owner): checked with it loaded.
        Ok(())
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<ReviewOutcome> {
        for_kind!(self.kind, submit(ctx, &self.id))
    }
}

/// Decides the current step: approve, reject or return for revision (a reason is
/// required for the last two).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Decide {
    /// The document kind.
    pub kind: DocKind,
    /// The document id.
    pub id: String,
    /// The verdict.
    pub verdict: Verdict,
    /// A comment (approve) or the reason (reject, return).
    pub comment: Option<String>,
}

impl Command for Decide {
    type Output = ReviewOutcome;
    const NAME: &'static str = "approval.decide";

    fn authorize(&self, _ctx: &mut CommandContext<'_>) -> Result<()> {
        // The step's role, team scope and delegations decide: checked against the loaded
        // document by `ops::decide` before anything is written.
        Ok(())
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<ReviewOutcome> {
        for_kind!(
            self.kind,
            decide(ctx, &self.id, self.verdict, self.comment.clone())
        )
    }
}

/// Takes a pending document back (its submitter).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Recall {
    /// The document kind.
    pub kind: DocKind,
    /// The document id.
    pub id: String,
}

impl Command for Recall {
    type Output = ReviewOutcome;
    const NAME: &'static str = "approval.recall";

    fn authorize(&self, _ctx: &mut CommandContext<'_>) -> Result<()> {
        // Only the submitter recalls: checked against the loaded document.
        Ok(())
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<ReviewOutcome> {
        for_kind!(self.kind, recall(ctx, &self.id))
    }
}
