//! Reading a year of sales facts back from SQLite: scoring the year from the store
//! (issue #5: "report the time to score the same year read from the SQLite store") and
//! exporting the facts as an Arrow batch (issue #7's export, the Rust half).
//!
//! `cargo bench --features arrow --bench store_scans -- [FACTS] [REPS] [DB] [export]`
//! (defaults: 1,000,000 facts, 2,000 reps, a temporary file; `export`: only the Arrow
//! export, 25 times, for a profiler or to compare builds). The facts are appended straight into
//! the store in date order, 100,000 per transaction, bypassing the commands that would
//! create them one order at a time: this measures reads. The database is kept when DB is given, so that
//! `benches/python_calls.py` can read the same file.

use std::sync::Arc;
use std::time::Instant;

use chrono::{Datelike, NaiveDate, TimeZone};
use kis::admin::{AddTeam, AddUser};
use kis::sales::{Credit, SalesFact, append_facts};
use kis::*;
use rust_decimal::Decimal;

const POLICY: &str = include_str!("../examples/policy.toml");
const YEAR: i32 = 2026;

/// A small deterministic generator (xorshift), so that runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn setup(engine: &Engine, reps: usize) {
    engine.bootstrap_admin("admin", "Admin").unwrap();
    let admin = Actor::new("admin");
    let add = |id: String, role: Role, team: Option<&str>| {
        engine
            .execute(
                &admin,
                &AddUser {
                    id: id.as_str().into(),
                    name: id,
                    role,
                    team: team.map(TeamId::from),
                },
            )
            .unwrap();
    };
    add("dir".into(), Role::Director, None);
    add("m".into(), Role::Manager, None);
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
    for r in 0..reps {
        add(format!("rep-{r:04}"), Role::Rep, Some("t"));
    }
}

