//! Commands per second through the engine on SQLite (WAL, one writer): each command is
//! authorised, applied, and committed with its hash-chained audit entry.
//!
//! `cargo bench --bench sqlite_commands` prints throughput (elem/s = commands/s) for
//! `synchronous=FULL` (the default) and `NORMAL`, and for the in-memory store as the
//! ceiling without I/O.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kis::admin::{AddTeam, AddUser, UpdateUser};
use kis::*;

const POLICY: &str = include_str!("../examples/policy.toml");

fn engine(store: Arc<dyn Store>) -> Engine {
    let engine = Engine::open(store, Policy::from_toml(POLICY).unwrap()).unwrap();
    engine.bootstrap_admin("admin", "Admin").unwrap();
    let admin = Actor::new("admin");
    engine
        .execute(
            &admin,
            &AddUser {
                id: "m".into(),
                name: "M".into(),
                role: Role::Manager,
                team: None,
            },
        )
        .unwrap();
    engine
        .execute(
            &admin,
            &AddTeam {
                id: "t".into(),
                name: "T".into(),
                manager: "m".into(),
                director: None,
            },
        )
        .unwrap();
    engine
        .execute(
            &admin,
            &AddUser {
                id: "rep".into(),
                name: "Rep".into(),
                role: Role::Rep,
                team: Some("t".into()),
            },
        )
        .unwrap();
    engine
}

fn bench_commands(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut group = c.benchmark_group("engine_command");
    group.throughput(Throughput::Elements(1));
    group.sample_size(30);
    let stores: Vec<(&str, Arc<dyn Store>)> = vec![
        ("memory", Arc::new(MemoryStore::new())),
        (
            "sqlite_full",
            Arc::new(
                SqliteStore::open_with(
                    dir.path().join("full.db"),
                    SqliteOptions {
                        synchronous: Synchronous::Full,
                        ..Default::default()
                    },
                )
                .unwrap(),
            ),
        ),
        (
            "sqlite_normal",
            Arc::new(
                SqliteStore::open_with(
                    dir.path().join("normal.db"),
                    SqliteOptions {
                        synchronous: Synchronous::Normal,
                        ..Default::default()
                    },
                )
                .unwrap(),
            ),
        ),
    ];
    for (name, store) in stores {
        let engine = engine(store);
        let admin = Actor::new("admin");
        let n = AtomicU64::new(0);
        group.bench_function(name, |b| {
            b.iter(|| {
                let i = n.fetch_add(1, Ordering::Relaxed);
                let cmd = UpdateUser {
                    id: "rep".into(),
                    name: Some(format!("Rep {i}")),
                    ..Default::default()
                };
                engine.execute(&admin, &cmd).unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_commands);
criterion_main!(benches);
