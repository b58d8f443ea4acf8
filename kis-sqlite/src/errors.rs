//! Mapping SQLite errors to the store's error kinds.

use kis_core::store::StoreError;

pub(crate) const BACKEND: &str = "sqlite";

/// Busy and locked are retryable (`Unavailable`); the rest are backend errors.
pub(crate) fn map(e: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode::{DatabaseBusy, DatabaseLocked};
    match &e {
        rusqlite::Error::SqliteFailure(f, _) if matches!(f.code, DatabaseBusy | DatabaseLocked) => {
            StoreError::Unavailable {
                backend: BACKEND,
                message: e.to_string(),
            }
        }
        _ => StoreError::Backend {
            backend: BACKEND,
            message: e.to_string(),
        },
    }
}

/// Data that kis did not write as it is.
pub(crate) fn corrupt(message: impl Into<String>) -> StoreError {
    StoreError::Corrupt {
        backend: BACKEND,
        message: message.into(),
    }
}
