//! A simulation of offline phones (#18, proptest): one server engine (on SQLite and on
//! PostgreSQL) and three reps' replicas that act offline, sync in random orders, lose
//! replies, while the managers decide on the server. Whatever the order:
//! - every replica converges to the server's state of what its rep may see;
//! - no approval is bypassed: every approved quote was decided by its team's manager
//!   on the server;
//! - no budget is overspent (P6.3);
//! - no command is lost or run twice: each ends in exactly one resolution, and the
//!   server ran each accepted one once;
//! - every rejection is explained.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use common::*;
use kis::sync::{Local, Message, Replica, Reply, Resolution};
use kis::*;
use proptest::prelude::*;
use serde_json::{Value, json};

const REPS: [&str; 3] = ["li", "wang", "zhao"];

#[derive(Debug, Clone)]
enum Op {
    /// A rep quotes offline: quote number, quantity.
    Quote(usize, u8, u8),
    /// A rep submits one of their quotes offline.
    SubmitQuote(usize, u8),
    /// A rep logs a visit offline.
    Visit(usize, u8),
    /// A rep files a travel claim offline and queues its submission.
    Claim(usize, u8, u16),
    /// A rep syncs.
    Sync(usize),
    /// A rep pushes, the server runs the push, and the reply is lost.
    LoseReply(usize),
    /// The managers decide what waits in their inboxes on the server.
    Decide(bool),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..3usize, 0..4u8, 1..30u8).prop_map(|(r, n, q)| Op::Quote(r, n, q)),
        (0..3usize, 0..4u8).prop_map(|(r, n)| Op::SubmitQuote(r, n)),
        (0..3usize, 0..3u8).prop_map(|(r, n)| Op::Visit(r, n)),
        (0..3usize, 0..3u8, 100..700u16).prop_map(|(r, n, a)| Op::Claim(r, n, a)),
        (0..3usize).prop_map(Op::Sync),
        (0..3usize).prop_map(Op::LoseReply),
        any::<bool>().prop_map(Op::Decide),
    ]
}

fn call(engine: &Engine, actor: &str, entry: &str, request: Value) -> Value {
    let out = engine
        .call(&Actor::new(actor), entry, &request.to_string(), None)
        .unwrap_or_else(|e| panic!("{entry} as {actor}: {e}"));
    serde_json::from_str(&out).unwrap()
}

struct World {
    server: Engine,
    phones: Vec<Replica>,
    /// Every key a phone queued, and how many resolutions it got.
    issued: HashMap<String, usize>,
    rejections: Vec<kis::api::Problem>,
}

impl World {
    fn new(store: Arc<dyn Store>) -> World {
        let (server, _) = engine_on(store);
        let org = setup_org(&server);
        setup_catalogue(&server, &org);
        for team in ["east", "west"] {
            let id = format!("2026:{team}:travel");
            call(
                &server,
                "dir",
                "propose_budget",
                json!({"year": 2026, "team": team, "category": "travel", "annual": "1000"}),
            );
            call(
                &server,
                "dir",
                "submit",
                json!({"kind": "budget", "id": id}),
            );
            call(
                &server,
                "fin",
                "decide",
                json!({"kind": "budget", "id": id, "verdict": "approved"}),
            );
        }
        let phones = REPS
            .iter()
            .map(|rep| {
                let snapshot = server.snapshot(&Actor::new(*rep)).unwrap();
                let dir = Box::leak(Box::new(tempfile::tempdir().unwrap()));
                let store: Arc<dyn Store> =
                    Arc::new(SqliteStore::open(dir.path().join("phone.db")).unwrap());
                Replica::seed(store, Arc::new(ManualClock::new(start())), &snapshot).unwrap()
            })
            .collect();
        World {
            server,
            phones,
            issued: HashMap::new(),
            rejections: Vec::new(),
        }
    }

    fn offline(&mut self, rep: usize, entry: &str, request: Value) {
        // A command the phone itself refuses (a quote it does not have) is the rep's error
        // at once, and nothing is queued.
        match self.phones[rep].call(entry, &request.to_string()) {
            Ok(Local::Applied { key, .. } | Local::Queued { key }) => {
                assert!(self.issued.insert(key, 0).is_none(), "a key is issued once");
            }
            Ok(Local::Answered { .. }) => panic!("{entry} is a command"),
            Err(_) => {}
        }
    }

    fn sync(&mut self, rep: usize, deliver: bool) {
        let push = self.phones[rep].push().unwrap().to_bytes().unwrap();
        let reply = self
            .server
            .serve_sync(&Actor::new(REPS[rep]), &push)
            .unwrap();
        if !deliver {
            return;
        }
        for resolution in self.phones[rep]
            .receive(&Reply::from_bytes(&reply).unwrap())
            .unwrap()
        {
            let key = match &resolution {
                Resolution::Accepted { key, .. } | Resolution::AcceptedWithChanges { key, .. } => {
                    key
                }
                Resolution::Rejected { key, problem, .. } => {
                    self.rejections.push(problem.clone());
                    key
                }
            };
            *self
                .issued
                .get_mut(key)
                .expect("a resolution of an issued key") += 1;
        }
    }

