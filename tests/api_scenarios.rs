//! The shared scenario files of `tests/data/api/`, run through the API's wire
//! (`Engine::call`) on every backend. pytest and the Kotlin tests run the same files
//! through their bindings, so one file proves "same cent, same decision" in each
//! language. Each scenario also checks that it calls every entry of the declaration.

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;

use common::scenario::{matches, substitute};
use kis::api::{ENTRIES, Problem};
use kis::*;
use serde_json::Value;

/// Runs the scenario file `path` (relative to the repository) on `store`.
fn run_scenario(path: &str, store: Arc<dyn Store>) {
    let root = env!("CARGO_MANIFEST_DIR");
    let text = std::fs::read_to_string(format!("{root}/{path}")).unwrap();
    let scenario: Value = serde_json::from_str(&text).unwrap();
    let policy_text =
        std::fs::read_to_string(format!("{root}/{}", scenario["policy"].as_str().unwrap()))
            .unwrap();
    let start = chrono::DateTime::parse_from_rfc3339(scenario["clock"].as_str().unwrap())
        .unwrap()
        .to_utc();
    let clock = Arc::new(ManualClock::new(start));
    let engine = Engine::open_with_clock(
        store,
        Policy::from_toml(&policy_text).unwrap(),
        clock.clone(),
    )
    .unwrap();
    let admin = &scenario["admin"];
    engine
        .bootstrap_admin(admin[0].as_str().unwrap(), admin[1].as_str().unwrap())
        .unwrap();
    let mut called = BTreeSet::new();
    let print = std::env::var("KIS_SCENARIO_PRINT").is_ok();
    for (n, step) in scenario["steps"].as_array().unwrap().iter().enumerate() {
        if let Some(hours) = step.get("advance_hours") {
            clock
                .advance(chrono::Duration::hours(hours.as_i64().unwrap()))
                .unwrap();
            continue;
        }
        let entry = step["call"].as_str().unwrap();
        called.insert(entry.to_string());
        let actor = Actor::new(step["as"].as_str().unwrap());
        let request = substitute(&step["request"], &policy_text).to_string();
        let key = step.get("key").and_then(Value::as_str);
        let result = engine.call(&actor, entry, &request, key);
        let at = format!("{path} step {n} ({entry} as {})", step["as"]);
        match (result, step.get("error")) {
            (Ok(output), None) => {
                let output: Value = serde_json::from_str(&output).unwrap();
                if print {
                    println!("{at}: {output}");
                }
                if let Some(expected) = step.get("expect") {
                    assert!(
                        matches(expected, &output),
                        "{at}: expected {expected}\n  got {output}"
                    );
                }
            }
            (Ok(output), Some(error)) => panic!("{at}: expected {error}, got {output}"),
            (Err(e), None) => panic!("{at}: failed: {e}"),
            (Err(e), Some(error)) => {
                let problem = serde_json::to_value(Problem::from(&e)).unwrap();
                if print {
                    println!("{at}: {problem}");
                }
                assert!(
                    matches(&error["kind"], &problem["kind"])
                        && error
                            .get("fields")
                            .is_none_or(|f| matches(f, &problem["fields"]))
                        && error
                            .get("message")
                            .is_none_or(|m| matches(m, &problem["message"])),
                    "{at}: expected {error}\n  got {problem}"
                );
            }
        }
    }
    let missing: Vec<&str> = ENTRIES
        .iter()
        .map(|e| e.name)
        .filter(|name| !called.contains(*name))
        .collect();
    assert!(missing.is_empty(), "{path} never calls {missing:?}");
    assert!(engine.verify_audit().unwrap().is_intact());
}

per_backend!(sales_month, |store| run_scenario(
    "tests/data/api/sales_month.json",
    store
));
