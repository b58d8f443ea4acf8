//! Mapping PostgreSQL errors to the store's error kinds.

use kis_core::store::StoreError;
use postgres::error::SqlState;

pub(crate) const BACKEND: &str = "postgres";

/// Serialization failures, deadlocks and lost connections are retryable (`Unavailable`).
pub(crate) fn map(e: postgres::Error) -> StoreError {
    let retryable = e.is_closed()
        || matches!(
            e.code(),
            Some(c) if *c == SqlState::T_R_SERIALIZATION_FAILURE
                || *c == SqlState::T_R_DEADLOCK_DETECTED
                || *c == SqlState::LOCK_NOT_AVAILABLE
                || *c == SqlState::ADMIN_SHUTDOWN
        );
    let message = match e.as_db_error() {
        Some(db) => format!("{}: {}", db.code().code(), db.message()),
        None => e.to_string(),
    };
    if retryable {
        StoreError::Unavailable {
            backend: BACKEND,
            message,
        }
    } else {
        StoreError::Backend {
            backend: BACKEND,
            message,
        }
    }
}

/// Data that kis did not write as it is.
pub(crate) fn corrupt(message: impl Into<String>) -> StoreError {
    StoreError::Corrupt {
        backend: BACKEND,
        message: message.into(),
    }
}
