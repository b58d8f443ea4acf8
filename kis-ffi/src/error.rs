//! `KisException` (Kotlin) / `KisError` (Swift): one sealed error whose variants carry the
//! fields a caller acts on. Its text is kis's own message (exported `Display`).

use crate::values::Amount;

/// One problem of an invalid policy file.
#[derive(Debug, Clone, uniffi::Record)]
pub struct PolicyProblem {
    /// Dotted key path ("kpi.weights"), or "" for the whole file.
    pub key: String,
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// What is wrong.
    pub message: String,
}

/// Every error kis returns to Kotlin and Swift.
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[uniffi::export(Display)]
pub enum KisError {
    /// The policy file is invalid; every problem is listed.
    #[error("invalid policy: {}", problems.iter().map(|p| match p.line { Some(l) => format!("line {l}, key `{}`: {}", p.key, p.message), None => format!("key `{}`: {}", p.key, p.message) }).collect::<Vec<_>>().join("; "))]
    Policy { problems: Vec<PolicyProblem> },
    /// An argument is not acceptable.
    #[error("invalid {field}: {reason}")]
    InvalidInput { field: String, reason: String },
    /// The acting user may not do this.
    #[error("{actor} may not {action}: {reason}")]
    NotAuthorized {
        actor: String,
        action: String,
        reason: String,
    },
    /// A referenced record does not exist.
    #[error("{kind} {id:?} not found")]
    NotFound { kind: String, id: String },
    /// A record with this id exists.
    #[error("{kind} {id:?} already exists")]
    AlreadyExists { kind: String, id: String },
    /// Not allowed in the record's current state.
    #[error("{kind} {id:?}: {reason}")]
    InvalidState {
        kind: String,
        id: String,
        reason: String,
    },
    /// A concurrent change won; reload and retry.
    #[error("conflict on {collection}/{id}: it changed meanwhile; reload and retry")]
    Conflict { collection: String, id: String },
    /// A limit (such as a budget) would be passed.
    #[error("limit exceeded on {key}: {} + {} would pass {}", current.0, delta.0, ceiling.as_ref().map_or("zero".to_string(), |c| c.0.clone()))]
    LimitExceeded {
        key: String,
        current: Amount,
        delta: Amount,
        ceiling: Option<Amount>,
    },
    /// A claim would pass its budget and the policy says stop (P6.3).
    #[error("budget {budget} exceeded ({scope}): {} already used of {}, and this claim asks {} (P6.3)", consumed.0, limit.0, requested.0)]
    BudgetExceeded {
        budget: String,
        scope: String,
        limit: Amount,
        consumed: Amount,
        requested: Amount,
    },
    /// An idempotency key was reused for a different command.
    #[error("idempotency key {key:?} was first used for a different command or content")]
    IdempotencyKeyReused { key: String },
    /// Two amounts in different currencies were combined.
    #[error("cannot combine {left} and {right}: amounts are in different currencies")]
    CurrencyMismatch { left: String, right: String },
    /// The database failed or is unreachable.
    #[error("{backend} store: {detail}")]
    Store {
        backend: String,
        retryable: bool,
        detail: String,
    },
}

impl From<kis::Error> for KisError {
    fn from(e: kis::Error) -> Self {
        use kis::Error as E;
        match e {
            E::Policy(p) => KisError::Policy {
                problems: p
                    .problems()
                    .iter()
                    .map(|p| PolicyProblem {
                        key: p.key.clone(),
                        line: p.line.map(|l| l as u32),
                        message: p.message.clone(),
                    })
                    .collect(),
            },
            E::Invalid(i) => KisError::InvalidInput {
                field: i.field,
                reason: i.reason,
            },
            E::NotAuthorized {
                actor,
                action,
                reason,
            } => KisError::NotAuthorized {
                actor,
                action,
                reason,
            },
            E::NotFound { kind, id } => KisError::NotFound {
                kind: kind.to_string(),
                id,
            },
            E::AlreadyExists { kind, id } => KisError::AlreadyExists {
                kind: kind.to_string(),
                id,
            },
            E::InvalidState { kind, id, reason } => KisError::InvalidState {
                kind: kind.to_string(),
                id,
                reason,
            },
            E::IdempotencyKeyReused { key } => KisError::IdempotencyKeyReused { key },
            E::BudgetExceeded {
                budget,
                scope,
                limit,
                consumed,
                requested,
            } => KisError::BudgetExceeded {
                budget,
                scope,
                limit: Amount::from_decimal(limit),
                consumed: Amount::from_decimal(consumed),
                requested: Amount::from_decimal(requested),
            },
            E::Money(kis::MoneyError::CurrencyMismatch { left, right, .. }) => {
                KisError::CurrencyMismatch {
                    left: left.to_string(),
                    right: right.to_string(),
                }
            }
            E::Money(m) => KisError::InvalidInput {
                field: "amount".into(),
                reason: m.to_string(),
            },
            E::Store(s) => s.into(),
        }
    }
}

impl From<kis::StoreError> for KisError {
    fn from(e: kis::StoreError) -> Self {
        use kis::StoreError as S;
        let detail = e.to_string();
        match e {
            S::Conflict { collection, id, .. } => KisError::Conflict { collection, id },
            S::LimitExceeded {
                key,
                current,
                delta,
                ceiling,
            } => KisError::LimitExceeded {
                key,
                current: Amount::from_decimal(current),
                delta: Amount::from_decimal(delta),
                ceiling: ceiling.map(Amount::from_decimal),
            },
            S::Unavailable { backend, .. } => KisError::Store {
                backend: backend.into(),
                retryable: true,
                detail,
            },
            S::ReadOnly => KisError::Store {
                backend: String::new(),
                retryable: false,
                detail,
            },
            S::Corrupt { backend, .. } | S::Backend { backend, .. } => KisError::Store {
                backend: backend.into(),
                retryable: false,
                detail,
            },
        }
    }
}

impl From<kis::PolicyError> for KisError {
    fn from(e: kis::PolicyError) -> Self {
        kis::Error::from(e).into()
    }
}
