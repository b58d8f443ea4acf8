//! `KisException` (Kotlin) / `KisError` (Swift): one sealed error whose variants carry the
//! fields a caller acts on. Mapped once, from kis-core's [`Problem`](kis::api::Problem):
//! every variant's `detail` is core's own message (its `Display`), which is also the
//! exception's message, so the same error reads the same in Rust, Python and Kotlin.

use serde_json::{Map, Value};

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

/// Every error kis returns to Kotlin and Swift; `detail` is kis-core's message.
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[uniffi::export(Display)]
pub enum KisError {
    /// The policy file is invalid; every problem is listed.
    #[error("{detail}")]
    Policy {
        problems: Vec<PolicyProblem>,
        detail: String,
    },
    /// An argument is not acceptable.
    #[error("{detail}")]
    InvalidInput {
        field: String,
        reason: String,
        detail: String,
    },
    /// The acting user may not do this.
    #[error("{detail}")]
    NotAuthorized {
        actor: String,
        action: String,
        reason: String,
        detail: String,
    },
    /// A referenced record does not exist.
    #[error("{detail}")]
    NotFound {
        kind: String,
        id: String,
        detail: String,
    },
    /// A record with this id exists.
    #[error("{detail}")]
    AlreadyExists {
        kind: String,
        id: String,
        detail: String,
    },
    /// Not allowed in the record's current state.
    #[error("{detail}")]
    InvalidState {
        kind: String,
        id: String,
        reason: String,
        detail: String,
    },
    /// A concurrent change won: reload and retry.
    #[error("{detail}")]
    Conflict {
        collection: String,
        id: String,
        expected: Option<u64>,
        actual: Option<u64>,
        detail: String,
    },
    /// A limit would be passed.
    #[error("{detail}")]
    LimitExceeded {
        key: String,
        current: Amount,
        delta: Amount,
        ceiling: Option<Amount>,
        detail: String,
    },
    /// A claim would pass its budget and the policy says stop (P6.3).
    #[error("{detail}")]
    BudgetExceeded {
        budget: String,
        scope: String,
        limit: Amount,
        consumed: Amount,
        requested: Amount,
        detail: String,
    },
    /// An idempotency key was reused for a different command.
    #[error("{detail}")]
    IdempotencyKeyReused { key: String, detail: String },
    /// Two amounts in different currencies were combined.
    #[error("{detail}")]
    CurrencyMismatch {
        left: String,
        right: String,
        detail: String,
    },
    /// The database failed or is unreachable.
    #[error("{detail}")]
    Store {
        backend: String,
        retryable: bool,
        detail: String,
    },
    /// kis-server refused the credential (HTTP 401).
    #[error("{detail}")]
    Unauthenticated { reason: String, detail: String },
    /// kis-server answered with one of its own problems before the engine was reached
    /// (`TooManyRequests`, `PayloadTooLarge`, `Timeout`...), or something that is not a
    /// problem at all; in process, `InternalError` (500) is a failure inside kis itself.
    #[error("{detail}")]
    Server {
        status: u16,
        kind: String,
        retryable: bool,
        detail: String,
    },
}

