//! Offline phones (#18): a server engine on every backend and a rep's replica on its own
//! SQLite file. The rep prices and quotes offline; the push runs on the server under its
//! policy in force; the manager's decision flows back; a replayed push applies nothing
//! twice; a promotion that ended reprices (accepted with changes); a budget spent
//! meanwhile rejects a claim, explained; a message of another protocol asks to upgrade.

mod common;

use std::sync::Arc;

use common::*;
use kis::sync::{Local, Message, Push, Replica, Reply, Resolution};
use kis::*;
use serde_json::{Value, json};

/// Runs `entry` on the server as `actor` with a JSON request; its output as JSON.
fn call(engine: &Engine, actor: &str, entry: &str, request: Value) -> Value {
    let out = engine
        .call(&Actor::new(actor), entry, &request.to_string(), None)
        .unwrap_or_else(|e| panic!("{entry} as {actor}: {e}"));
    serde_json::from_str(&out).unwrap()
}

/// Runs `entry` on the replica offline; what it did.
fn offline(replica: &Replica, entry: &str, request: Value) -> Local {
    replica
        .call(entry, &request.to_string())
        .unwrap_or_else(|e| panic!("offline {entry}: {e}"))
}

/// A replica of `rep` on a fresh SQLite file, seeded from the server's snapshot (as bytes,
/// the way it travels).
fn phone(server: &Engine, rep: &str) -> (Replica, Arc<ManualClock>) {
    let bytes = server
        .snapshot(&Actor::new(rep))
        .unwrap()
        .to_bytes()
        .unwrap();
    let snapshot = kis::sync::Snapshot::from_bytes(&bytes).unwrap();
    let dir = Box::leak(Box::new(tempfile::tempdir().unwrap()));
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path().join("phone.db")).unwrap());
    let clock = Arc::new(ManualClock::new(start()));
    (
        Replica::seed(store, clock.clone(), &snapshot).unwrap(),
        clock,
    )
}

/// Sends the replica's push to the server as bytes; the reply's bytes, and the reply.
fn sync(server: &Engine, replica: &Replica, rep: &str) -> (Vec<u8>, Vec<Resolution>) {
    let push = replica.push().unwrap().to_bytes().unwrap();
    let reply = server.serve_sync(&Actor::new(rep), &push).unwrap();
    let resolutions = replica
        .receive(&Reply::from_bytes(&reply).unwrap())
        .unwrap();
    (push, resolutions)
}

fn quote_request(id: &str, customer: &str, product: &str, qty: u32) -> Value {
    json!({"id": id, "customer": customer, "lines": [{"product": product, "quantity": qty.to_string()}],
           "valid_until": "2026-12-31"})
}

