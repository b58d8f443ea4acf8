//! Any bytes as a call of the API's wire (`Engine::call`, what the server and sync will
//! decode): the first byte picks the actor, the second the entry (or, past the table, a
//! name that is none), the third whether an idempotency key comes along; the rest is the
//! request's JSON. A typed error or a JSON answer; never a panic, an answer that is not
//! JSON, or a broken audit chain.
#![no_main]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use kis_core::api::{ENTRIES, Problem};
use kis_core::org::{AddTeam, AddUser};
use kis_core::{Actor, Engine, ManualClock, MemoryStore, Policy, Role};
use libfuzzer_sys::fuzz_target;

const POLICY: &str = include_str!("../../examples/policy.toml");

fn engine() -> Option<Engine> {
    let policy = Policy::from_toml(POLICY).ok()?;
    let start = chrono::DateTime::parse_from_rfc3339("2026-11-27T01:00:00Z")
        .ok()?
        .to_utc();
    let engine = Engine::open_with_clock(
        Arc::new(MemoryStore::new()),
        policy,
        Arc::new(ManualClock::new(start)),
    )
    .ok()?;
    engine.bootstrap_admin("admin", "Admin").ok()?;
    let admin = Actor::new("admin");
    for (id, role) in [("dir", Role::Director), ("m", Role::Manager), ("fin", Role::Finance)] {
        let user = AddUser {
            id: id.into(),
            name: id.into(),
            role,
            team: None,
        };
        engine.execute(&admin, &user).ok()?;
    }
    let team = AddTeam {
        id: "east".into(),
        name: "East".into(),
        manager: "m".into(),
        director: None,
    };
    engine.execute(&admin, &team).ok()?;
    let rep = AddUser {
        id: "li".into(),
        name: "Li".into(),
        role: Role::Rep,
        team: Some("east".into()),
    };
    engine.execute(&admin, &rep).ok()?;
    Some(engine)
}

static ENGINE: OnceLock<Option<Engine>> = OnceLock::new();
static RUNS: AtomicUsize = AtomicUsize::new(0);

fuzz_target!(|data: &[u8]| {
    let Some(engine) = ENGINE.get_or_init(engine) else {
        return;
    };
    let [who, entry, key, rest @ ..] = data else {
        return;
    };
    let Ok(request) = std::str::from_utf8(rest) else {
        return;
    };
    let actor = Actor::new(["admin", "dir", "m", "li", "fin", "nobody"][usize::from(*who % 6)]);
    let name = ENTRIES
        .get(usize::from(*entry))
        .map_or("no_such_entry", |e| e.name);
    let key = (key % 2 == 1).then_some("fuzz-key");
    match engine.call(&actor, name, request, key) {
        Ok(answer) => {
            assert!(
                serde_json::from_str::<serde_json::Value>(&answer).is_ok(),
                "{name} answered with text that is not JSON: {answer}"
            );
        }
        Err(e) => {
            // Every error has its one description, with core's message.
            let problem = Problem::from(&e);
            assert_eq!(problem.message.is_empty(), e.to_string().is_empty());
        }
    }
    if RUNS.fetch_add(1, Ordering::Relaxed) % 512 == 0
        && let Ok(report) = engine.verify_audit()
    {
        assert!(report.is_intact(), "{report:?}");
    }
});
