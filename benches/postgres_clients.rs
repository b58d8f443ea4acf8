//! Throughput on PostgreSQL with 1, 4 and 16 concurrent clients (threads, one connection
//! each), side by side with bare PostgreSQL doing the same locked reservation:
//!
//! - `engine commands/s`: each client runs engine commands (authorise, apply, commit with
//!   the hash-chained audit entry), each on its own document;
//! - `kis reservations/s`: budget reservations through kis's store (`counter_add` under a
//!   ceiling, the atomic step claims will use), all clients on one budget;
//! - `bare reservations/s`: the same with hand-written SQL (`SELECT ... FOR UPDATE` then
//!   `UPDATE`, prepared), the reference; the ratio kis / bare is printed.
//!
//! Run with `scripts/bench-postgres.sh` (starts a durable throwaway server), or set
//! `KIS_BENCH_POSTGRES_URL` and run `cargo bench --bench postgres_clients`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use kis::admin::{AddTeam, AddUser, UpdateUser};
use kis::store::{self, StoreError};
use kis::*;
use rust_decimal::Decimal;

const POLICY: &str = include_str!("../examples/policy.toml");
const RUN: Duration = Duration::from_secs(3);

fn main() {
    let Ok(url) = std::env::var("KIS_BENCH_POSTGRES_URL") else {
        eprintln!("set KIS_BENCH_POSTGRES_URL, or run scripts/bench-postgres.sh");
        return;
    };
    println!(
        "{:>8} {:>20} {:>20} {:>20} {:>8}",
        "clients", "engine commands/s", "kis reservations/s", "bare reservations/s", "kis/bare"
    );
    for clients in [1usize, 4, 16] {
        let commands = engine_commands(&url, clients);
        let reservations = kis_reservations(&url, clients);
        let bare = bare_reservations(&url, clients);
        println!(
            "{clients:>8} {commands:>20.0} {reservations:>20.0} {bare:>20.0} {:>8.2}",
            reservations / bare
        );
    }
}

fn schema(name: &str) -> String {
    format!("kis_bench_{name}_{}", std::process::id())
}

/// Runs `work` on `clients` threads for [`RUN`] and returns successes per second.
fn measure(clients: usize, work: impl Fn(usize, u64) -> bool + Send + Sync + 'static) -> f64 {
    let work = Arc::new(work);
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let handles: Vec<_> = (0..clients)
        .map(|c| {
            let (work, stop, done) = (Arc::clone(&work), Arc::clone(&stop), Arc::clone(&done));
            std::thread::spawn(move || {
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    if work(c, i) {
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                    i += 1;
                }
            })
        })
        .collect();
    std::thread::sleep(RUN);
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        h.join().unwrap();
    }
    done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

fn engine_commands(url: &str, clients: usize) -> f64 {
    let options = PostgresOptions {
        pool_size: clients,
        schema: Some(schema(&format!("cmd{clients}"))),
        ..Default::default()
    };
    let store = Arc::new(PostgresStore::connect_with(url, options).unwrap());
    let engine = Arc::new(Engine::open(store, Policy::from_toml(POLICY).unwrap()).unwrap());
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
    for c in 0..clients {
        engine
            .execute(
                &admin,
                &AddUser {
                    id: format!("rep{c}").into(),
                    name: "Rep".into(),
                    role: Role::Rep,
                    team: Some("t".into()),
                },
            )
            .unwrap();
    }
    measure(clients, move |c, i| {
        let cmd = UpdateUser {
            id: format!("rep{c}").into(),
            name: Some(format!("Rep {i}")),
            ..Default::default()
        };
        engine.execute(&Actor::new("admin"), &cmd).is_ok()
    })
}

fn kis_reservations(url: &str, clients: usize) -> f64 {
    let options = PostgresOptions {
        pool_size: clients,
        schema: Some(schema(&format!("res{clients}"))),
        ..Default::default()
    };
    let store = Arc::new(PostgresStore::connect_with(url, options).unwrap());
    let ceiling = Some(Decimal::from(1_000_000_000));
    measure(clients, move |_, _| {
        match store::write(store.as_ref(), |tx| {
            tx.counter_add("budget:2026:east:travel", Decimal::new(75, 2), ceiling)
        }) {
            Ok(_) => true,
            Err(StoreError::LimitExceeded { .. }) => false,
            Err(e) => panic!("{e}"),
        }
    })
}

fn bare_reservations(url: &str, clients: usize) -> f64 {
    let mut admin = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let table = schema(&format!("bare{clients}"));
    admin
        .batch_execute(&format!(
            "CREATE TABLE {table} (key TEXT PRIMARY KEY, value NUMERIC NOT NULL);
             INSERT INTO {table} VALUES ('budget', 0);"
        ))
        .unwrap();
    let url = url.to_string();
    let clients_conns: Vec<_> = (0..clients)
        .map(|_| {
            let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
            let select = c
                .prepare(&format!(
                    "SELECT value FROM {table} WHERE key = 'budget' FOR UPDATE"
                ))
                .unwrap();
            let update = c
                .prepare(&format!(
                    "UPDATE {table} SET value = $1 WHERE key = 'budget'"
                ))
                .unwrap();
            std::sync::Mutex::new((c, select, update))
        })
        .collect();
    let conns = Arc::new(clients_conns);
    let limit = Decimal::from(1_000_000_000);
    measure(clients, move |c, _| {
        let mut guard = conns[c].lock().unwrap();
        let (client, select, update) = &mut *guard;
        let mut tx = client.transaction().unwrap();
        let current: Decimal = tx.query_one(&*select, &[]).unwrap().get(0);
        let next = current + Decimal::new(75, 2);
        if next > limit {
            return false;
        }
        tx.execute(&*update, &[&next]).unwrap();
        tx.commit().unwrap();
        true
    })
}