per_backend! {
    /// The whole round: seed, price and quote offline, sync, approve on the server, the
    /// decision back on the phone, a lost reply replayed.
    a_quote_made_offline_is_decided_on_the_server_and_flows_back, |name, store| {
        let (server, _) = engine_on(store);
        let org = setup_org(&server);
        setup_catalogue(&server, &org);
        let (replica, _) = phone(&server, "li");

        // Offline: the price book and the rep's customers are on the phone; another
        // rep's customer is not.
        let price = replica.engine().price_for(&org.rep_li, "C-LI", "KIS-PRO", 3.into()).unwrap();
        assert_eq!(price.unit_price.to_string(), "1000", "{name}");
        let customers: Vec<String> = replica.engine().customers(&org.rep_li).unwrap().into_iter().map(|c| c.id).collect();
        assert_eq!(customers, vec!["C-LI".to_string()], "{name}: a replica holds only what li may see");
        // The care list, the greetings calendar and the scorecard are offline reads too.
        let due = replica.engine().revisits_due(&org.rep_li).unwrap();
        assert_eq!(due, server.revisits_due(&org.rep_li).unwrap(), "{name}");
        let greetings = replica.engine().care_calendar(&org.rep_li, ymd("2026-12-25"), ymd("2027-01-02")).unwrap();
        assert!(greetings.iter().any(|g| g.customer == "C-LI" && g.occasion == "New Year"), "{name}: {greetings:?}");
        let board = replica
            .engine()
            .scoreboard(&org.rep_li, kis::kpi::Period::Month { year: 2026, month: 11 }, None)
            .unwrap();
        assert_eq!(board.reps.iter().map(|r| r.rep.as_str()).collect::<Vec<_>>(), ["li"], "{name}");
        let Local::Applied { key, .. } = offline(&replica, "create_quote", quote_request("Q-PHONE", "C-LI", "KIS-PRO", 2)) else {
            panic!("{name}: not applied");
        };
        offline(&replica, "submit", json!({"kind": "quote", "id": "Q-PHONE"}));
        offline(&replica, "log_visit", json!({"id": "V-1", "customer": "C-LI", "date": "2026-11-27", "kind": "visit", "notes": "demo"}));
        offline(&replica, "open_complaint", json!({"id": "CP-1", "customer": "C-LI", "channel": "phone", "severity": "high", "description": "late delivery"}));
        assert_eq!(replica.outbox().unwrap().len(), 4, "{name}");
        assert_eq!(replica.outbox().unwrap()[0].key, key);
        // Nothing reached the server yet; the manager's inbox there is empty.
        assert!(server.inbox(&org.east_manager).unwrap().is_empty(), "{name}");
        // Approving is never done on a replica, and a command the phone cannot run is refused.
        assert!(matches!(replica.call("put_product", "{}"), Err(Error::InvalidState { .. })), "{name}");

        let (push, resolutions) = sync(&server, &replica, "li");
        assert!(resolutions.iter().all(|r| matches!(r, Resolution::Accepted { .. })), "{name}: {resolutions:?}");
        assert_eq!(resolutions.len(), 4, "{name}");
        assert_eq!(server.complaint(&org.rep_li, "CP-1").unwrap().severity, "high", "{name}");
        assert!(replica.outbox().unwrap().is_empty(), "{name}");
        let inbox = server.inbox(&org.east_manager).unwrap();
        assert_eq!(inbox.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), ["Q-PHONE"], "{name}");

        // The manager approves on the server; the phone pulls and sees it.
        call(&server, "m-east", "decide", json!({"kind": "quote", "id": "Q-PHONE", "verdict": "approved"}));
        let pull = server.changes_since(&org.rep_li, replica.cursor().unwrap(), 100).unwrap();
        replica.receive(&Reply { protocol: kis::sync::PROTOCOL, outcomes: vec![], changes: pull }).unwrap();
        let quote = replica.engine().quote(&org.rep_li, "Q-PHONE").unwrap();
        assert_eq!(quote.status, kis::sales::QuoteStatus::Approved, "{name}");
        assert_eq!(replica.engine().verify_audit().unwrap().mismatches, vec![], "{name}: the replica's own trail verifies");

        // The reply was lost: the same push again runs nothing twice.
        let before = server.audit_trail(&Default::default()).unwrap().len();
        let again = Reply::from_bytes(&server.serve_sync(&org.rep_li, &push).unwrap()).unwrap();
        assert!(again.outcomes.iter().all(|o| o.verdict == kis::sync::Verdict::Accepted), "{name}");
        assert_eq!(server.audit_trail(&Default::default()).unwrap().len(), before, "{name}: nothing applied twice");
        assert!(replica.receive(&again).unwrap().is_empty(), "{name}: an old reply changes nothing");
        assert_eq!(server.quote(&org.rep_li, "Q-PHONE").unwrap().revisions.len(), 1, "{name}");
    }
}

