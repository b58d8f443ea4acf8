//! #19's scenario over real HTTP on loopback: a quote made with a rep's token, approved
//! by the manager with theirs, then the rep's phone replica seeds and syncs over HTTP;
//! the change feed wakes a long poll and streams the decision; metrics count it all.
//! On SQLite and on PostgreSQL.

mod support;

use std::io::{BufRead, BufReader};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kis::sync::{Local, Message, Replica, Reply, Resolution, Snapshot};
use kis::{Actor, SqliteStore, Store, SystemClock};
use serde_json::json;
use support::*;

fn days_ahead(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days))
        .date_naive()
        .to_string()
}

fn expiry() -> String {
    (chrono::Utc::now() + chrono::Duration::days(7)).to_rfc3339()
}

fn phone_flow(store: &str) {
    let admin = bootstrap(store, &[]);
    let server = ServerProcess::start(&["--store", store], &[]);
    let c = Client::new(&server.url);
    let t = organisation(&c, &admin, &expiry());

    // The rep quotes with their token; the acting user is the token's, never the body's.
    let quote = c.ok(
        &t["li"],
        "create_quote",
        json!({"id": "Q-1", "customer": "C-LI",
        "lines": [{"product": "KIS-PRO", "quantity": "3"}], "valid_until": days_ahead(20)}),
    );
    assert_eq!(quote["owner"], "li", "{quote}");
    assert_eq!(
        quote["revisions"][0]["total"]["amount"], "3000.00",
        "{quote}"
    );
    let smuggled = c.call(
        &t["li"],
        "submit",
        &json!({"kind": "quote", "id": "Q-1", "actor": "meng"}),
    );
    smuggled.problem(400, "InvalidInput");
    c.ok(&t["li"], "submit", json!({"kind": "quote", "id": "Q-1"}));

    // A long poll by the rep, waiting for what comes next.
    let cursor = c.ok(
        &t["li"],
        "changes_since",
        json!({"after": 0, "limit": 1000}),
    )["cursor"]
        .as_u64()
        .unwrap();
    let poller = {
        let c = c.clone();
        let token = t["li"].clone();
        std::thread::spawn(move || {
            let started = Instant::now();
            let a = c.get(
                &format!("/v1/changes?after={cursor}&wait=20"),
                &[("Authorization", &format!("Bearer {token}"))],
            );
            (a, started.elapsed())
        })
    };
    std::thread::sleep(Duration::from_millis(300));
    // Another rep may not decide, nor read li's quote.
    c.call(
        &t["wang"],
        "decide",
        &json!({"kind": "quote", "id": "Q-1", "verdict": "approved"}),
    )
    .problem(403, "NotAuthorized");
    // The manager approves with their own token.
    let approved = c.ok(
        &t["meng"],
        "decide",
        json!({"kind": "quote", "id": "Q-1", "verdict": "approved"}),
    );
    assert_eq!(approved["status"], "approved", "{approved}");
    let (woken, waited) = poller.join().unwrap();
    assert_eq!(woken.status, 200);
    let events = woken.json()["events"].as_array().unwrap().clone();
    assert!(
        !events.is_empty() && waited < Duration::from_secs(15),
        "the long poll woke on the commit: {waited:?}"
    );
    assert!(
        events
            .iter()
            .any(|e| e["collection"] == "quotes" && e["id"] == "Q-1"),
        "{events:?}"
    );

    // The rep's phone: seeded over HTTP, works offline, syncs over HTTP.
    let snapshot = c.get(
        "/v1/sync/snapshot",
        &[("Authorization", &format!("Bearer {}", t["li"]))],
    );
    assert_eq!(snapshot.status, 200);
    assert_eq!(snapshot.content_type, "application/octet-stream");
    let snapshot = Snapshot::from_bytes(&snapshot.bytes).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let phone_store: Arc<dyn Store> =
        Arc::new(SqliteStore::open(dir.path().join("phone.db")).unwrap());
    let replica = Replica::seed(phone_store, Arc::new(SystemClock), &snapshot).unwrap();
    let li = Actor::new("li");
    assert_eq!(
        replica.engine().quote(&li, "Q-1").unwrap().status,
        kis::sales::QuoteStatus::Approved
    );
    let Local::Applied { .. } = replica
        .call(
            "create_quote",
            &json!({"id": "Q-PHONE", "customer": "C-LI",
            "lines": [{"product": "KIS-PRO", "quantity": "2"}], "valid_until": days_ahead(20)})
            .to_string(),
        )
        .unwrap()
    else {
        panic!("not applied offline")
    };
    replica
        .call(
            "submit",
            &json!({"kind": "quote", "id": "Q-PHONE"}).to_string(),
        )
        .unwrap();
    let push = replica.push().unwrap().to_bytes().unwrap();
    let sync = |bytes: &[u8]| {
        let a = c.post_raw(
            "/v1/sync",
            &[
                ("Authorization", &format!("Bearer {}", t["li"])),
                ("Content-Type", "application/octet-stream"),
            ],
            bytes,
        );
        assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.bytes));
        Reply::from_bytes(&a.bytes).unwrap()
    };
    let reply = sync(&push);
    let resolutions = replica.receive(&reply).unwrap();
    assert_eq!(resolutions.len(), 2);
    assert!(
        resolutions
            .iter()
            .all(|r| matches!(r, Resolution::Accepted { .. })),
        "{resolutions:?}"
    );
    // The manager sees it in their inbox on the server, and approves.
    let inbox = c.ok(&t["meng"], "inbox", json!({}));
    assert!(
        inbox
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == "Q-PHONE"),
        "{inbox}"
    );
    c.ok(
        &t["meng"],
        "decide",
        json!({"kind": "quote", "id": "Q-PHONE", "verdict": "approved"}),
    );
    // The lost-reply replay applies nothing twice; the next sync brings the decision.
    let before = c.ok(&admin, "verify_audit", json!({}))["entries"]
        .as_u64()
        .unwrap();
    let again = sync(&push);
    assert_eq!(
        again.outcomes.len(),
        2,
        "the replay answers each queued command again"
    );
    assert_eq!(
        c.ok(&admin, "verify_audit", json!({}))["entries"]
            .as_u64()
            .unwrap(),
        before,
        "a replayed push writes nothing"
    );
    replica
        .receive(&sync(&replica.push().unwrap().to_bytes().unwrap()))
        .unwrap();
    assert_eq!(
        replica.engine().quote(&li, "Q-PHONE").unwrap().status,
        kis::sales::QuoteStatus::Approved
    );

    // The decision as server-sent events, resumable by id.
    let stream = c.clone();
    let token = t["li"].clone();
    let sse = std::thread::spawn(move || {
        let url = format!("{}/v1/changes/stream?after={cursor}", stream.base);
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(20)))
            .build()
            .into();
        let mut r = agent
            .get(&url)
            .header("Authorization", &format!("Bearer {token}"))
            .call()
            .unwrap();
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/event-stream")
        );
        let mut ids = Vec::new();
        let reader = BufReader::new(r.body_mut().as_reader());
        for line in reader.lines() {
            let line = line.unwrap();
            if let Some(id) = line.strip_prefix("id: ") {
                ids.push(id.parse::<u64>().unwrap());
            }
            if line.contains("Q-PHONE") && line.contains("approved") {
                return ids;
            }
        }
        ids
    });
    let ids = sse.join().unwrap();
    assert!(
        !ids.is_empty() && ids.windows(2).all(|w| w[0] < w[1]),
        "{ids:?}"
    );

    // What happened is in the metrics.
    let metrics = String::from_utf8(c.get("/metrics", &[]).bytes).unwrap();
    assert!(
        metrics.contains("kis_calls_total{entry=\"decide\",kind=\"command\",outcome=\"ok\"} 2"),
        "{metrics}"
    );
    assert!(metrics.contains("outcome=\"NotAuthorized\""), "{metrics}");
    assert!(
        metrics.contains("kis_http_request_duration_seconds_bucket"),
        "{metrics}"
    );
    // The logs are JSON lines with the request's and the call's spans.
    let logs = server.logs();
    let call_line = logs
        .lines()
        .find(|l| l.contains("\"entry\":\"decide\"") && l.contains("\"outcome\":\"ok\""))
        .unwrap_or_else(|| panic!("{logs}"));
    let parsed: serde_json::Value = serde_json::from_str(call_line).unwrap();
    assert_eq!(parsed["span"]["actor"], "meng", "{parsed}");
    let request = &parsed["spans"][0];
    assert_eq!(request["name"], "request", "{parsed}");
    assert!(
        request["request_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty()),
        "{parsed}"
    );
    assert!(server.stop().success());
}

#[test]
fn phone_syncs_over_http_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    phone_flow(dir.path().join("company.db").to_str().unwrap());
}

#[test]
fn phone_syncs_over_http_on_postgres() {
    let Some(url) = fresh_postgres_database("kis_http_phone") else {
        return;
    };
    phone_flow(&url);
}
