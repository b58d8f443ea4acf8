//! Any JSON as a command from the wire (the shape the HTTP server and sync will decode):
//! decoded, then run on an in-memory engine with a small organisation. A typed error or
//! a result; never a panic, and the audit chain stays intact.
#![no_main]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use kis_core::crm::OpenComplaint;
use kis_core::admin::AddUser;
use kis_core::sales::{AddCustomer, CreateQuote, PutProduct};
use kis_core::{Actor, Engine};
use libfuzzer_sys::fuzz_target;

#[path = "shared_engine.rs"]
mod shared_engine;
use shared_engine::engine;

static ENGINE: OnceLock<Option<Engine>> = OnceLock::new();
static RUNS: AtomicUsize = AtomicUsize::new(0);

fn run<C: kis_core::Command + serde::de::DeserializeOwned>(
    engine: &Engine,
    who: &str,
    json: &[u8],
) {
    if let Ok(command) = serde_json::from_slice::<C>(json) {
        let _ = engine.execute(&Actor::new(who), &command);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(engine) = ENGINE.get_or_init(engine) else {
        return;
    };
    let (who, json) = match data.split_first() {
        Some((b, rest)) => (
            ["admin", "dir", "m", "li", "nobody"][usize::from(*b % 5)],
            rest,
        ),
        None => return,
    };
    run::<PutProduct>(engine, who, json);
    run::<AddCustomer>(engine, who, json);
    run::<CreateQuote>(engine, who, json);
    run::<OpenComplaint>(engine, who, json);
    run::<AddUser>(engine, who, json);
    // The whole chain now and then (it grows with every accepted command).
    if RUNS.fetch_add(1, Ordering::Relaxed) % 512 == 0
        && let Ok(report) = engine.verify_audit()
    {
        assert!(report.is_intact(), "{report:?}");
    }
});