fn seed(store: &dyn Store, facts: usize, reps: usize) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let jan1 = NaiveDate::from_ymd_opt(YEAR, 1, 1).unwrap();
    let currency = Currency::new("CNY").unwrap();
    let mut all = Vec::with_capacity(facts);
    for written in 0..facts {
        {
            let date = jan1 + chrono::Duration::days(rng.below(365) as i64);
            let amount = Decimal::new(10_000 + rng.below(4_990_000) as i64, 2);
            let cost = (amount * Decimal::new(30 + rng.below(50) as i64, 2)).round_dp(2);
            let rep = format!("rep-{:04}", rng.below(reps as u64));
            let credits = if rng.below(10) == 0 {
                let other = format!("rep-{:04}", rng.below(reps as u64));
                vec![
                    Credit {
                        rep: rep.into(),
                        share_pct: Decimal::from(60),
                    },
                    Credit {
                        rep: other.into(),
                        share_pct: Decimal::from(40),
                    },
                ]
            } else {
                vec![Credit {
                    rep: rep.into(),
                    share_pct: Decimal::ONE_HUNDRED,
                }]
            };
            let order = format!("O-{written:08}");
            let fact = SalesFact {
                id: SalesFact::make_id(date, &order, 1),
                date,
                order,
                contract: format!("K-{written:08}"),
                customer: format!("C-{:05}", rng.below(50_000)),
                product: format!("P-{:03}", rng.below(200)),
                quantity: Decimal::from(1 + rng.below(20)),
                amount,
                cost,
                currency,
                credits,
            };
            all.push(fact);
        }
    }
    // Delivered in date order, as a running business delivers them.
    all.sort_by(|a, b| a.id.cmp(&b.id));
    for batch in all.chunks(100_000) {
        store::write(store, |tx| append_facts(tx, batch)).unwrap();
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let facts: usize = args
        .first()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let reps: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(2_000);
    let dir = tempfile::tempdir().unwrap();
    let path = args
        .get(2)
        .cloned()
        .unwrap_or_else(|| dir.path().join("facts.db").display().to_string());
    // A DB given and already seeded with this many facts is reused.
    let marker = format!("{path}.segments-{facts}-{reps}");
    let reuse = args.get(2).is_some() && std::path::Path::new(&marker).exists();
    if !reuse {
        let _ = std::fs::remove_file(&path);
        let _ = std::fs::remove_file(&marker);
    }
    let options = SqliteOptions {
        synchronous: Synchronous::Normal,
        ..SqliteOptions::default()
    };
    let store = Arc::new(SqliteStore::open_with(&path, options).unwrap());
    let clock = Arc::new(ManualClock::new(
        chrono::Utc
            .with_ymd_and_hms(YEAR + 1, 1, 15, 2, 0, 0)
            .unwrap(),
    ));
    let engine =
        Engine::open_with_clock(store.clone(), Policy::from_toml(POLICY).unwrap(), clock).unwrap();
    if !reuse {
        setup(&engine, reps);
        let t = Instant::now();
        seed(store.as_ref(), facts, reps);
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        println!(
            "seeded {facts} facts for {reps} reps in {:.1} s ({:.0} MB file)",
            t.elapsed().as_secs_f64(),
            size as f64 / 1e6
        );
        if args.get(2).is_some() {
            std::fs::write(&marker, b"").unwrap();
        }
    }

    let director = Actor::new("dir");
    let (first, last) = (
        NaiveDate::from_ymd_opt(YEAR, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(YEAR, 12, 31).unwrap(),
    );
    if args.get(3).map(String::as_str) == Some("export") {
        // Only the export, 25 times: for a profiler, or to compare two builds.
        let mut times: Vec<f64> = (0..25)
            .map(|_| {
                let t = Instant::now();
                let batches = engine.sales_facts_batches(&director, first, last).unwrap();
                drop(batches);
                t.elapsed().as_secs_f64()
            })
            .collect();
        println!("export, first run: {:.3} s", times[0]);
        times.sort_by(f64::total_cmp);
        println!(
            "export, 25 runs: best {:.3} s, median {:.3} s",
            times[0], times[12]
        );
        return;
    }
    for run in 1..=2 {
        let t = Instant::now();
        let scores = engine.score_year(&director, YEAR).unwrap();
        println!(
            "score the year from SQLite (run {run}): {:.2} s, {} scorecards ({:.0} ns per fact)",
            t.elapsed().as_secs_f64(),
            scores.len(),
            t.elapsed().as_nanos() as f64 / facts as f64
        );
    }
    let t = Instant::now();
    let mut all = Vec::with_capacity(facts);
    engine
        .scan_sales_facts(&director, first, last, |f| {
            all.push(f);
            std::ops::ControlFlow::Continue(())
        })
        .unwrap();
    println!(
        "scan and decode every fact into SalesFact, one thread: {:.2} s ({:.0} ns per fact)",
        t.elapsed().as_secs_f64(),
        t.elapsed().as_nanos() as f64 / facts as f64
    );
    for copy in [false, true] {
        let t = Instant::now();
        let mut tx = store.begin(kis::store::TxMode::Read).unwrap();
        let mut bytes = 0;
        tx.blob_scan(
            kis::sales::FACT_SEGMENTS,
            "",
            "\u{10FFFF}",
            &mut |_, _, b| {
                bytes += if copy { b.to_vec().len() } else { b.len() };
                std::ops::ControlFlow::Continue(())
            },
        )
        .unwrap();
        println!(
            "read the segments' bytes{}: {:.3} s, {:.0} MB",
            if copy { " and copy them" } else { "" },
            t.elapsed().as_secs_f64(),
            bytes as f64 / 1e6
        );
    }
    for run in 1..=2 {
        let t = Instant::now();
        let batches = engine.sales_facts_batches(&director, first, last).unwrap();
        let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
        println!(
            "export as Arrow from SQLite (run {run}): {:.2} s for {rows} rows in {} batches ({:.0} ns per fact)",
            t.elapsed().as_secs_f64(),
            batches.len(),
            t.elapsed().as_nanos() as f64 / facts as f64
        );
    }
    println!(
        "(first fact on {})",
        all.first().map_or(first, |f| f.date).year()
    );
}
