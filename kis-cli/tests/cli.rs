//! The `kis` binary run on real files (#22): policy files checked, diffed and tested; a
//! SQLite store created, filled from CSV and Parquet, exported, reported on and verified.
//! Exit codes and `--json` are part of what is tested, since scripts depend on them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn example_policy() -> PathBuf {
    root().join("examples/policy.toml")
}

/// Runs `kis` with `args`; returns (exit code, stdout, stderr).
fn kis(args: &[&str]) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(env!("CARGO_BIN_EXE_kis"))
        .args(args)
        .env_remove("KIS_STORE")
        .env_remove("KIS_USER")
        .output()
        .expect("run kis");
    (
        status.code().unwrap_or(-1),
        String::from_utf8(stdout).unwrap(),
        String::from_utf8(stderr).unwrap(),
    )
}

fn json(args: &[&str]) -> (i32, serde_json::Value) {
    let mut all = args.to_vec();
    all.push("--json");
    let (code, out, err) = kis(&all);
    let value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, value)
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn edited_policy(dir: &Path, name: &str, edits: &[(&str, &str)]) -> String {
    let mut text = std::fs::read_to_string(example_policy()).unwrap();
    for (from, to) in edits {
        assert_eq!(text.matches(from).count(), 1, "{from}");
        text = text.replace(from, to);
    }
    write(dir, name, &text)
}

