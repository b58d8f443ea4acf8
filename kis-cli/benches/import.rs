//! `kis import` of 1,000,000 sales facts (1.2 M CSV rows: a fifth are split between two
//! reps, one row each) from CSV, end to end with the release binary
//! (#22): the file read and every cell checked, then the rows through the engine in
//! batches of 10,000 into a SQLite store (synchronous=FULL), each batch one audited
//! transaction. Then the same file again (every row unchanged). Not a test: run with
//! `cargo bench -p kis-cli --bench import [-- FACTS]`.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

fn kis(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_kis"))
        .args(args)
        .output()
        .expect("run kis");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "kis {args:?}: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn main() {
    let facts: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let store = dir.path().join("bench.db").display().to_string();
    let policy = root.join("examples/policy.toml");
    kis(&[
        "init",
        "--store",
        &store,
        "--policy",
        policy.to_str().unwrap(),
    ]);

    // 200 reps in 10 teams, 50 products, 2,000 customers.
    let mut users = String::from("id,name,role,team\ndong,Dong,director,\n");
    let mut teams = String::from("id,name,manager,director\n");
    for t in 0..10 {
        let _ = writeln!(users, "m{t},Manager {t},manager,");
        let _ = writeln!(teams, "t{t},Team {t},m{t},dong");
    }
    for r in 0..200 {
        let _ = writeln!(users, "r{r},Rep {r},rep,t{}", r % 10);
    }
    let mut products = String::from("id,name,category,list_price,cost\n");
    for p in 0..50 {
        let _ = writeln!(
            products,
            "P{p},Product {p},cat{}>sub{},{}.00,{}.50",
            p % 5,
            p % 3,
            100 + p,
            40 + p
        );
    }
    let mut customers = String::from("id,name,group,owner,region\n");
    for c in 0..2000 {
        let _ = writeln!(
            customers,
            "C{c},Customer {c},group{},r{},region{}",
            c % 7,
            c % 200,
            c % 9
        );
    }
    let (u, t) = (
        write(dir.path(), "users.csv", &users),
        write(dir.path(), "teams.csv", &teams),
    );
    kis(&["import", "users", &u, "teams", &t, "--store", &store]);
    let (p, c) = (
        write(dir.path(), "products.csv", &products),
        write(dir.path(), "customers.csv", &customers),
    );
    kis(&[
        "import",
        "products",
        &p,
        "customers",
        &c,
        "--store",
        &store,
        "--as",
        "dong",
    ]);

    // A year of sales in date order; every fifth one split 60/40 between two reps.
    let mut sales = String::with_capacity(facts * 100);
    sales
        .push_str("order,line,date,customer,product,quantity,amount,cost,currency,rep,share_pct\n");
    let mut written = 0usize;
    let mut order = 0usize;
    while order < facts {
        let day = order * 365 / facts.max(1);
        let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
            + chrono::Days::new(day.min(364) as u64);
        let customer = order % 2000;
        let owner = customer % 200;
        let product = order % 50;
        let qty = 1 + order % 9;
        let amount = format!("{}.{:02}", (100 + product) * qty, order % 100);
        let cost = format!("{}.00", (40 + product) * qty);
        if order.is_multiple_of(5) {
            let _ = writeln!(
                sales,
                "O{order},1,{date},C{customer},P{product},{qty},{amount},{cost},CNY,r{owner},60"
            );
            let _ = writeln!(
                sales,
                "O{order},1,{date},C{customer},P{product},{qty},{amount},{cost},CNY,r{},40",
                (owner + 1) % 200
            );
            written += 2;
        } else {
            let _ = writeln!(
                sales,
                "O{order},1,{date},C{customer},P{product},{qty},{amount},{cost},CNY,r{owner},100"
            );
            written += 1;
        }
        order += 1;
    }
    let file = write(dir.path(), "sales.csv", &sales);
    let mb = sales.len() as f64 / 1e6;
    drop(sales);

    let started = Instant::now();
    let out = kis(&[
        "import", "sales", &file, "--store", &store, "--as", "dong", "--json",
    ]);
    let first = started.elapsed().as_secs_f64();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let created = v["tables"][0]["created"].as_u64().unwrap();
    let started = Instant::now();
    let out = kis(&[
        "import", "sales", &file, "--store", &store, "--as", "dong", "--json",
    ]);
    let again = started.elapsed().as_secs_f64();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let unchanged = v["tables"][0]["unchanged"].as_u64().unwrap();
    let db_mb = std::fs::metadata(dir.path().join("bench.db"))
        .map(|m| m.len())
        .unwrap_or(0) as f64
        / 1e6;
    println!(
        "kis import sales: {written} CSV rows ({mb:.0} MB, {order} sales as {created} facts, 20 % split)"
    );
    println!(
        "  first import:  {first:.1} s  ({:.0} facts/s, {} batches of 10,000 sales)",
        created as f64 / first,
        v["batches"]
    );
    println!("  same file again (all {unchanged} unchanged): {again:.1} s");
    println!(
        "  SQLite file after: {db_mb:.0} MB (facts in segments, every fact in the audit trail)"
    );
}
