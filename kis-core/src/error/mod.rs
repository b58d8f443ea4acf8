//! The error type of kis: one enum wrapping each domain's errors, so that a caller (and
//! each language binding) can act on the kind of failure.

use crate::money::MoneyError;
mod policy;

use crate::store::StoreError;
pub use policy::{PolicyError, PolicyProblem};

/// A caller's input that is not acceptable, naming the field and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {field}: {reason}")]
pub struct InvalidInput {
    /// The field (or argument) that was wrong.
    pub field: String,
    /// What was wrong with it, and what is expected.
    pub reason: String,
}

impl InvalidInput {
    /// An invalid-input error for `field`.
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        InvalidInput {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// Every error kis returns.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The policy file is not valid (syntax or content).
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// A money value or operation was wrong.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// The store failed or refused a write (conflict, limit).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Input from the caller is not acceptable.
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    /// The acting user may not perform this command.
    #[error("{actor} may not {action}: {reason}")]
    NotAuthorized {
        /// Who tried.
        actor: String,
        /// What they tried.
        action: String,
        /// Why it is refused (the rule, with its policy clause).
        reason: String,
    },
    /// A referenced record does not exist.
    #[error("{kind} {id:?} not found")]
    NotFound {
        /// The kind of record (user, team, quote...).
        kind: &'static str,
        /// Its id.
        id: String,
    },
    /// A record with this id already exists.
    #[error("{kind} {id:?} already exists")]
    AlreadyExists {
        /// The kind of record.
        kind: &'static str,
        /// Its id.
        id: String,
    },
    /// The command is not allowed in the record's current state.
    #[error("{kind} {id:?}: {reason}")]
    InvalidState {
        /// The kind of record.
        kind: &'static str,
        /// Its id.
        id: String,
        /// Why the command does not apply now.
        reason: String,
    },
    /// A claim would take spending past its budget, and the policy says stop (P6.3).
    #[error(
        "budget {budget} exceeded ({scope}): {consumed} already used of {limit}, and this claim asks {requested} (P6.3)"
    )]
    BudgetExceeded {
        /// The budget (`year:team:category`).
        budget: String,
        /// `annual`, or the months checked (`accumulated to 3`).
        scope: String,
        /// The budget for that scope.
        limit: rust_decimal::Decimal,
        /// Approved and pending spending before this claim.
        consumed: rust_decimal::Decimal,
        /// What this claim adds.
        requested: rust_decimal::Decimal,
    },
    /// A row of an import batch was refused, so the whole batch wrote nothing. `source`
    /// is the row's own error, with its kind (a missing customer is `NotFound`).
    #[error("{table} row {row} ({key}): {source}")]
    ImportRow {
        /// The batch's list the row is in (`sales`, `customers`...).
        table: &'static str,
        /// Its index in that list, from 0.
        row: usize,
        /// The row's key (`order:line` of a sale, a customer's id...).
        key: String,
        /// Why it was refused.
        source: Box<Error>,
    },
    /// An idempotency key was reused with a different command or content.
    #[error(
        "idempotency key {key:?} was first used for a different command or content; \
         use a new key for a new command"
    )]
    IdempotencyKeyReused {
        /// The key.
        key: String,
    },
}

impl Error {
    /// A not-authorized error.
    pub fn not_authorized(
        actor: impl std::fmt::Display,
        action: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Error::NotAuthorized {
            actor: actor.to_string(),
            action: action.into(),
            reason: reason.into(),
        }
    }

    /// The error of a row of an import batch (see [`Error::ImportRow`]).
    pub fn import_row(
        table: &'static str,
        row: usize,
        key: impl Into<String>,
        source: Error,
    ) -> Self {
        Error::ImportRow {
            table,
            row,
            key: key.into(),
            source: Box::new(source),
        }
    }

    /// An invalid-input error.
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Invalid(InvalidInput::new(field, reason))
    }
}

/// Result with the kis error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