#[test]
fn policy_check_shows_each_problem_under_a_caret() {
    let dir = tempfile::tempdir().unwrap();
    let policy = example_policy();
    let (code, out, _) = kis(&["policy", "check", policy.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("ok, policy"), "{out}");
    assert!(out.contains("time zone Asia/Shanghai"), "{out}");

    let bad = edited_policy(
        dir.path(),
        "bad.toml",
        &[
            ("supervisor = \"0.10\"", "supervisor = \"0.20\""),
            ("file_within_days = 30", "file_within_days = 0"),
        ],
    );
    let (code, out, err) = kis(&["policy", "check", &bad]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("error: `kpi.weights`: weights sum to 1.10, not 1"),
        "{err}"
    );
    assert!(err.contains("bad.toml:92:1"), "{err}");
    assert!(err.contains("^^^^^^^ weights sum to 1.10"), "{err}");
    assert!(err.contains("bad.toml:112:1"), "{err}");
    assert!(
        err.contains("2 problems; the policy was not loaded"),
        "{err}"
    );

    let (code, v) = json(&["policy", "check", &bad]);
    assert_eq!(code, 1);
    assert_eq!(v["ok"], false);
    assert_eq!(v["problems"][0]["key"], "kpi.weights");
    assert_eq!(v["problems"][0]["line"], 92);
    assert_eq!(v["problems"][1]["key"], "expense.file_within_days");

    // Not TOML at all: the line and column of the syntax error.
    let broken = write(dir.path(), "broken.toml", "[general\ncurrency = \"CNY\"\n");
    let (code, _, err) = kis(&["policy", "check", &broken]);
    assert_eq!(code, 1);
    assert!(err.contains("broken.toml:1:"), "{err}");
    // A file that is not there is a failure to run, not a verdict.
    let (code, _, err) = kis(&["policy", "check", "/nonexistent/policy.toml"]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("cannot read"), "{err}");
}

#[test]
fn policy_diff_is_by_meaning() {
    let dir = tempfile::tempdir().unwrap();
    let old = example_policy();
    let old = old.to_str().unwrap();
    // Comments and a decimal written another way: the same policy.
    let same = edited_policy(
        dir.path(),
        "same.toml",
        &[(
            "achievement_cap = \"1.5\"",
            "achievement_cap = \"1.50\"   # unchanged",
        )],
    );
    let (code, out, _) = kis(&["policy", "diff", old, &same]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("the same policy"), "{out}");

    let new = edited_policy(
        dir.path(),
        "new.toml",
        &[
            (
                "action = { percent_off = \"10\" }",
                "action = { percent_off = \"12\" }",
            ),
            ("id = \"buy-3-get-1\"", "id = \"buy-4-get-1\""),
            (
                "revenue = \"0.35\", profit = \"0.25\"",
                "revenue = \"0.45\", profit = \"0.15\"",
            ),
            (
                "{ role = \"legal\" } ]",
                "{ role = \"legal\" }, { role = \"director\" } ]",
            ),
        ],
    );
    let (code, out, _) = kis(&["policy", "diff", old, &new]);
    assert_eq!(code, 1, "{out}");
    for line in [
        "price rule:",
        "~ pricing.rules[key-accounts-10].action.percent_off: \"10\" -> \"12\"",
        "- pricing.rules[buy-3-get-1]",
        "+ pricing.rules[buy-4-get-1]",
        "approval chain:",
        "~ approval.contract.steps",
        "KPI weights:",
        "~ kpi.weights.revenue: \"0.35\" -> \"0.45\"",
        "6 changes",
    ] {
        assert!(out.contains(line), "{line}\n{out}");
    }
    let (_, v) = json(&["policy", "diff", old, &new]);
    assert_eq!(v["same"], false);
    assert_eq!(v["changes"].as_array().unwrap().len(), 6);
}

#[test]
fn policy_test_runs_golden_cases() {
    let dir = tempfile::tempdir().unwrap();
    // The golden cases shipped beside the example policy.
    let cases = root()
        .join("examples/golden/cases.toml")
        .display()
        .to_string();
    let policy = example_policy();
    let (code, out, _) = kis(&["policy", "test", policy.to_str().unwrap(), &cases]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("3 cases, 3 passed, 0 failed"), "{out}");
    let new = edited_policy(
        dir.path(),
        "new.toml",
        &[(
            "action = { percent_off = \"10\" }",
            "action = { percent_off = \"12\" }",
        )],
    );
    let (code, out, _) = kis(&["policy", "test", &new, &cases]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("FAIL  price key accounts get 10 % on software"),
        "{out}"
    );
    assert!(out.contains("unit_price: expected 720, got 704"), "{out}");
    let (code, v) = json(&["policy", "test", &new, &cases]);
    assert_eq!((code, v["failed"].clone()), (1, serde_json::json!(1)));
    // A case file with a typo names its line.
    let typo = write(dir.path(), "typo.toml", "[[price]]\nnme = \"x\"\n");
    let (code, _, err) = kis(&["policy", "test", policy.to_str().unwrap(), &typo]);
    assert_eq!(code, 3);
    assert!(err.contains("line 2"), "{err}");
}

const USERS: &str = "id,name,role,team\n\
li,Li Na,rep,east\n\
wang,Wang Fang,rep,east\n\
dong,Dong Wei,director,\n\
meng,Meng Li,manager,\n";
const TEAMS: &str = "id,name,manager,director\neast,Team East,meng,dong\n";
const PRODUCTS: &str = "id,name,category,list_price,cost,currency\n\
KIS-PRO,KIS Professional,software>erp,12000,7000,CNY\n\
KIS-SEAT,KIS seat,software>seats,800,300,CNY\n";
const CUSTOMERS: &str = "id,name,group,owner,region,contact_name,contact_birthday\n\
C-1,Huaxin Trading,key-accounts,li,east-china,Zhou Min,1980-02-29\n\
C-1,Huaxin Trading,key-accounts,li,east-china,Qian Li,\n\
C-2,Dongfang Retail,retail,wang,north-china,,\n";
const TARGETS: &str = "rep,year,revenue,profit\nli,2026,240000,60000\nwang,2026,120000,30000\n";
/// Two months of sales; ERP-1 line 1 is split 70/30.
const SALES: &str = "order,line,date,customer,product,quantity,amount,currency,rep,share_pct,category,region\n\
ERP-1,1,2026-10-02,C-1,KIS-PRO,2,21600.00,CNY,li,70,software>erp,east-china\n\
ERP-1,1,2026-10-02,C-1,KIS-PRO,2,21600.00,CNY,wang,30,software>erp,east-china\n\
ERP-1,2,2026-10-02,C-1,KIS-SEAT,10,7200.00,CNY,li,100,software>seats,east-china\n\
ERP-2,1,2026-11-12,C-2,KIS-SEAT,5,4000,CNY,wang,100,,\n";

/// A store made by `kis init` and filled by `kis import` from CSV files.
fn filled_store(dir: &Path) -> String {
    let store = dir.join("sales.db").display().to_string();
    let policy = example_policy();
    let (code, out, err) = kis(&[
        "init",
        "--store",
        &store,
        "--policy",
        policy.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let f = |name: &str, text: &str| write(dir, name, text);
    let (users, teams) = (f("users.csv", USERS), f("teams.csv", TEAMS));
    let (code, out, err) = kis(&[
        "import", "users", &users, "teams", &teams, "--store", &store,
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("users: 4 created"), "{out}");
    let (products, customers) = (f("products.csv", PRODUCTS), f("customers.csv", CUSTOMERS));
    let (targets, sales) = (f("targets.csv", TARGETS), f("sales.csv", SALES));
    let (code, out, err) = kis(&[
        "import",
        "products",
        &products,
        "customers",
        &customers,
        "targets",
        &targets,
        "sales",
        &sales,
        "--store",
        &store,
        "--as",
        "dong",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    for line in [
        "customers.csv: 3 rows, 2 customers",
        "sales.csv: 4 rows, 3 sales",
        "products: 2 created",
        "targets: 2 created",
        "sales: 3 created",
    ] {
        assert!(out.contains(line), "{line}\n{out}");
    }
    store
}

#[test]
fn import_is_audited_idempotent_and_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = filled_store(dir.path());
    let sales = dir.path().join("sales.csv").display().to_string();
    // The same file again: every row unchanged.
    let (code, v) = json(&["import", "sales", &sales, "--store", &store, "--as", "dong"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["tables"][0]["unchanged"], 3);
    assert_eq!(v["tables"][0]["created"], 0);
    // A rep may not feed sales in (P2): refused as the command would be.
    let (code, out, _) = kis(&["import", "sales", &sales, "--store", &store, "--as", "li"]);
    assert_eq!(code, 1);
    assert!(out.contains("NotAuthorized"), "{out}");

    // Rows kis refuses, each placed in the file; the good row is not written either.
    let bad = write(
        dir.path(),
        "bad.csv",
        "order,line,date,customer,product,quantity,amount,currency,rep,share_pct\n\
         ERP-3,1,2026-11-20,C-1,KIS-PRO,1,12000,CNY,li,100\n\
         ERP-3,2,2026-11-20,C-9,KIS-PRO,1,12000,CNY,li,100\n\
         ERP-3,3,2026-11-20,C-1,KIS-PRO,1,12000,USD,li,100\n\
         ERP-3,4,2026-11-20,C-1,KIS-PRO,1,12000,CNY,meng,100\n",
    );
    let (code, out, _) = kis(&["import", "sales", &bad, "--store", &store, "--as", "dong"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "bad.csv: row 2 (line 3), column customer: NotFound: customer \"C-9\" not found"
        ),
        "{out}"
    );
    assert!(
        out.contains("row 3 (line 4), column currency: InvalidInput"),
        "{out}"
    );
    assert!(
        out.contains("row 4 (line 5), column rep: InvalidInput"),
        "{out}"
    );
    assert!(out.contains("3 problems; nothing was imported"), "{out}");
    // --check lists the same, and a cell kis cannot read stops everything before the store.
    let (code, v) = json(&[
        "import", "sales", &bad, "--store", &store, "--as", "dong", "--check",
    ]);
    assert_eq!((code, v["problems"].as_array().unwrap().len()), (1, 3));
    let unreadable = write(
        dir.path(),
        "unreadable.csv",
        "order,line,date,customer,product,quantity,amount,currency,rep\n\
         ERP-4,1,2026-11-31,C-1,KIS-PRO,1,12000,CNY,li\n\
         ERP-4,2,2026-11-20,C-1,KIS-PRO,1,1.2.3,CNY,li\n",
    );
    let (code, v) = json(&[
        "import",
        "sales",
        &unreadable,
        "--store",
        &store,
        "--as",
        "dong",
    ]);
    assert_eq!(code, 1);
    let problems = v["problems"].as_array().unwrap();
    assert_eq!(
        (problems[0]["row"].clone(), problems[0]["column"].clone()),
        (1.into(), "date".into())
    );
    assert_eq!(
        (problems[1]["row"].clone(), problems[1]["column"].clone()),
        (2.into(), "amount".into())
    );

    // Batches: the refused batch writes nothing, those before it stay.
    let (code, v) = json(&[
        "import",
        "sales",
        &bad,
        "--store",
        &store,
        "--as",
        "dong",
        "--batch-size",
        "1",
    ]);
    assert_eq!(code, 1);
    assert_eq!(v["committed_batches"], 1, "{v}");
    let (_, v) = json(&[
        "export",
        "facts",
        "--store",
        &store,
        "--as",
        "dong",
        "--out",
        dir.path().join("lake").to_str().unwrap(),
        "--year",
        "2026",
    ]);
    assert_eq!(v["rows"], 5, "{v}"); // four rows before, one good ERP-3 row now
    let (code, out, _) = kis(&["audit", "verify", "--store", &store]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("intact"), "{out}");
}

#[test]
fn export_partitions_by_month_and_imports_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = filled_store(dir.path());
    let lake = dir.path().join("lake");
    let lake = lake.to_str().unwrap();
    let (code, v) = json(&[
        "export", "facts", "--store", &store, "--as", "dong", "--out", lake, "--year", "2026",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["rows"], 4);
    let october = dir.path().join("lake/facts/month=2026-10/part-0.parquet");
    assert!(october.exists());
    assert!(
        dir.path()
            .join("lake/facts/month=2026-11/part-0.parquet")
            .exists()
    );
    let (code, _, _) = kis(&[
        "export", "facts", "--store", &store, "--as", "dong", "--out", lake, "--year", "2026",
        "--format", "csv",
    ]);
    assert_eq!(code, 0);
    let csv =
        std::fs::read_to_string(dir.path().join("lake/facts/month=2026-10/part-0.csv")).unwrap();
    assert!(
        csv.starts_with(
            "id,date,order,contract,customer,product,rep,share_pct,quantity,amount,cost,currency\n"
        ),
        "{csv}"
    );
    assert!(
        csv.contains(
            "2026-10-02:ERP-1:001,2026-10-02,ERP-1,,C-1,KIS-PRO,wang,30,2,21600.00,14000.00,CNY"
        ),
        "{csv}"
    );
    for what in ["audit", "scorecards", "claims"] {
        let (code, v) = json(&[
            "export", what, "--store", &store, "--as", "dong", "--out", lake, "--year", "2026",
        ]);
        assert_eq!(code, 0, "{what}: {v}");
    }
    assert!(
        dir.path()
            .join("lake/scorecards/month=2026-10/part-0.parquet")
            .exists()
    );
    assert!(
        dir.path()
            .join("lake/scorecards/month=2026/part-0.parquet")
            .exists()
    );
    // A rep may not export the company's facts (P2).
    let (code, _, err) = kis(&[
        "export", "facts", "--store", &store, "--as", "li", "--out", lake,
    ]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("may not"), "{err}");

    // The exported Parquet goes into another store as it came out: split credits and all.
    let other = dir.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    let second = filled_store(&other);
    let (code, v) = json(&[
        "import",
        "sales",
        october.to_str().unwrap(),
        "--store",
        &second,
        "--as",
        "dong",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["tables"][0]["unchanged"], 2, "{v}");
}

#[test]
fn reports_impact_and_damage() {
    let dir = tempfile::tempdir().unwrap();
    let store = filled_store(dir.path());
    let (code, out, _) = kis(&[
        "report", "--period", "2026-10", "--store", &store, "--as", "dong",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("# Sales report: company, 2026-10"), "{out}");
    assert!(out.contains("| Revenue | 28,800.00 |"), "{out}");
    let html = dir.path().join("east.html");
    let (code, _, _) = kis(&[
        "report",
        "--period",
        "2026-10",
        "--team",
        "east",
        "--format",
        "html",
        "--store",
        &store,
        "--as",
        "dong",
        "--out",
        html.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(
        page.contains("<svg") && page.contains("Revenue by category"),
        "{page}"
    );
    assert!(page.contains("<td class=\"n\">28,800.00</td>"), "{page}");
    // Self-contained: no script, no stylesheet or image fetched from elsewhere.
    assert!(!page.contains("<script") && !page.contains("<link") && !page.contains("src="));
    let (code, _, err) = kis(&["report", "--period", "2026-13", "--store", &store]);
    assert_eq!(code, 2, "{err}");

    // Impact: other weights move li's October score; the same policy moves nothing.
    let new = edited_policy(
        dir.path(),
        "new.toml",
        &[(
            "revenue = \"0.35\", profit = \"0.25\"",
            "revenue = \"0.45\", profit = \"0.15\"",
        )],
    );
    let args = ["--store", &store, "--as", "dong", "--today", "2026-10-20"];
    let (code, v) = json(&[&["policy", "impact", &new][..], &args[..]].concat());
    assert_eq!(code, 0, "{v}");
    let scores = v["scores"].as_array().unwrap();
    assert!(
        scores
            .iter()
            .any(|s| s["rep"] == "li" && s["period"] == "2026-10"),
        "{v}"
    );
    let policy = example_policy();
    let (_, v) = json(
        &[
            &["policy", "impact", policy.to_str().unwrap()][..],
            &args[..],
        ]
        .concat(),
    );
    assert_eq!(v["scores"].as_array().unwrap().len(), 0, "{v}");

    // An edit behind kis's back is found.
    let db = rusqlite::Connection::open(&store).unwrap();
    let n = db
        .execute(
            "UPDATE documents SET body = replace(body, 'Huaxin Trading', 'Huaxin Trading Ltd') WHERE collection = 'customers'",
            [],
        )
        .unwrap();
    assert!(n >= 1);
    drop(db);
    let (code, out, err) = kis(&["audit", "verify", "--store", &store]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("DAMAGE FOUND"), "{out}");
    // A store without a policy says how to make one.
    let empty = dir.path().join("empty.db").display().to_string();
    let (code, _, err) = kis(&["audit", "verify", "--store", &empty]);
    assert_eq!(code, 3);
    assert!(err.contains("kis init"), "{err}");
}
