//! Expense claims filed and submitted per second on SQLite with 4 concurrent writers
//! against one budget (each claim: file, then submit with its receipt registration and
//! atomic budget reservation, two commits with their audit entries).
//!
//! `cargo bench --bench expense_claims` prints claims per second for synchronous FULL and
//! NORMAL.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{Datelike, Utc};
use kis::admin::{AddTeam, AddUser};
use kis::approval::{DocKind, Verdict};
use kis::expense::{ClaimLine, FileClaim, ProposeBudget, Receipt};
use kis::reviews::{Decide, Submit};
use kis::*;
use rust_decimal::Decimal;

const POLICY: &str = include_str!("../examples/policy.toml");

fn setup(store: Arc<dyn Store>) -> Engine {
    let engine = Engine::open(store, Policy::from_toml(POLICY).unwrap()).unwrap();
    engine.bootstrap_admin("admin", "Admin").unwrap();
    let admin = Actor::new("admin");
    for (id, role) in [
        ("m", Role::Manager),
        ("dir", Role::Director),
        ("fin", Role::Finance),
    ] {
        engine
            .execute(
                &admin,
                &AddUser {
                    id: id.into(),
                    name: id.into(),
                    role,
                    team: None,
                },
            )
            .unwrap();
    }
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
    for r in 0..4 {
        engine
            .execute(
                &admin,
                &AddUser {
                    id: format!("rep{r}").into(),
                    name: "Rep".into(),
                    role: Role::Rep,
                    team: Some("t".into()),
                },
            )
            .unwrap();
    }
    let year = engine.today().year();
    engine
        .execute(
            &Actor::new("dir"),
            &ProposeBudget {
                year,
                team: "t".into(),
                category: "travel".into(),
                annual: Decimal::from(1_000_000_000),
                distribution: None,
                reason: None,
            },
        )
        .unwrap();
    let id = format!("{year}:t:travel");
    engine
        .execute(
            &Actor::new("dir"),
            &Submit {
                kind: DocKind::Budget,
                id: id.clone(),
            },
        )
        .unwrap();
    engine
        .execute(
            &Actor::new("fin"),
            &Decide {
                kind: DocKind::Budget,
                id,
                verdict: Verdict::Approved,
                comment: None,
            },
        )
        .unwrap();
    engine
}

fn run(engine: Arc<Engine>, writers: usize, seconds: u64) -> f64 {
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let handles: Vec<_> = (0..writers)
        .map(|w| {
            let (engine, stop, done) = (Arc::clone(&engine), Arc::clone(&stop), Arc::clone(&done));
            std::thread::spawn(move || {
                let rep = Actor::new(format!("rep{w}"));
                let today = Utc::now().date_naive();
                let mut i = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let id = format!("w{w}-{i}");
                    let amount = Decimal::from(100 + i % 50);
                    let receipt = Receipt {
                        issuer: "Hotel".into(),
                        number: id.clone(),
                        date: today,
                        amount,
                        file_sha256: None,
                    };
                    let line = ClaimLine {
                        category: "travel".into(),
                        date: today,
                        amount,
                        description: "hotel".into(),
                        event: None,
                        receipt: Some(receipt),
                        sanctioned: None,
                        sanction_reason: None,
                    };
                    engine
                        .execute(
                            &rep,
                            &FileClaim {
                                id: id.clone(),
                                period_from: today,
                                period_to: today,
                                lines: vec![line],
                            },
                        )
                        .unwrap();
                    engine
                        .execute(
                            &rep,
                            &Submit {
                                kind: DocKind::ExpenseClaim,
                                id,
                            },
                        )
                        .unwrap();
                    done.fetch_add(1, Ordering::Relaxed);
                    i += 1;
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        h.join().unwrap();
    }
    done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    for (name, sync) in [("FULL", Synchronous::Full), ("NORMAL", Synchronous::Normal)] {
        let store = Arc::new(
            SqliteStore::open_with(
                dir.path().join(format!("{name}.db")),
                SqliteOptions {
                    synchronous: sync,
                    ..Default::default()
                },
            )
            .unwrap(),
        );
        let engine = Arc::new(setup(store));
        let rate = run(engine, 4, 4);
        println!(
            "SQLite synchronous={name:<6} 4 writers: {rate:>8.0} claims/s filed and submitted (2 commands each)"
        );
    }
}
