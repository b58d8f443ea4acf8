//! Two OS processes, each with its own engine on one database (as two app servers, or
//! two phones' sync jobs on one SQLite file), racing on one budget counter, on one
//! approval step per round, and on the audit chain. Nothing may overspend, no step may
//! be decided twice, and the chain must stay gapless and verified.
//!
//! The test binary re-runs itself as the child processes (`child_worker`).

mod common;

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::Path;
use std::process::{Command, Stdio};
use std::str::FromStr;
use std::time::{Duration, Instant};

use chrono::Datelike;
use common::*;
use kis::admin::UpdateUser;
use kis::approval::{DocKind, Verdict};
use kis::expense::{ClaimLine, FileClaim, ProposeBudget, Receipt};
use kis::reviews::{Decide, Submit};
use kis::store::{self, Expected};
use kis::*;
use rust_decimal::Decimal;

const ROUNDS: usize = 60;
const ATTEMPTS: usize = 150;
const CEILING: &str = "5000.00";
const CLAIMS: usize = 25;
const TRAVEL_BUDGET: i64 = 6000;

/// The child's side: does nothing unless started by a race below.
#[test]
fn child_worker() {
    let Ok(location) = std::env::var("KIS_RACE_LOCATION") else {
        return;
    };
    let go = std::env::var("KIS_RACE_GO").unwrap();
    let me = std::env::var("KIS_RACE_CHILD").unwrap();
    let engine = Engine::open(open_store(&location).unwrap(), policy()).unwrap();
    let store = engine.store().clone();
    while !Path::new(&go).exists() {
        std::thread::sleep(Duration::from_millis(1));
    }
    // 1. Budget reservations of 1.00 .. 97.00 against one ceiling.
    let mut granted = Decimal::ZERO;
    for i in 0..ATTEMPTS {
        let amount = Decimal::from(((i * 37 + me.len() * 11) % 97 + 1) as i64);
        match store::write(store.as_ref(), |tx| {
            tx.counter_add("budget", amount, Some(Decimal::from_str(CEILING).unwrap()))
        }) {
            Ok(_) => granted += amount,
            Err(StoreError::LimitExceeded { .. }) => {}
            Err(e) => panic!("reservation failed: {e}"),
        }
    }
    println!("RACE granted {granted}");
    // 2. Approving each round's step: read it, and if pending, write it approved at the
    //    version read. A loser sees it decided, or gets a conflict.
    for round in 0..ROUNDS {
        let id = format!("round-{round:03}");
        let outcome = store::write(store.as_ref(), |tx| {
            let rec = tx.get("steps", &id)?.expect("round document");
            if rec.body != "\"pending\"" {
                return Ok(false);
            }
            tx.put(
                "steps",
                &id,
                &format!("\"approved by {me}\""),
                Expected::Version(rec.version),
            )?;
            Ok::<_, StoreError>(true)
        });
        match outcome {
            Ok(true) => println!("RACE won {id}"),
            Ok(false) | Err(StoreError::Conflict { .. }) => {}
            Err(e) => panic!("approval failed: {e}"),
        }
    }
    // 3. Engine commands, each with its audit entry, interleaved with the other engine.
    let admin = Actor::new("admin");
    for i in 0..40 {
        engine
            .execute(
                &admin,
                &UpdateUser {
                    id: "li".into(),
                    name: Some(format!("Li {me} {i}")),
                    ..Default::default()
                },
            )
            .unwrap();
    }
    // 4. Expense claims against one budget, each with its own receipt.
    let rep = Actor::new(if me == "alpha" { "li" } else { "wang" });
    let today = engine.today();
    for i in 0..CLAIMS {
        let amount = Decimal::from(90 + (i * 53 + me.len() * 7) % 200);
        let id = format!("{me}-{i}");
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
        match engine.execute(
            &rep,
            &Submit {
                kind: DocKind::ExpenseClaim,
                id,
            },
        ) {
            Ok(_) => println!("RACE claimed {amount}"),
            Err(Error::BudgetExceeded { .. }) => {}
            Err(e) => panic!("claim failed: {e}"),
        }
    }
    println!("RACE done");
}

