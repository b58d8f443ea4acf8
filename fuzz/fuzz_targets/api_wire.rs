//! Any bytes as a call of the API's wire (`Engine::call`, what the server and sync will
//! decode): the first byte picks the actor, the second the entry (or, past the table, a
//! name that is none), the third whether an idempotency key comes along; the rest is the
//! request's JSON. A typed error or a JSON answer; never a panic, an answer that is not
//! JSON, or a broken audit chain.
#![no_main]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use kis_core::api::{ENTRIES, Problem};
use kis_core::{Actor, Engine};
use libfuzzer_sys::fuzz_target;

#[path = "shared_engine.rs"]
mod shared_engine;
use shared_engine::engine;

static ENGINE: OnceLock<Option<Engine>> = OnceLock::new();
static RUNS: AtomicUsize = AtomicUsize::new(0);

fuzz_target!(|data: &[u8]| {
    let Some(engine) = ENGINE.get_or_init(engine) else {
        return;
    };
    let [who, entry, key, rest @ ..] = data else {
        return;
    };
    let Ok(request) = std::str::from_utf8(rest) else {
        return;
    };
    let actor = Actor::new(["admin", "dir", "m", "li", "fin", "nobody"][usize::from(*who % 6)]);
    let name = ENTRIES
        .get(usize::from(*entry))
        .map_or("no_such_entry", |e| e.name);
    let key = (key % 2 == 1).then_some("fuzz-key");
    match engine.call(&actor, name, request, key) {
        Ok(answer) => {
            assert!(
                serde_json::from_str::<serde_json::Value>(&answer).is_ok(),
                "{name} answered with text that is not JSON: {answer}"
            );
        }
        Err(e) => {
            // Every error has its one description, with core's message.
            let problem = Problem::from(&e);
            assert_eq!(problem.message.is_empty(), e.to_string().is_empty());
        }
    }
    if RUNS.fetch_add(1, Ordering::Relaxed) % 512 == 0
        && let Ok(report) = engine.verify_audit()
    {
        assert!(report.is_intact(), "{report:?}");
    }
});
