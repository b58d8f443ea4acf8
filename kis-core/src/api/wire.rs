//! The API on the wire: an entry's request as JSON in, its output as JSON out. The server,
//! sync, the CLI and the Python binding all call [`Engine::call`]; what they send is
//! decoded here once, with the checks a typed Rust caller gets from the compiler.
//!
//! Decoding refuses what serde alone would let through silently:
//! - a JSON number with a fraction or an exponent (money, quantities and scores travel
//!   as exact decimal strings, never floats);
//! - a decimal that the 96-bit type would round (`"0.00000000000000000000000000001"`);
//! - a field the request type does not have (a typo would otherwise be ignored).
//!
//! Errors name the field by its path in the request, as `lines[2].quantity`.

use rust_decimal::Decimal;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::query::Query;
use crate::engine::Engine;
use crate::error::{Error, InvalidInput, Result};
use crate::org::Actor;

/// The largest request the wire decodes: 4 MiB of JSON (a claim with many receipts
/// stays far below; anything larger is refused before parsing).
pub const MAX_REQUEST_BYTES: usize = 4 << 20;

impl Engine {
    /// Runs the API entry `entry` (see [`ENTRIES`](super::ENTRIES)) for `actor` with a
    /// JSON request, and returns its output as JSON. A command may carry an idempotency
    /// key (a retry with the same key and request returns the first result); a query
    /// may not. An unknown entry is `NotFound`; a request that does not decode exactly
    /// is `InvalidInput` naming its field.
    pub fn call(
        &self,
        actor: &Actor,
        entry: &str,
        request: &str,
        idempotency_key: Option<&str>,
    ) -> Result<String> {
        macro_rules! dispatch {
            (() $( $(#[doc = $doc:literal])* $kind:ident $name:ident ($req:ty) -> $out:ty; )*) => {
                match entry {
                    $( stringify!($name) => dispatch!(@$kind $req, $out), )*
                    other => Err(Error::NotFound {
                        kind: "API entry",
                        id: other.to_string(),
                    }),
                }
            };
            (@command $req:ty, $out:ty) => {{
                let command: $req = decode(request)?;
                let output: $out = match idempotency_key {
                    Some(key) => self.execute_idempotent(actor, key, &command)?,
                    None => self.execute(actor, &command)?,
                };
                encode(&output)
            }};
            (@query $req:ty, $out:ty) => {{
                if idempotency_key.is_some() {
                    return Err(Error::invalid(
                        "idempotency_key",
                        "a query writes nothing and takes no idempotency key",
                    ));
                }
                let query: $req = decode(request)?;
                let output: $out = query.run(self, actor)?;
                encode(&output)
            }};
        }
        crate::for_each_entry!(dispatch)
    }
}

/// Runs a typed command the way [`Engine::call`] runs its JSON (for callers that hold
/// the request type but want the wire's checks, such as sync replaying a queued one).
pub fn decode<T: DeserializeOwned + Serialize>(request: &str) -> Result<T> {
    if request.len() > MAX_REQUEST_BYTES {
        return Err(Error::invalid(
            "request",
            format!(
                "is {} bytes; at most {MAX_REQUEST_BYTES} are accepted",
                request.len()
            ),
        ));
    }
    let value: Value = serde_json::from_str(request)
        .map_err(|e| Error::invalid("request", format!("is not JSON: {e}")))?;
    no_floats(&value, &mut String::new())?;
    let decoded: T = serde_path_to_error::deserialize(&value).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { "request".into() } else { path };
        Error::invalid(field, e.into_inner().to_string())
    })?;
    let back = serde_json::to_value(&decoded)
        .map_err(|e| Error::invalid("request", format!("cannot be encoded again: {e}")))?;
    unchanged(&value, &back, &mut String::new())?;
    Ok(decoded)
}

fn encode<T: Serialize>(output: &T) -> Result<String> {
    serde_json::to_string(output)
        .map_err(|e| Error::invalid("output", format!("cannot be encoded: {e}")))
}

/// `path` extended by an object key or an array index, as errors name fields.
fn at(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn field(path: &str) -> String {
    if path.is_empty() {
        "request".into()
    } else {
        path.to_string()
    }
}

/// Refuses any number with a fraction or an exponent, and any integer too large for 64
/// bits (serde_json would read both as a float).
fn no_floats(value: &Value, path: &mut String) -> Result<(), InvalidInput> {
    match value {
        Value::Number(n) if !(n.is_i64() || n.is_u64()) => Err(InvalidInput::new(
            field(path),
            format!(
                "{n} is not an exact number: send decimals as strings, such as \"12.50\", never floats"
            ),
        )),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                no_floats(item, &mut format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                no_floats(item, &mut at(path, key))?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Compares the request as sent with the request as decoded and encoded again: a field
/// the type dropped was unknown to it; a decimal that came back different was rounded.
fn unchanged(sent: &Value, decoded: &Value, path: &mut String) -> Result<(), InvalidInput> {
    match (sent, decoded) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, item) in a {
                let mut inner = at(path, key);
                match b.get(key) {
                    Some(back) => unchanged(item, back, &mut inner)?,
                    // Absent and null are the same to an optional field.
                    None if item.is_null() => {}
                    None => {
                        return Err(InvalidInput::new(inner, "is not a field of this request"));
                    }
                }
            }
            Ok(())
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (item, back)) in a.iter().zip(b).enumerate() {
                unchanged(item, back, &mut format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        (Value::String(s), Value::String(t)) if s != t => {
            // A text that came back as a different decimal was a decimal rounded on
            // the way in; other texts (an enum's spelling) are the type's business.
            if let Ok(back) = t.parse::<Decimal>() {
                let exact = crate::input::parse_decimal(&field(path), s)?;
                if exact != back {
                    return Err(InvalidInput::new(
                        field(path),
                        format!("{s} would be changed to {t}"),
                    ));
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}