fn race(location: &str) {
    // The parent prepares the org and the round documents.
    let engine = Engine::open(open_store(location).unwrap(), policy()).unwrap();
    setup_org(&engine);
    store::write(engine.store().as_ref(), |tx| {
        for round in 0..ROUNDS {
            tx.put(
                "steps",
                &format!("round-{round:03}"),
                "\"pending\"",
                Expected::Absent,
            )?;
        }
        Ok::<_, StoreError>(())
    })
    .unwrap();
    let org = Org::actors();
    let year = engine.today().year();
    engine
        .execute(
            &org.director,
            &ProposeBudget {
                year,
                team: "east".into(),
                category: "travel".into(),
                annual: Decimal::from(TRAVEL_BUDGET),
                distribution: None,
                reason: None,
            },
        )
        .unwrap();
    let budget_id = format!("{year}:east:travel");
    engine
        .execute(
            &org.director,
            &Submit {
                kind: DocKind::Budget,
                id: budget_id.clone(),
            },
        )
        .unwrap();
    engine
        .execute(
            &org.finance,
            &Decide {
                kind: DocKind::Budget,
                id: budget_id.clone(),
                verdict: Verdict::Approved,
                comment: None,
            },
        )
        .unwrap();
    let entries_before = engine.audit_trail(&Default::default()).unwrap().len();
    let dir = tempfile::tempdir().unwrap();
    let go = dir.path().join("go");
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = ["alpha", "beta"]
        .iter()
        .map(|name| {
            Command::new(&exe)
                .args([
                    "--exact",
                    "child_worker",
                    "--nocapture",
                    "--test-threads",
                    "1",
                ])
                .env("KIS_RACE_LOCATION", location)
                .env("KIS_RACE_GO", &go)
                .env("KIS_RACE_CHILD", name)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(&go, "go").unwrap();
    let started = Instant::now();
    let mut granted = Decimal::ZERO;
    let mut claimed = Decimal::ZERO;
    let mut claims_ok = 0usize;
    let mut wins: HashMap<String, usize> = HashMap::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "child failed: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("RACE done"), "{stdout}");
        // libtest may print "test child_worker ... " on the same line as the first output.
        for line in stdout
            .lines()
            .filter_map(|l| l.find("RACE ").map(|i| &l[i..]))
        {
            if let Some(v) = line.strip_prefix("RACE granted ") {
                granted += Decimal::from_str(v).unwrap();
            } else if let Some(v) = line.strip_prefix("RACE claimed ") {
                claimed += Decimal::from_str(v).unwrap();
                claims_ok += 1;
            } else if let Some(id) = line.strip_prefix("RACE won ") {
                *wins.entry(id.to_string()).or_default() += 1;
            }
        }
    }
    eprintln!("{location}: two processes raced in {:?}", started.elapsed());
    // Never overspent, nothing lost: the counter is exactly what was granted.
    let stored = store::read(engine.store().as_ref(), |tx| tx.counter_get("budget")).unwrap();
    assert_eq!(stored, granted);
    assert!(stored <= Decimal::from_str(CEILING).unwrap());
    assert!(
        stored > Decimal::from(4900),
        "the budget should be nearly used up, got {stored}"
    );
    // Every step decided exactly once.
    assert_eq!(wins.len(), ROUNDS, "every round has a winner");
    assert!(
        wins.values().all(|n| *n == 1),
        "a step was approved twice: {wins:?}"
    );
    let mut approved = 0;
    store::read(engine.store().as_ref(), |tx| {
        tx.scan("steps", "round-", &mut |r| {
            approved += usize::from(r.body.starts_with("\"approved by") && r.version == 2);
            ControlFlow::Continue(())
        })
    })
    .unwrap();
    assert_eq!(approved, ROUNDS);
    // The budget: approved + pending never passed it, and equals what was accepted.
    let status = engine.budget_status(&org.finance, year).unwrap();
    assert_eq!(status[0].consumed, claimed, "nothing lost");
    assert!(
        claimed <= Decimal::from(TRAVEL_BUDGET),
        "overspent: {claimed}"
    );
    assert!(
        claimed > Decimal::from(TRAVEL_BUDGET - 300),
        "the budget should be nearly used: {claimed}"
    );
    // Both engines' commands are in one gapless, verified chain: 40 renames, and a
    // filing plus an accepted submission per claim (a refused one writes nothing).
    let report = engine.verify_audit().unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(
        report.entries as usize,
        entries_before + 80 + 2 * CLAIMS + claims_ok
    );
}

#[test]
fn two_processes_on_one_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    race(dir.path().join("shared.db").to_str().unwrap());
}

#[test]
fn two_processes_on_one_postgres_database() {
    let Some(url) = postgres_url() else { return };
    // A fresh database per run, so the children (which open by URL) see only this race.
    let db = format!("kis_race_{}", unique_schema().trim_start_matches("kis_e"));
    let mut admin = postgres_admin(&url);
    admin
        .batch_execute(&format!("CREATE DATABASE {db}"))
        .unwrap();
    let race_url = match url.rfind('/') {
        Some(i) => format!("{}/{db}", &url[..i]),
        None => panic!("unexpected URL {url}"),
    };
    race(&race_url);
}

fn postgres_admin(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls).unwrap()
}
