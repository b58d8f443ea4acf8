//! Shared test helpers: every backend, a test clock, and a small organisation.
#![allow(dead_code)]

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use kis::org::{AddTeam, AddUser};
use kis::*;

/// The shipped example policy.
pub const POLICY: &str = include_str!("../../examples/policy.toml");

/// The example policy, parsed.
pub fn policy() -> Policy {
    Policy::from_toml(POLICY).expect("example policy")
}

/// A fresh, empty store of every backend: memory, SQLite in memory, SQLite on a file.
pub fn backends() -> Vec<(&'static str, Arc<dyn Store>)> {
    let dir = Box::leak(Box::new(tempfile::tempdir().expect("tempdir")));
    vec![
        ("memory", Arc::new(MemoryStore::new()) as Arc<dyn Store>),
        (
            "sqlite-memory",
            Arc::new(SqliteStore::open_in_memory().expect("sqlite")),
        ),
        (
            "sqlite-file",
            Arc::new(SqliteStore::open(dir.path().join("kis.db")).expect("sqlite file")),
        ),
    ]
}

/// 2026-11-27 09:00 in Beijing (01:00 UTC).
pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 1, 0, 0).unwrap()
}

/// An engine on `store` with the example policy and a manual clock at [`start`].
pub fn engine_on(store: Arc<dyn Store>) -> (Engine, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(start()));
    let engine = Engine::open_with_clock(store, policy(), clock.clone()).expect("open engine");
    (engine, clock)
}

/// The organisation of the scenarios: an admin, a director, two teams with a manager and
/// two reps each, finance and legal.
pub struct Org {
    pub admin: Actor,
    pub director: Actor,
    pub east_manager: Actor,
    pub west_manager: Actor,
    pub rep_li: Actor,
    pub rep_wang: Actor,
    pub rep_zhao: Actor,
    pub finance: Actor,
    pub legal: Actor,
}

pub fn setup_org(engine: &Engine) -> Org {
    engine
        .bootstrap_admin("admin", "Ada Admin")
        .expect("bootstrap");
    let admin = Actor::new("admin");
    let add = |id: &str, name: &str, role: Role, team: Option<&str>| {
        engine
            .execute(
                &admin,
                &AddUser {
                    id: id.into(),
                    name: name.into(),
                    role,
                    team: team.map(TeamId::from),
                },
            )
            .expect("add user");
        Actor::new(id)
    };
    let director = add("dir", "Dong Director", Role::Director, None);
    let east_manager = add("m-east", "Meng East", Role::Manager, None);
    let west_manager = add("m-west", "Ma West", Role::Manager, None);
    for (team, manager) in [("east", "m-east"), ("west", "m-west")] {
        engine
            .execute(
                &admin,
                &AddTeam {
                    id: team.into(),
                    name: format!("Team {team}"),
                    manager: manager.into(),
                    director: Some("dir".into()),
                },
            )
            .expect("add team");
    }
    Org {
        rep_li: add("li", "Li Rep", Role::Rep, Some("east")),
        rep_wang: add("wang", "Wang Rep", Role::Rep, Some("east")),
        rep_zhao: add("zhao", "Zhao Rep", Role::Rep, Some("west")),
        finance: add("fin", "Fan Finance", Role::Finance, None),
        legal: add("legal", "Lu Legal", Role::Legal, None),
        admin,
        director,
        east_manager,
        west_manager,
    }
}
