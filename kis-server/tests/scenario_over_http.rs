//! The shared scenario (`tests/data/api/sales_month.json`, which Rust, pytest and the
//! JVM also run through their bindings) over real HTTP: every entry of the API through
//! `POST /v1/{entry}`, each step as its user (a JWT naming them; the admin with the API
//! token `bootstrap` printed), on a server with a manual clock. Same request, same cent,
//! same decision, and each error as problem+json with the kind's HTTP status.

mod support;

#[path = "../../tests/common/scenario.rs"]
mod scenario;

use std::collections::{BTreeSet, HashMap};

use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use kis::api::{ENTRIES, Problem};
use scenario::{matches, substitute};
use serde_json::{Value, json};
use support::*;

const SECRET: &str = "the scenario's HS256 secret, 32 bytes or more";

fn run(store: &str) {
    let root = format!("{}/..", env!("CARGO_MANIFEST_DIR"));
    let path = "tests/data/api/sales_month.json";
    let scenario: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{root}/{path}")).unwrap()).unwrap();
    let policy_file = format!("{root}/{}", scenario["policy"].as_str().unwrap());
    let policy_text = std::fs::read_to_string(&policy_file).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("server.toml");
    std::fs::write(&config, format!(
        "[clock]\nstart = \"{}\"\n\n[limits]\nper_second = 10000\nburst = 10000\n\n[jwt]\nissuer = \"scenario\"\naudience = \"kis\"\nsecret_env = \"KIS_SCENARIO_JWT\"\n",
        scenario["clock"].as_str().unwrap())).unwrap();
    let config = config.to_str().unwrap();
    let env = [("KIS_SCENARIO_JWT", SECRET)];
    let admin_id = scenario["admin"][0].as_str().unwrap();
    let admin_token = cli(
        &[
            "bootstrap",
            "--store",
            store,
            "--policy",
            &policy_file,
            "--config",
            config,
            "--admin",
            admin_id,
            "--name",
            scenario["admin"][1].as_str().unwrap(),
        ],
        &env,
    );
    let server = ServerProcess::start(&["--store", store, "--config", config], &env);
    let c = Client::new(&server.url);
    let key = EncodingKey::from_secret(SECRET.as_bytes()).unwrap();
    let mut tokens: HashMap<String, String> =
        HashMap::from([(admin_id.to_string(), admin_token.clone())]);
    let mut called = BTreeSet::new();
    for (n, step) in scenario["steps"].as_array().unwrap().iter().enumerate() {
        if let Some(hours) = step.get("advance_hours") {
            let a = c.post_raw(
                "/admin/clock",
                &[
                    ("Authorization", &format!("Bearer {admin_token}")),
                    ("Content-Type", "application/json"),
                ],
                json!({"advance_hours": hours}).to_string().as_bytes(),
            );
            assert_eq!(
                a.status,
                200,
                "step {n}: {}",
                String::from_utf8_lossy(&a.bytes)
            );
            continue;
        }
        let entry = step["call"].as_str().unwrap();
        called.insert(entry.to_string());
        let user = step["as"].as_str().unwrap();
        let token = tokens.entry(user.to_string()).or_insert_with(|| {
            let now = chrono::Utc::now().timestamp();
            let claims = json!({"sub": user, "iss": "scenario", "aud": "kis", "exp": now + 3600});
            encode(&Header::new(Algorithm::HS256), &claims, &key).unwrap()
        });
        let request = substitute(&step["request"], &policy_text);
        let answer = c.call_keyed(
            token,
            entry,
            &request,
            step.get("key").and_then(Value::as_str),
        );
        let at = format!("{path} step {n} ({entry} as {user}) over HTTP");
        match step.get("error") {
            None => {
                assert_eq!(
                    answer.status,
                    200,
                    "{at}: {}",
                    String::from_utf8_lossy(&answer.bytes)
                );
                if let Some(expected) = step.get("expect") {
                    let output = answer.json();
                    assert!(
                        matches(expected, &output),
                        "{at}: expected {expected}\n  got {output}"
                    );
                }
            }
            Some(error) => {
                assert_eq!(
                    answer.content_type,
                    "application/problem+json",
                    "{at}: {}",
                    String::from_utf8_lossy(&answer.bytes)
                );
                let body = answer.json();
                let problem = Problem {
                    kind: body["kind"].as_str().unwrap().to_string(),
                    message: body["detail"].as_str().unwrap().to_string(),
                    fields: body["fields"].as_object().unwrap().clone(),
                };
                assert_eq!(answer.status, problem.http_status(), "{at}: {body}");
                let problem = serde_json::to_value(&problem).unwrap();
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
    assert!(server.stop().success());
}

#[test]
fn sales_month_over_http_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path().join("company.db").to_str().unwrap());
}

#[test]
fn sales_month_over_http_on_postgres() {
    let Some(url) = fresh_postgres_database("kis_http_scenario") else {
        return;
    };
    run(&url);
}