fn text(fields: &Map<String, Value>, name: &str) -> String {
    match fields.get(name) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn amount(fields: &Map<String, Value>, name: &str) -> Amount {
    Amount(text(fields, name))
}

fn version(fields: &Map<String, Value>, name: &str) -> Option<u64> {
    fields.get(name).and_then(Value::as_u64)
}

impl From<kis::Error> for KisError {
    fn from(e: kis::Error) -> Self {
        KisError::from(kis::api::Problem::from(&e))
    }
}

impl From<kis::api::Problem> for KisError {
    fn from(problem: kis::api::Problem) -> Self {
        let kis::api::Problem {
            kind,
            message: detail,
            fields: f,
        } = problem;
        let problems = match f.get("problems") {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_object)
                .map(|p| PolicyProblem {
                    key: text(p, "key"),
                    line: p
                        .get("line")
                        .and_then(Value::as_u64)
                        .and_then(|l| u32::try_from(l).ok()),
                    message: text(p, "message"),
                })
                .collect(),
            _ => Vec::new(),
        };
        match kind.as_str() {
            "PolicyError" => KisError::Policy { problems, detail },
            "InvalidInput" => KisError::InvalidInput {
                field: text(&f, "field"),
                reason: text(&f, "reason"),
                detail,
            },
            "NotAuthorized" => KisError::NotAuthorized {
                actor: text(&f, "actor"),
                action: text(&f, "action"),
                reason: text(&f, "reason"),
                detail,
            },
            "NotFound" => KisError::NotFound {
                kind: text(&f, "kind"),
                id: text(&f, "id"),
                detail,
            },
            "AlreadyExists" => KisError::AlreadyExists {
                kind: text(&f, "kind"),
                id: text(&f, "id"),
                detail,
            },
            "InvalidState" => KisError::InvalidState {
                kind: text(&f, "kind"),
                id: text(&f, "id"),
                reason: text(&f, "reason"),
                detail,
            },
            "Conflict" => KisError::Conflict {
                collection: text(&f, "collection"),
                id: text(&f, "id"),
                expected: version(&f, "expected"),
                actual: version(&f, "actual"),
                detail,
            },
            "LimitExceeded" => KisError::LimitExceeded {
                key: text(&f, "key"),
                current: amount(&f, "current"),
                delta: amount(&f, "delta"),
                ceiling: f
                    .get("ceiling")
                    .filter(|v| !v.is_null())
                    .map(|_| amount(&f, "ceiling")),
                detail,
            },
            "BudgetExceeded" => KisError::BudgetExceeded {
                budget: text(&f, "budget"),
                scope: text(&f, "scope"),
                limit: amount(&f, "limit"),
                consumed: amount(&f, "consumed"),
                requested: amount(&f, "requested"),
                detail,
            },
            "IdempotencyKeyReused" => KisError::IdempotencyKeyReused {
                key: text(&f, "key"),
                detail,
            },
            "CurrencyMismatch" => KisError::CurrencyMismatch {
                left: text(&f, "left"),
                right: text(&f, "right"),
                detail,
            },
            "StoreError" => KisError::Store {
                backend: text(&f, "backend"),
                retryable: f.get("retryable") == Some(&Value::Bool(true)),
                detail,
            },
            "Unauthenticated" => KisError::Unauthenticated {
                reason: text(&f, "reason"),
                detail,
            },
            _ => KisError::Server {
                status: 0,
                retryable: false,
                kind,
                detail,
            },
        }
    }
}

impl From<kis::StoreError> for KisError {
    fn from(e: kis::StoreError) -> Self {
        kis::Error::from(e).into()
    }
}

impl From<kis::PolicyError> for KisError {
    fn from(e: kis::PolicyError) -> Self {
        kis::Error::from(e).into()
    }
}

impl KisError {
    /// `InvalidInput` for `field`, with core's wording.
    pub fn invalid(field: &str, reason: impl Into<String>) -> Self {
        kis::Error::invalid(field, reason).into()
    }
}

/// Raises the error that kis-server's answer `body` (RFC 9457 problem+json) with HTTP
/// `status` describes, as the same `KisException` an embedded engine throws: the one
/// mapping, for apps that call kis-server over HTTP (Kotlin's `KisHttp`).
#[uniffi::export]
pub fn raise_problem(status: u16, body: String) -> Result<(), KisError> {
    let parsed: Option<Map<String, Value>> = serde_json::from_str(&body).ok();
    let Some(p) = parsed.filter(|p| p.get("kind").is_some_and(Value::is_string)) else {
        return Err(KisError::Server {
            status,
            kind: String::new(),
            retryable: matches!(status, 429 | 502..=504),
            detail: format!(
                "HTTP {status}, not a kis problem: {}",
                body.chars().take(200).collect::<String>()
            ),
        });
    };
    let problem = kis::api::Problem {
        kind: text(&p, "kind"),
        message: text(&p, "detail"),
        fields: p
            .get("fields")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default(),
    };
    Err(match KisError::from(problem) {
        KisError::Server { kind, detail, .. } => KisError::Server {
            status,
            kind,
            retryable: p.get("retryable") == Some(&Value::Bool(true)),
            detail,
        },
        other => other,
    })
}
