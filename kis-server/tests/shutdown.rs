//! #19: commands in flight. One is held behind another process's write lock on the
//! SQLite file when SIGTERM arrives: the server stops accepting, the command still
//! commits and is answered, then the process exits cleanly. One outlasts the request
//! timeout: 503 `Timeout`, retryable, and the retry with the same idempotency key gets
//! the first result. The store can come from the environment instead of a flag.

mod support;

use std::time::Duration;

use serde_json::json;
use support::*;

#[test]
fn sigterm_lets_an_in_flight_command_finish() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("company.db");
    let store = store.to_str().unwrap().to_string();
    let admin = bootstrap(&store, &[]);
    let server = ServerProcess::start(&["--store", &store], &[]);
    let c = Client::new(&server.url);
    c.ok(
        &admin,
        "add_user",
        json!({"id": "dong", "name": "Dong", "role": "director"}),
    );

    // Another process holds the write lock, so the next command waits for it.
    let lock = rusqlite::Connection::open(&store).unwrap();
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();
    let in_flight = {
        let c = c.clone();
        let admin = admin.clone();
        std::thread::spawn(move || {
            c.call(
                &admin,
                "add_user",
                &json!({"id": "meng", "name": "Meng", "role": "manager"}),
            )
        })
    };
    std::thread::sleep(Duration::from_millis(500));
    server.terminate();
    std::thread::sleep(Duration::from_millis(500));
    // No new connections once shutdown began.
    let late = ureq::get(format!("{}/health", server.url)).call();
    assert!(late.is_err(), "a new request was accepted after SIGTERM");
    lock.execute_batch("COMMIT").unwrap();
    let answer = in_flight.join().unwrap();
    assert_eq!(answer.ok_json()["id"], "meng");
    let status = server.stop();
    assert!(status.success(), "{status:?}");
    // The command committed: a fresh server sees the user.
    let again = ServerProcess::start(&[], &[("KIS_SERVER_STORE", &store)]);
    let users = Client::new(&again.url).ok(&admin, "users", json!({}));
    assert!(
        users.as_array().unwrap().iter().any(|u| u["id"] == "meng"),
        "{users}"
    );
}

#[test]
fn a_command_past_the_timeout_is_503_and_its_retry_gets_the_first_result() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("company.db");
    let store = store.to_str().unwrap().to_string();
    let admin = bootstrap(&store, &[]);
    let config = dir.path().join("server.toml");
    std::fs::write(&config, "[limits]\nrequest_timeout_secs = 1\n").unwrap();
    let server = ServerProcess::start(
        &["--store", &store, "--config", config.to_str().unwrap()],
        &[],
    );
    let c = Client::new(&server.url);
    let lock = rusqlite::Connection::open(&store).unwrap();
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();
    let request = json!({"id": "meng", "name": "Meng", "role": "manager"});
    let slow = c.call_keyed(&admin, "add_user", &request, Some("add:meng"));
    let body = slow.problem(503, "Timeout");
    assert_eq!(body["retryable"], true, "{body}");
    lock.execute_batch("COMMIT").unwrap();
    // The command went on and committed; the retry with its key returns that result.
    std::thread::sleep(Duration::from_millis(300));
    let retried = c.call_keyed(&admin, "add_user", &request, Some("add:meng"));
    assert_eq!(retried.ok_json()["id"], "meng");
    let users = c.ok(&admin, "users", json!({}));
    assert_eq!(
        users
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u["id"] == "meng")
            .count(),
        1
    );
    assert!(server.stop().success());
}
