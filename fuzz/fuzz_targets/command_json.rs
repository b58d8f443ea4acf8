//! Any JSON as a command from the wire (the shape the HTTP server and sync will decode):
//! decoded, then run on an in-memory engine with a small organisation. A typed error or
//! a result; never a panic, and the audit chain stays intact.
#![no_main]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use kis_core::crm::OpenComplaint;
use kis_core::org::{AddTeam, AddUser};
use kis_core::sales::{AddCustomer, CreateQuote, PutProduct};
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
    for (id, role) in [("dir", Role::Director), ("m", Role::Manager)] {
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

fn run<C: kis_core::Command + serde::de::DeserializeOwned>(
    engine: &Engine,
    who: &str,
    json: &[u8],
) {
    if let Ok(command) = serde_json::from_slice::<C>(json) {
        let _ = engine.execute(&Actor::new(who), &command);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(engine) = ENGINE.get_or_init(engine) else {
        return;
    };
    let (who, json) = match data.split_first() {
        Some((b, rest)) => (
            ["admin", "dir", "m", "li", "nobody"][usize::from(*b % 5)],
            rest,
        ),
        None => return,
    };
    run::<PutProduct>(engine, who, json);
    run::<AddCustomer>(engine, who, json);
    run::<CreateQuote>(engine, who, json);
    run::<OpenComplaint>(engine, who, json);
    run::<AddUser>(engine, who, json);
    // The whole chain now and then (it grows with every accepted command).
    if RUNS.fetch_add(1, Ordering::Relaxed) % 512 == 0
        && let Ok(report) = engine.verify_audit()
    {
        assert!(report.is_intact(), "{report:?}");
    }
});
