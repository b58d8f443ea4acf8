//! Matching a shared scenario's expectations (`tests/data/api/*.json`), for every runner
//! of those files in Rust: the engine's wire here, kis-server over HTTP in its tests.
#![allow(dead_code)]

use serde_json::Value;

/// Where `expected` is a part of `actual`: every key of an expected object is in the
/// actual one with a matching value; arrays match element by element and in length;
/// anything else is equal.
pub fn matches(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => e.iter().all(|(k, v)| {
            a.get(k).is_some_and(|w| matches(v, w)) || (v.is_null() && !a.contains_key(k))
        }),
        (Value::Array(e), Value::Array(a)) => {
            e.len() == a.len() && e.iter().zip(a).all(|(v, w)| matches(v, w))
        }
        _ => expected == actual,
    }
}

/// `value` with every string `"$policy"` replaced by the policy text.
pub fn substitute(value: &Value, policy: &str) -> Value {
    match value {
        Value::String(s) if s == "$policy" => Value::String(policy.to_string()),
        Value::Array(items) => Value::Array(items.iter().map(|v| substitute(v, policy)).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), substitute(v, policy)))
                .collect(),
        ),
        other => other.clone(),
    }
}
