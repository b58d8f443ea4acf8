//! #19: several servers, one PostgreSQL database, one company. Two `kis-server`
//! processes share a database: a quote made through one is approved through the other;
//! a long poll on one wakes for the other's commit; a policy installed through one
//! prices on the other; racing writes of the same records through both leave exactly
//! one winner each; both verify the same intact audit chain.

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::*;

#[test]
fn two_servers_on_one_postgres_database() {
    let Some(url) = fresh_postgres_database("kis_cluster") else {
        return;
    };
    let admin = bootstrap(&url, &[]);
    let a = ServerProcess::start(&["--store", &url], &[]);
    let b = ServerProcess::start(&["--store", &url], &[]);
    let ca = Client::new(&a.url);
    let cb = Client::new(&b.url);
    let expires = (chrono::Utc::now() + chrono::Duration::days(7)).to_rfc3339();
    let t = organisation(&ca, &admin, &expires);
    let valid = (chrono::Utc::now() + chrono::Duration::days(20))
        .date_naive()
        .to_string();

    // A quote through A, reviewed through B, read back through A.
    ca.ok(
        &t["li"],
        "create_quote",
        json!({"id": "Q-1", "customer": "C-LI",
        "lines": [{"product": "KIS-PRO", "quantity": "3"}], "valid_until": valid}),
    );
    ca.ok(&t["li"], "submit", json!({"kind": "quote", "id": "Q-1"}));
    let cursor = ca.ok(
        &t["li"],
        "changes_since",
        json!({"after": 0, "limit": 1000}),
    )["cursor"]
        .as_u64()
        .unwrap();
    let poller = {
        let ca = ca.clone();
        let token = t["li"].clone();
        std::thread::spawn(move || {
            let started = Instant::now();
            let answer = ca.get(
                &format!("/v1/changes?after={cursor}&wait=20"),
                &[("Authorization", &format!("Bearer {token}"))],
            );
            (answer, started.elapsed())
        })
    };
    std::thread::sleep(Duration::from_millis(200));
    cb.ok(
        &t["meng"],
        "decide",
        json!({"kind": "quote", "id": "Q-1", "verdict": "approved"}),
    );
    let (woken, waited) = poller.join().unwrap();
    let events = woken.json()["events"].as_array().unwrap().clone();
    assert!(
        events
            .iter()
            .any(|e| e["id"] == "Q-1" && e["state"]["status"] == "approved"),
        "{events:?}"
    );
    assert!(
        waited < Duration::from_secs(5),
        "A's long poll saw B's commit after {waited:?}"
    );
    assert_eq!(
        ca.ok(&t["li"], "quote", json!({"id": "Q-1"}))["status"],
        "approved"
    );

    // A policy installed through B is in force on A.
    let before = ca.ok(
        &t["li"],
        "price_for",
        json!({"customer": "C-LI", "product": "KIS-PRO", "quantity": "1"}),
    );
    assert_eq!(before["unit_price"], "1000");
    let text = std::fs::read_to_string(policy_path()).unwrap()
        + "\n[[pricing.rules]]\nid = \"cluster-ten-off\"\nproducts = { id = \"KIS-PRO\" }\naction = { percent_off = \"10\" }\npriority = 100\n";
    let installed = cb.ok(&admin, "install_policy", json!({"policy": text}));
    let after = ca.ok(
        &t["li"],
        "price_for",
        json!({"customer": "C-LI", "product": "KIS-PRO", "quantity": "1"}),
    );
    assert_eq!(
        after["unit_price"], "900",
        "A prices under the policy B installed: {after}"
    );
    let ready = ca.get("/ready", &[]).json();
    assert_eq!(ready["policy"], installed["hash"], "{ready}");

    // The same new customers through both at once: each has exactly one winner.
    let racers: Vec<_> = [ca.clone(), cb.clone()]
        .into_iter()
        .map(|c| {
            let token = t["li"].clone();
            std::thread::spawn(move || {
                (0..15)
                    .map(|i| c.call(&token, "add_customer", &json!({"id": format!("C-R{i}"), "name": "Raced", "group": "retail", "owner": "li"})).status)
                    .collect::<Vec<u16>>()
            })
        })
        .collect();
    let results: Vec<Vec<u16>> = racers.into_iter().map(|r| r.join().unwrap()).collect();
    for (i, (first, second)) in results[0].iter().zip(&results[1]).enumerate() {
        let mut pair = [*first, *second];
        pair.sort();
        assert_eq!(pair, [200, 409], "customer C-R{i}: {pair:?}");
    }

    // One chain, intact, seen the same from both.
    let va = ca.ok(&admin, "verify_audit", json!({}));
    let vb = cb.ok(&admin, "verify_audit", json!({}));
    assert_eq!(va["mismatches"], json!([]));
    assert!(va["broken"].is_null(), "{va}");
    assert_eq!(va["entries"], vb["entries"]);
    assert!(a.stop().success());
    assert!(b.stop().success());
}
