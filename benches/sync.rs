//! Sync for offline phones (#18): the snapshot of a rep with 500 customers under a
//! 10,000-rule price book (its size, the time to make it on the server and to seed a
//! phone's SQLite replica from it), and a sync of 100 commands queued offline (round
//! trips, bytes each way, the time of the server's run and of the phone's rebase).
//!
//! `cargo bench --bench sync` prints the sizes and round trips once, then criterion's
//! times for `snapshot`, `seed`, and `sync_100` (push, serve, receive).

#[path = "support/big_policy.rs"]
mod big_policy;

use std::sync::Arc;
use std::time::Instant;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use kis::admin::{AddTeam, AddUser};
use kis::sales::{AddCustomer, Product, PutProduct};
use kis::sync::{Message, Replica, Reply};
use kis::*;

fn server(dir: &std::path::Path) -> Engine {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.join("server.db")).unwrap());
    let engine = Engine::open(store, big_policy::big_policy()).unwrap();
    engine.bootstrap_admin("admin", "Admin").unwrap();
    let admin = Actor::new("admin");
    let add = |id: &str, role: Role, team: Option<&str>| {
        engine
            .execute(
                &admin,
                &AddUser {
                    id: id.into(),
                    name: id.into(),
                    role,
                    team: team.map(Into::into),
                },
            )
            .unwrap();
    };
    add("dir", Role::Director, None);
    add("m", Role::Manager, None);
    engine
        .execute(
            &admin,
            &AddTeam {
                id: "t".into(),
                name: "T".into(),
                manager: "m".into(),
                director: Some("dir".into()),
            },
        )
        .unwrap();
    add("li", Role::Rep, Some("t"));
    add("wang", Role::Rep, Some("t"));
    let cny = |s: &str| Money::parse(s, "CNY").unwrap();
    for p in 0..200 {
        let product = Product {
            id: format!("P{p}"),
            name: format!("Product {p}"),
            category: format!("dept{}>cat{}", p % 5, p % big_policy::CATEGORIES),
            list_price: cny("1000"),
            cost: cny("600"),
        };
        engine
            .execute(&Actor::new("dir"), &PutProduct { product })
            .unwrap();
    }
    // li's 500 customers, and as many of wang's that li's snapshot must leave out.
    for (rep, n) in [("li", 500), ("wang", 500)] {
        for c in 0..n {
            engine
                .execute(
                    &Actor::new(rep),
                    &AddCustomer {
                        id: format!("C-{rep}-{c}"),
                        name: format!("Customer {c}"),
                        group: format!("group{}", c % big_policy::GROUPS),
                        owner: rep.into(),
                    },
                )
                .unwrap();
        }
    }
    engine
}

fn seed(server: &Engine, dir: &std::path::Path, n: usize) -> Replica {
    let snapshot = server.snapshot(&Actor::new("li")).unwrap();
    let store: Arc<dyn Store> =
        Arc::new(SqliteStore::open(dir.join(format!("phone-{n}.db"))).unwrap());
    Replica::seed(store, Arc::new(SystemClock), &snapshot).unwrap()
}

fn queue_100(replica: &Replica, round: usize) {
    for q in 0..100 {
        let request = serde_json::json!({"id": format!("Q-{round}-{q}"), "customer": format!("C-li-{q}"),
            "lines": [{"product": format!("P{}", q % 200), "quantity": "3"}], "valid_until": "2027-12-31"});
        replica.call("create_quote", &request.to_string()).unwrap();
    }
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let server = server(dir.path());
    let li = Actor::new("li");

    let t = Instant::now();
    let snapshot = server.snapshot(&li).unwrap().to_bytes().unwrap();
    println!(
        "snapshot of li (500 of 1,000 customers, 200 products, 10,000 rules): {} bytes, {} documents, made in {:?}",
        snapshot.len(),
        kis::sync::Snapshot::from_bytes(&snapshot)
            .unwrap()
            .documents
            .len(),
        t.elapsed()
    );
    let replica = seed(&server, dir.path(), 0);
    queue_100(&replica, 0);
    let push = replica.push().unwrap().to_bytes().unwrap();
    let t = Instant::now();
    let reply = server.serve_sync(&li, &push).unwrap();
    let served = t.elapsed();
    let t = Instant::now();
    let decoded = Reply::from_bytes(&reply).unwrap();
    replica.receive(&decoded).unwrap();
    println!(
        "sync of 100 queued quotes: 1 round trip (more: {}), push {} bytes, reply {} bytes, server {served:?}, phone {:?}",
        decoded.changes.more,
        push.len(),
        reply.len(),
        t.elapsed()
    );

    let mut group = c.benchmark_group("sync");
    group.sample_size(10);
    group.bench_function("snapshot_500_customers_10k_rules", |b| {
        b.iter(|| server.snapshot(&li).unwrap())
    });
    let mut n = 1;
    group.bench_function("seed_replica_sqlite", |b| {
        b.iter(|| {
            n += 1;
            seed(&server, dir.path(), n)
        })
    });
    let mut round = 1;
    group.bench_function("sync_100_queued_commands", |b| {
        b.iter_batched(
            || {
                round += 1;
                queue_100(&replica, round);
                replica.push().unwrap().to_bytes().unwrap()
            },
            |push| {
                let reply = server.serve_sync(&li, &push).unwrap();
                replica
                    .receive(&Reply::from_bytes(&reply).unwrap())
                    .unwrap()
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
