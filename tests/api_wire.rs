//! The API's wire (`Engine::call`) refuses what serde alone would let through, and the
//! declaration is complete: every entry documented, every schema resolvable.

mod common;

use kis::api::{ENTRIES, Kind, schema};
use kis::*;
use serde_json::{Value, json};

fn engine() -> Engine {
    let (engine, _clock) = common::engine_on(std::sync::Arc::new(MemoryStore::new()));
    common::setup_catalogue(&engine, &common::setup_org(&engine));
    engine
}

fn invalid(result: Result<String>) -> (String, String) {
    match result {
        Err(Error::Invalid(e)) => (e.field, e.reason),
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

fn quote(quantity: Value) -> String {
    json!({"id": "Q", "customer": "C-LI", "valid_until": "2026-12-27",
           "lines": [{"product": "KIS-PRO", "quantity": quantity}]})
    .to_string()
}

#[test]
fn floats_rounded_decimals_and_unknown_fields_are_refused_by_path() {
    let e = engine();
    let li = Actor::new("li");
    let (field, reason) = invalid(e.call(&li, "create_quote", &quote(json!(1.5)), None));
    assert_eq!(field, "lines[0].quantity");
    assert!(reason.contains("never floats"), "{reason}");
    // Too large for 64 bits: serde_json would read it as a float.
    let big = quote(serde_json::from_str("79228162514264337593543950335").unwrap());
    assert_eq!(
        invalid(e.call(&li, "create_quote", &big, None)).0,
        "lines[0].quantity"
    );
    // 29 decimals: rust_decimal's parser would round it to zero.
    let tiny = quote(json!("0.00000000000000000000000000001"));
    assert_eq!(
        invalid(e.call(&li, "create_quote", &tiny, None)).0,
        "lines[0].quantity"
    );
    let typo = json!({"id": "Q", "customer": "C-LI", "valid_until": "2026-12-27",
                      "lines": [{"product": "KIS-PRO", "quantity": "1", "discount": "9"}]});
    let (field, reason) = invalid(e.call(&li, "create_quote", &typo.to_string(), None));
    assert_eq!(field, "lines[0].discount");
    assert!(reason.contains("not a field"), "{reason}");
    let (field, _) = invalid(e.call(&li, "create_quote", r#"{"id": "Q"}"#, None));
    assert_eq!(field, "request");
    assert_eq!(
        invalid(e.call(&li, "create_quote", "{not json", None)).0,
        "request"
    );
    let huge = format!("\"{}\"", "x".repeat(kis::api::MAX_REQUEST_BYTES));
    assert_eq!(
        invalid(e.call(&li, "create_quote", &huge, None)).0,
        "request"
    );
    // An exact integer and an exact decimal string both pass, and nothing was written
    // by the refusals.
    assert!(e.quote(&li, "Q").is_err());
    e.call(&li, "create_quote", &quote(json!(2)), None).unwrap();
    let out: Value =
        serde_json::from_str(&e.call(&li, "quote", r#"{"id": "Q"}"#, None).unwrap()).unwrap();
    assert_eq!(out["revisions"][0]["lines"][0]["quantity"], "2");
}

#[test]
fn unknown_entries_and_keys_on_queries_are_refused() {
    let e = engine();
    let li = Actor::new("li");
    assert!(matches!(
        e.call(&li, "drop_tables", "{}", None),
        Err(Error::NotFound {
            kind: "API entry",
            ..
        })
    ));
    assert_eq!(
        invalid(e.call(&li, "products", "{}", Some("k1"))).0,
        "idempotency_key"
    );
    assert_eq!(invalid(e.call(&li, "products", r#"{"x": 1}"#, None)).0, "x");
    // The actor comes from the caller, never from the request.
    let (field, _) = invalid(e.call(&li, "me", r#"{"actor": "admin"}"#, None));
    assert_eq!(field, "actor");
}

/// Every entry is named once, documented, and has a request and an output schema that
/// resolve in the document's `$defs`; every command's audit name is its own.
#[test]
fn the_declaration_is_complete_and_its_schema_resolves() {
    let mut names: Vec<&str> = ENTRIES.iter().map(|e| e.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), ENTRIES.len(), "an entry name is repeated");
    let mut audit: Vec<&str> = ENTRIES.iter().filter_map(|e| e.audit_name).collect();
    let commands = ENTRIES.iter().filter(|e| e.kind == Kind::Command).count();
    audit.sort_unstable();
    audit.dedup();
    assert_eq!(audit.len(), commands);
    assert!(
        commands >= 44 && ENTRIES.len() >= 80,
        "{commands} of {}",
        ENTRIES.len()
    );
    let doc = schema();
    let defs = doc["$defs"].as_object().unwrap();
    // schemars numbers a second type of the same name (`OpenComplaint2`): every binding
    // would then carry that name. Each type in the schema has a name of its own.
    for name in defs.keys() {
        assert!(
            !name.ends_with(|c: char| c.is_ascii_digit()),
            "{name}: two types share a name; give one #[schemars(rename)]"
        );
    }
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r.trim_start_matches("#/$defs/").to_string());
                }
                m.values().for_each(|v| refs(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    for r in all {
        assert!(defs.contains_key(&r), "unresolved $ref {r}");
    }
    for entry in doc["entries"].as_array().unwrap() {
        assert!(!entry["doc"].as_str().unwrap().is_empty(), "{entry}");
        assert!(entry["request"].get("$ref").is_some(), "{entry}");
    }
}