    fn decide(&mut self, approve: bool) {
        for manager in ["m-east", "m-west"] {
            for item in self.server.inbox(&Actor::new(manager)).unwrap() {
                let verdict = if approve { "approved" } else { "returned" };
                let _ = self.server.call(
                    &Actor::new(manager),
                    "decide",
                    &json!({"kind": item.kind, "id": item.id, "verdict": verdict, "comment": "sim"}).to_string(),
                    None,
                );
            }
        }
    }
}

/// The documents of a collection on an engine that `rep` may read, as JSON by id.
fn visible(engine: &Engine, rep: &str, entry: &str) -> BTreeMap<String, Value> {
    let list = call(engine, rep, entry, json!({}));
    list.as_array()
        .unwrap()
        .iter()
        .map(|d| (d["id"].as_str().unwrap().to_string(), d.clone()))
        .collect()
}

fn simulate(store: Arc<dyn Store>, ops: &[Op]) {
    let mut world = World::new(store);
    for op in ops {
        match op.clone() {
            Op::Quote(r, n, qty) => world.offline(r, "create_quote", json!({
                "id": format!("Q-{}-{n}", REPS[r]), "customer": format!("C-{}", REPS[r].to_uppercase()),
                "lines": [{"product": "KIS-SEAT", "quantity": qty.to_string()}], "valid_until": "2026-12-31"})),
            Op::SubmitQuote(r, n) => world.offline(r, "submit", json!({"kind": "quote", "id": format!("Q-{}-{n}", REPS[r])})),
            Op::Visit(r, n) => world.offline(r, "log_visit", json!({
                "id": format!("V-{}-{n}", REPS[r]), "customer": format!("C-{}", REPS[r].to_uppercase()),
                "date": "2026-11-27", "kind": "call", "notes": "sim"})),
            Op::Claim(r, n, amount) => {
                let id = format!("X-{}-{n}", REPS[r]);
                world.offline(r, "file_claim", json!({"id": id, "period_from": "2026-11-01", "period_to": "2026-11-30",
                    "lines": [{"category": "travel", "date": "2026-11-20", "amount": amount.to_string(), "description": "trip",
                               "receipt": {"issuer": "Rail", "number": format!("{id}-R"), "date": "2026-11-20", "amount": amount.to_string()}}]}));
                world.offline(r, "submit", json!({"kind": "expense_claim", "id": id}));
            }
            Op::Sync(r) => world.sync(r, true),
            Op::LoseReply(r) => world.sync(r, false),
            Op::Decide(approve) => world.decide(approve),
        }
    }
    // Everyone syncs at the end (twice: the second brings what the first made others do).
    for _ in 0..2 {
        for r in 0..REPS.len() {
            world.sync(r, true);
        }
    }
    // Nothing lost, nothing twice.
    for (key, resolutions) in &world.issued {
        assert_eq!(*resolutions, 1, "{key} was resolved {resolutions} times");
        let runs = world
            .server
            .audit_trail(&Default::default())
            .unwrap()
            .iter()
            .filter(|e| e.idempotency_key.as_deref() == Some(key.as_str()))
            .count();
        assert!(runs <= 1, "{key} ran {runs} times on the server");
    }
    for phone in &world.phones {
        assert!(phone.outbox().unwrap().is_empty());
    }
    // Every rejection says why.
    for problem in &world.rejections {
        assert!(
            !problem.kind.is_empty() && !problem.message.is_empty(),
            "{problem:?}"
        );
    }
    // Converged: each phone holds the server's state of what its rep may see.
    for (r, rep) in REPS.iter().enumerate() {
        for entry in ["quotes", "customers", "expense_claims"] {
            let server = visible(&world.server, rep, entry);
            let phone = visible(world.phones[r].engine(), rep, entry);
            assert_eq!(phone, server, "{rep}'s {entry} on the phone and the server");
        }
    }
    // No approval bypassed: every approved quote was decided by its team's manager here.
    for quote in visible(&world.server, "dir", "quotes").values() {
        let approval = &quote["revisions"].as_array().unwrap().last().unwrap()["approval"];
        if approval["status"] == "approved" {
            let decided: Vec<&str> = approval["steps"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|s| s["decision"]["by"].as_str())
                .collect();
            assert!(decided.iter().all(|by| by.starts_with("m-")), "{quote}");
            assert!(!decided.is_empty(), "{quote}");
        }
    }
    // No budget overspent.
    for line in call(&world.server, "fin", "budget_status", json!({"year": 2026}))
        .as_array()
        .unwrap()
    {
        let consumed: rust_decimal::Decimal = line["consumed"].as_str().unwrap().parse().unwrap();
        let annual: rust_decimal::Decimal = line["annual"].as_str().unwrap().parse().unwrap();
        assert!(consumed <= annual, "{line}");
    }
}

per_backend! {
    /// Random offline work, syncs in random orders and lost replies (16 runs per backend).
    replicas_converge_and_lose_nothing, |_backend, store| {
        // A fresh store per case: the macro's store serves the first, the backend the rest.
        let backend = _backend.replace('-', "_");
        let first = std::sync::Mutex::new(Some(store));
        let config = ProptestConfig { cases: 16, failure_persistence: None, ..ProptestConfig::default() };
        proptest!(config, |(ops in prop::collection::vec(op(), 1..24))| {
            let store = first.lock().unwrap().take().or_else(|| common::backend(&backend)).unwrap();
            simulate(store, &ops);
        });
    }
}
