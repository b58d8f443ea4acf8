//! The in-process side of `scripts/bench-server.sh`: `price_for` and `create_quote`
//! called through `Engine::call` (the JSON wire kis-server also runs), by 1, 16 and 64
//! threads, on the store given. Prints one `RESULT entry clients rps p50_ms p99_ms`
//! line per run, for the script to set beside the same calls over HTTP.
//!
//! `cargo bench -p kis-server --bench in_process -- <store> [seconds]`

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use kis::{Actor, Engine, Policy};
use serde_json::json;

const POLICY: &str = include_str!("../../examples/policy.toml");

fn call(engine: &Engine, actor: &str, entry: &str, request: serde_json::Value) {
    engine
        .call(&Actor::new(actor), entry, &request.to_string(), None)
        .unwrap_or_else(|e| panic!("{entry}: {e}"));
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// Quote ids, unique across every run on the store.
static NEXT_QUOTE: AtomicU64 = AtomicU64::new(0);

fn run(engine: &Arc<Engine>, entry: &'static str, clients: usize, seconds: u64) {
    let valid = (chrono::Utc::now() + chrono::Duration::days(20))
        .date_naive()
        .to_string();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let engine = Arc::clone(engine);
            let valid = valid.clone();
            std::thread::spawn(move || {
                let mut latencies = Vec::new();
                while Instant::now() < deadline {
                    let request = match entry {
                        "price_for" => json!({"customer": "C-LI", "product": "KIS-PRO", "quantity": "3"}),
                        _ => {
                            let n = NEXT_QUOTE.fetch_add(1, Ordering::Relaxed);
                            json!({"id": format!("Q-IP-{n}"), "customer": "C-LI",
                                "lines": [{"product": "KIS-PRO", "quantity": "3"}], "valid_until": valid})
                        }
                    };
                    let started = Instant::now();
                    call(&engine, "li", entry, request);
                    latencies.push(started.elapsed().as_secs_f64() * 1e3);
                }
                latencies
            })
        })
        .collect();
    let started = Instant::now();
    let mut all: Vec<f64> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    let elapsed = started.elapsed().as_secs_f64().max(seconds as f64);
    all.sort_by(f64::total_cmp);
    println!(
        "RESULT {entry} {clients} {:.1} {:.3} {:.3}",
        all.len() as f64 / elapsed,
        percentile(&all, 0.5),
        percentile(&all, 0.99)
    );
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(location) = args.first() else {
        eprintln!("usage: in_process <store> [seconds]   (run by scripts/bench-server.sh)");
        return;
    };
    let seconds = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(5);
    let store = kis::open_store(location).unwrap();
    let engine = Arc::new(Engine::open(store, Policy::from_toml(POLICY).unwrap()).unwrap());
    engine.bootstrap_admin("admin", "Ada Admin").unwrap();
    call(
        &engine,
        "admin",
        "add_user",
        json!({"id": "meng", "name": "Meng", "role": "manager"}),
    );
    call(
        &engine,
        "admin",
        "add_user",
        json!({"id": "dong", "name": "Dong", "role": "director"}),
    );
    call(
        &engine,
        "admin",
        "add_team",
        json!({"id": "east", "name": "East", "manager": "meng"}),
    );
    call(
        &engine,
        "admin",
        "add_user",
        json!({"id": "li", "name": "Li", "role": "rep", "team": "east"}),
    );
    call(
        &engine,
        "dong",
        "put_product",
        json!({"product": {"id": "KIS-PRO", "name": "KIS Professional", "category": "software>erp",
        "list_price": {"amount": "1000", "currency": "CNY"}, "cost": {"amount": "600", "currency": "CNY"}}}),
    );
    call(
        &engine,
        "li",
        "add_customer",
        json!({"id": "C-LI", "name": "Customer", "group": "retail", "owner": "li"}),
    );
    for entry in ["price_for", "create_quote"] {
        for clients in [1, 16, 64] {
            run(&engine, entry, clients, seconds);
        }
    }
}
