//! The engine the entry-point fuzz targets run on: the example policy, an in-memory
//! store, a clock at 2026-11-27, and a small organisation (admin, director, a manager
//! leading team east, finance, and the rep li). Included by path from each target.

use std::sync::Arc;

use kis_core::admin::{AddTeam, AddUser};
use kis_core::{Actor, Engine, ManualClock, MemoryStore, Policy, Role};

const POLICY: &str = include_str!("../../examples/policy.toml");

/// The engine, or `None` if it cannot be set up (then the target does nothing).
pub fn engine() -> Option<Engine> {
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
