//! Any bytes as a sync message (#18): the first byte picks who pushes; the rest is read
//! as a push and served by the engine (`Engine::serve_sync`, what kis-server and a phone's
//! host call), and as a reply and a snapshot (what a replica decodes). A typed error or
//! a reply that reads back; never a panic, and the audit chain stays intact.
#![no_main]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use kis_core::api::Problem;
use kis_core::sync::{Message, Reply, Snapshot};
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
    let [who, rest @ ..] = data else {
        return;
    };
    // A replica's decoders: a typed error or a message, whatever the bytes.
    let _ = Reply::from_bytes(rest);
    let _ = Snapshot::from_bytes(rest);
    let actor = Actor::new(["admin", "dir", "m", "li", "fin", "nobody"][usize::from(*who % 6)]);
    match engine.serve_sync(&actor, rest) {
        Ok(reply) => {
            let reply = Reply::from_bytes(&reply).expect("a reply the replica can read");
            assert!(reply.changes.events.len() <= kis_core::feed::MAX_BATCH as usize);
        }
        Err(e) => {
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
