//! A kis error as data: its kind, core's message and its fields. Every language raises
//! from this one description (the Python exception of that kind, Kotlin's `KisError`,
//! the server's problem+json), so the same error reads the same everywhere.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::error::Error;
use crate::money::MoneyError;
use crate::store::StoreError;

/// What went wrong, as every binding and the server report it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Problem {
    /// The kind, one per thing a caller acts on: `InvalidInput`, `NotAuthorized`,
    /// `NotFound`, `AlreadyExists`, `InvalidState`, `Conflict`, `LimitExceeded`,
    /// `BudgetExceeded`, `IdempotencyKeyReused`, `CurrencyMismatch`, `PolicyError`,
    /// `StoreError`.
    pub kind: String,
    /// Core's message (the error's `Display`), the same in every language.
    pub message: String,
    /// The kind's fields (`field` and `reason` of `InvalidInput`, and so on); decimals
    /// as exact strings.
    pub fields: Map<String, Value>,
}

impl Problem {
    /// Whether retrying the same call may succeed (a lost race, a busy store).
    pub fn retryable(&self) -> bool {
        match self.kind.as_str() {
            "Conflict" => true,
            "StoreError" => self.fields.get("retryable") == Some(&Value::Bool(true)),
            _ => false,
        }
    }

    /// The HTTP status this kind answers with.
    pub fn http_status(&self) -> u16 {
        match self.kind.as_str() {
            "InvalidInput" | "PolicyError" | "CurrencyMismatch" => 400,
            "NotAuthorized" => 403,
            "NotFound" => 404,
            "AlreadyExists" | "InvalidState" | "Conflict" | "IdempotencyKeyReused" => 409,
            "LimitExceeded" | "BudgetExceeded" => 422,
            _ => match self.fields.get("retryable") {
                Some(Value::Bool(true)) => 503,
                _ => 500,
            },
        }
    }
}

fn fields(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

impl From<&StoreError> for Problem {
    fn from(e: &StoreError) -> Problem {
        let (kind, f) = match e {
            StoreError::Conflict {
                collection,
                id,
                expected,
                actual,
            } => (
                "Conflict",
                json!({"collection": collection, "id": id, "expected": expected, "actual": actual}),
            ),
            StoreError::LimitExceeded {
                key,
                current,
                delta,
                ceiling,
            } => (
                "LimitExceeded",
                json!({"key": key, "current": current, "delta": delta, "ceiling": ceiling}),
            ),
            StoreError::Unavailable { backend, .. } => {
                ("StoreError", json!({"backend": backend, "retryable": true}))
            }
            StoreError::ReadOnly => ("StoreError", json!({"backend": "", "retryable": false})),
            StoreError::Corrupt { backend, .. } | StoreError::Backend { backend, .. } => (
                "StoreError",
                json!({"backend": backend, "retryable": false}),
            ),
        };
        Problem {
            kind: kind.into(),
            message: e.to_string(),
            fields: fields(f),
        }
    }
}

impl From<&Error> for Problem {
    fn from(e: &Error) -> Problem {
        let (kind, f) = match e {
            Error::Store(s) => return Problem::from(s),
            // The row's own kind, with where it is: `except kis.NotFound` still catches a
            // sale whose customer is missing.
            Error::ImportRow {
                table,
                row,
                key,
                source,
            } => {
                let mut inner = Problem::from(source.as_ref());
                inner.fields.insert("table".into(), json!(table));
                inner.fields.insert("row".into(), json!(row));
                inner.fields.insert("key".into(), json!(key));
                inner.message = e.to_string();
                return inner;
            }
            Error::Policy(p) => ("PolicyError", json!({"problems": p.problems()})),
            Error::Invalid(i) => (
                "InvalidInput",
                json!({"field": i.field, "reason": i.reason}),
            ),
            Error::Money(MoneyError::CurrencyMismatch { left, right, .. }) => (
                "CurrencyMismatch",
                json!({"left": left.code(), "right": right.code()}),
            ),
            // Any other money error is a bad amount or currency given by the caller.
            Error::Money(m) => (
                "InvalidInput",
                json!({"field": "amount", "reason": m.to_string()}),
            ),
            Error::NotAuthorized {
                actor,
                action,
                reason,
            } => (
                "NotAuthorized",
                json!({"actor": actor, "action": action, "reason": reason}),
            ),
            Error::NotFound { kind, id } => ("NotFound", json!({"kind": kind, "id": id})),
            Error::AlreadyExists { kind, id } => ("AlreadyExists", json!({"kind": kind, "id": id})),
            Error::InvalidState { kind, id, reason } => (
                "InvalidState",
                json!({"kind": kind, "id": id, "reason": reason}),
            ),
            Error::BudgetExceeded {
                budget,
                scope,
                limit,
                consumed,
                requested,
            } => (
                "BudgetExceeded",
                json!({"budget": budget, "scope": scope, "limit": limit, "consumed": consumed, "requested": requested}),
            ),
            Error::IdempotencyKeyReused { key } => ("IdempotencyKeyReused", json!({"key": key})),
        };
        let message = match e {
            // As `InvalidInput` reads (a money error is one, for the caller).
            Error::Money(MoneyError::CurrencyMismatch { .. }) => e.to_string(),
            Error::Money(m) => format!("invalid amount: {m}"),
            _ => e.to_string(),
        };
        Problem {
            kind: kind.into(),
            message,
            fields: fields(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The message is core's Display text, and the fields carry what it names.
    #[test]
    fn a_problem_carries_core_text_and_fields() {
        let e = Error::invalid("lines[2].quantity", "must be more than 0");
        let p = Problem::from(&e);
        assert_eq!(p.kind, "InvalidInput");
        assert_eq!(p.message, e.to_string());
        assert_eq!(p.fields["field"], "lines[2].quantity");
        assert_eq!(p.http_status(), 400);
        let c = Problem::from(&Error::Store(StoreError::Conflict {
            collection: "quotes".into(),
            id: "Q1".into(),
            expected: Some(2),
            actual: Some(3),
        }));
        assert_eq!(c.kind, "Conflict");
        assert!(c.message.contains("expected version 2, found version 3"));
        assert!(c.retryable());
        assert_eq!(c.http_status(), 409);
        // An import row keeps its own kind and says where it is.
        let row = Error::import_row(
            "sales",
            7,
            "SO-1:1",
            Error::NotFound {
                kind: "customer",
                id: "C-9".into(),
            },
        );
        let p = Problem::from(&row);
        assert_eq!(p.kind, "NotFound");
        assert_eq!(
            (p.fields["row"].clone(), p.fields["table"].clone()),
            (json!(7), json!("sales"))
        );
        assert_eq!(p.fields["id"], "C-9");
        assert_eq!(
            p.message,
            "sales row 7 (SO-1:1): customer \"C-9\" not found"
        );
    }
}