per_backend! {
    /// Accepted with changes: a promotion ended on the server while the phone was
    /// offline, so the server reprices the quote and says by how much and why; the new
    /// policy then reaches the phone. Rejected: a budget spent meanwhile refuses the
    /// rep's claim (P6.3), and the phone drops its provisional claim state.
    repriced_and_rejected_commands_are_explained, |name, store| {
        let (server, server_clock) = engine_on(store);
        let org = setup_org(&server);
        setup_catalogue(&server, &org);
        call(&server, "li", "add_customer", json!({"id": "C-KEY", "name": "Key Co", "group": "key-accounts", "owner": "li"}));
        call(&server, "dir", "propose_budget", json!({"year": 2026, "team": "east", "category": "travel", "annual": "1000"}));
        call(&server, "dir", "submit", json!({"kind": "budget", "id": "2026:east:travel"}));
        call(&server, "fin", "decide", json!({"kind": "budget", "id": "2026:east:travel", "verdict": "approved"}));
        let (replica, _) = phone(&server, "li");

        // Offline: a key account's quote at 10% off, and a claim filed and queued.
        offline(&replica, "create_quote", quote_request("Q-KEY", "C-KEY", "KIS-PRO", 1));
        let provisional = replica.engine().quote(&org.rep_li, "Q-KEY").unwrap();
        assert_eq!(provisional.current().total.amount.to_string(), "900.00", "{name}");
        let claim = |id: &str, amount: &str, number: &str| json!({"id": id, "period_from": "2026-11-01", "period_to": "2026-11-30",
            "lines": [{"category": "travel", "date": "2026-11-20", "amount": amount, "description": "flight",
                       "receipt": {"issuer": "Air China", "number": number, "date": "2026-11-20", "amount": amount}}]});
        offline(&replica, "file_claim", claim("EX-LI", "700", "R1"));
        assert!(matches!(offline(&replica, "submit", json!({"kind": "expense_claim", "id": "EX-LI"})), Local::Queued { .. }));

        // Meanwhile on the server: the promotion ends, and wang spends most of the budget.
        server_clock.advance(chrono::Duration::hours(1)).unwrap();
        let ended = POLICY.replace("action = { percent_off = \"10\" }", "action = { percent_off = \"5\" }");
        server.install_policy(&org.admin, Policy::from_toml(&ended).unwrap(), Some(ymd("2026-11-27"))).unwrap();
        call(&server, "wang", "file_claim", claim("EX-WANG", "400", "R2"));
        call(&server, "wang", "submit", json!({"kind": "expense_claim", "id": "EX-WANG"}));

        let (_, resolutions) = sync(&server, &replica, "li");
        let repriced = resolutions.iter().find_map(|r| match r {
            Resolution::AcceptedWithChanges { entry, changes, .. } if entry == "create_quote" => Some(changes),
            _ => None,
        }).unwrap_or_else(|| panic!("{name}: {resolutions:?}"));
        let total = repriced.iter().find(|d| d.path == "revisions[0].total.amount").expect("the total changed");
        assert_eq!((total.provisional.clone(), total.authoritative.clone()), (Some(json!("900.00")), Some(json!("950.00"))), "{name}");
        assert!(repriced.iter().any(|d| d.path.contains(".trace[")), "{name}: the trace says why: {repriced:?}");
        let rejected = resolutions.iter().find_map(|r| match r {
            Resolution::Rejected { entry, problem, .. } if entry == "submit" => Some(problem),
            _ => None,
        }).unwrap_or_else(|| panic!("{name}: {resolutions:?}"));
        assert_eq!(rejected.kind, "BudgetExceeded", "{name}: {rejected:?}");
        // The phone has the server's state: the repriced quote, the claim as filed (a
        // draft: its submission was refused), and the new price book.
        let quote = replica.engine().quote(&org.rep_li, "Q-KEY").unwrap();
        assert_eq!(quote.current().total.amount.to_string(), "950.00", "{name}");
        let claim = replica.engine().expense_claim(&org.rep_li, "EX-LI").unwrap();
        assert_eq!(claim.status, kis::expense::ClaimStatus::Draft, "{name}");
        let price = replica.engine().price_for(&org.rep_li, "C-KEY", "KIS-PRO", 1.into()).unwrap();
        assert_eq!(price.unit_price.to_string(), "950", "{name}: the replica prices under the server's new policy");
        assert!(replica.outbox().unwrap().is_empty(), "{name}");
    }
}

#[test]
fn a_message_of_another_protocol_asks_to_upgrade() {
    let newer = br#"{"protocol": 99, "cursor": 0, "commands": []}"#;
    let err = Push::from_bytes(newer).unwrap_err();
    assert!(
        matches!(&err, Error::Invalid(e) if e.field == "protocol"),
        "{err}"
    );
    assert!(err.to_string().contains("upgrade kis"), "{err}");
}
