//! Import (#22): a company's organisation (P2.1), price system (P4.1a), customers (P8.1),
//! targets (P2.2) and the sales its ERP recorded (P5.3a) brought in through the engine,
//! all or nothing per batch, idempotent per row key, on every backend.

mod common;

use std::ops::ControlFlow;

use common::*;
use kis::import::*;
use kis::kpi::{Metrics, Period};
use kis::sales::{Contact, Product};
use kis::*;

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn user(id: &str, role: Role, team: Option<&str>) -> UserRow {
    UserRow {
        id: id.into(),
        name: format!("User {id}"),
        role,
        team: team.map(TeamId::from),
    }
}

/// The whole organisation in one batch, reps listed before their team exists.
fn org_batch() -> ImportBatch {
    ImportBatch {
        users: vec![
            user("li", Role::Rep, Some("east")),
            user("wang", Role::Rep, Some("east")),
            user("dir", Role::Director, None),
            user("m-east", Role::Manager, None),
        ],
        teams: vec![TeamRow {
            id: "east".into(),
            name: "Team East".into(),
            manager: "m-east".into(),
            director: Some("dir".into()),
        }],
        products: vec![Product {
            id: "KIS-PRO".into(),
            name: "KIS Professional".into(),
            category: "software>erp".into(),
            list_price: Money::parse("1000", "CNY").unwrap(),
            cost: Money::parse("600", "CNY").unwrap(),
        }],
        customers: vec![CustomerRow {
            id: "C-1".into(),
            name: "Acme".into(),
            group: "retail".into(),
            owner: "li".into(),
            region: Some("east-china".into()),
            industry: None,
            preferences: None,
            contacts: vec![Contact {
                name: "Zhou".into(),
                title: Some("buyer".into()),
                phone: None,
                email: None,
                birthday: Some(ymd("1980-02-29")),
            }],
        }],
        targets: vec![],
        sales: vec![],
    }
}

fn sale(order: &str, line: u32, date: &str, amount: &str, credits: &[(&str, &str)]) -> SaleRow {
    SaleRow {
        order: order.into(),
        line,
        date: ymd(date),
        customer: "C-1".into(),
        product: "KIS-PRO".into(),
        quantity: dec("2"),
        amount: dec(amount),
        cost: None,
        currency: Currency::new("CNY").unwrap(),
        credits: credits
            .iter()
            .map(|(rep, share)| kis::facts::Credit {
                rep: (*rep).into(),
                share_pct: dec(share),
            })
            .collect(),
        category: Some("software>erp".into()),
        region: Some("east-china".into()),
    }
}

fn sales(engine: &Engine, actor: &Actor) -> Vec<kis::facts::SalesFact> {
    let mut out = Vec::new();
    engine
        .scan_sales_facts(actor, ymd("2026-01-01"), ymd("2026-12-31"), |f| {
            out.push(f);
            ControlFlow::Continue(())
        })
        .unwrap();
    out
}

fn counts(summary: &ImportSummary, table: &str) -> (u64, u64, u64) {
    let t = summary.table(table).expect(table);
    (t.created, t.updated, t.unchanged)
}

per_backend! {
    import_an_organisation_and_its_sales_history, |name, store| {
        let (engine, _) = engine_on(store);
        engine.bootstrap_admin("admin", "Ada Admin").unwrap();
        let admin = Actor::new("admin");
        let director = Actor::new("dir");

        // P2.1: leaders, the team, then its members, from one batch in any row order.
        let summary = engine.execute(&admin, &org_batch()).unwrap();
        assert_eq!(counts(&summary, "users"), (4, 0, 0), "{name}");
        assert_eq!(counts(&summary, "teams"), (1, 0, 0));
        assert_eq!(counts(&summary, "customers"), (1, 0, 0));
        let customer = engine.customer(&admin, "C-1").unwrap();
        assert_eq!(customer.region.as_deref(), Some("east-china"));
        assert_eq!(customer.contacts.len(), 1);
        // P2.2: targets are the director's (or the rep's manager's) to set, not an admin's.
        let targets = ImportBatch {
            targets: vec![TargetRow {
                rep: "li".into(),
                year: 2026,
                annual: Metrics {
                    revenue: Some(dec("120000")),
                    ..Metrics::default()
                },
                distribution: None,
            }],
            ..ImportBatch::default()
        };
        match engine.execute(&admin, &targets) {
            Err(Error::ImportRow { table: "targets", ref key, ref source, .. })
                if key == "2026:li" && matches!(**source, Error::NotAuthorized { .. }) => {}
            other => panic!("{name}: {other:?}"),
        }
        let summary = engine.execute(&director, &targets).unwrap();
        assert_eq!(counts(&summary, "targets"), (1, 0, 0));
        let again = engine.execute(&director, &targets).unwrap();
        assert_eq!(counts(&again, "targets"), (0, 0, 1));
        let audited = engine.audit_trail(&Default::default()).unwrap().len();

        // Importing it again is harmless: every row unchanged, no record written.
        let again = engine.execute(&admin, &org_batch()).unwrap();
        for table in ["users", "teams", "products", "customers"] {
            let (c, u, _) = counts(&again, table);
            assert_eq!((c, u), (0, 0), "{name}: {table}");
        }
        let trail = engine.audit_trail(&Default::default()).unwrap();
        assert_eq!(trail.len(), audited + 1);
        assert!(trail.last().unwrap().changes.is_empty());

        // A changed row updates its record; an owner change is a transfer, not an import.
        let mut changed = org_batch();
        changed.customers[0].name = "Acme Ltd".into();
        changed.users[1].name = "Wang Wei".into();
        let summary = engine.execute(&admin, &changed).unwrap();
        assert_eq!(counts(&summary, "customers"), (0, 1, 0));
        assert_eq!(counts(&summary, "users"), (0, 1, 3));
        assert_eq!(engine.user(&admin, &UserId::from("wang")).unwrap().name, "Wang Wei");
        let mut stolen = org_batch();
        stolen.customers[0].owner = "wang".into();
        match engine.execute(&admin, &stolen) {
            Err(Error::ImportRow { table: "customers", row: 0, ref key, ref source })
                if key == "C-1" && matches!(**source, Error::InvalidState { .. }) => {}
            other => panic!("{name}: {other:?}"),
        }

        // P5.3a: sales recorded elsewhere, one split 60/40, costed from the product.
        let history = ImportBatch {
            sales: vec![
                sale("ERP-1", 1, "2026-03-02", "1800", &[("li", "100")]),
                sale("ERP-1", 2, "2026-03-02", "2000", &[("li", "60"), ("wang", "40")]),
                sale("ERP-2", 1, "2026-11-30", "1900", &[("li", "100")]),
            ],
            ..ImportBatch::default()
        };
        // Reps cannot feed sales in; the refusal names the row and keeps its kind.
        match engine.execute(&Actor::new("li"), &history) {
            Err(Error::ImportRow { table: "sales", ref source, .. })
                if matches!(**source, Error::NotAuthorized { .. }) => {}
            other => panic!("{name}: {other:?}"),
        }
        let summary = engine.execute(&director, &history).unwrap();
        assert_eq!(counts(&summary, "sales"), (3, 0, 0));
        let facts = sales(&engine, &director);
        assert_eq!(facts.len(), 3);
        assert_eq!(facts[0].cost, dec("1200"));
        assert_eq!(facts[0].contract, "");
        assert_eq!(facts[1].credits.len(), 2);
        // The same file again: unchanged, nothing added.
        let summary = engine.execute(&director, &history).unwrap();
        assert_eq!(counts(&summary, "sales"), (0, 0, 3));
        assert_eq!(sales(&engine, &director).len(), 3);
        // KPI counts them: li's March is 1,800 + 60 % of 2,000.
        let march = engine
            .scoreboard(&director, Period::Month { year: 2026, month: 3 }, None)
            .unwrap();
        let li = march.reps.iter().find(|r| r.rep.as_str() == "li").unwrap();
        assert_eq!(li.actuals.revenue, Some(dec("3000")));

        // All or nothing: one bad row in three and no row is written.
        let bad = ImportBatch {
            sales: vec![
                sale("ERP-3", 1, "2026-04-01", "100", &[("li", "100")]),
                SaleRow { customer: "C-404".into(), ..sale("ERP-3", 2, "2026-04-01", "100", &[("li", "100")]) },
                sale("ERP-3", 3, "2026-04-01", "100", &[("li", "70"), ("wang", "20")]),
                // A recorded sale with another amount.
                sale("ERP-1", 1, "2026-03-02", "1700", &[("li", "100")]),
            ],
            ..ImportBatch::default()
        };
        match engine.execute(&director, &bad) {
            Err(Error::ImportRow { table: "sales", row: 1, ref key, ref source })
                if key == "ERP-3:2" && matches!(**source, Error::NotFound { kind: "customer", .. }) => {}
            other => panic!("{name}: {other:?}"),
        }
        assert_eq!(sales(&engine, &director).len(), 3, "{name}: nothing half-imported");
        // The check lists every refused row, and writes nothing either.
        let problems = engine.check_import(&director, &bad).unwrap();
        let rows: Vec<(usize, String)> = problems
            .iter()
            .map(|e| match e {
                Error::ImportRow { row, source, .. } => (*row, format!("{source}")),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(rows.len(), 3, "{rows:?}");
        assert_eq!(rows[0].0, 1);
        assert!(rows[1].1.contains("shares must be positive and sum to 100"), "{rows:?}");
        assert!(rows[2].1.contains("never rewritten"), "{rows:?}");
        assert_eq!(sales(&engine, &director).len(), 3);
        assert!(engine.verify_audit().unwrap().is_intact());
    }
}

/// The wire carries a batch like any command, and `check_import` answers problems with
/// the row's kind and where it is.
#[test]
fn import_over_the_wire() {
    let (engine, _) = engine_on(std::sync::Arc::new(MemoryStore::new()));
    engine.bootstrap_admin("admin", "Ada Admin").unwrap();
    let batch = serde_json::json!({"users": [
        {"id": "dir", "name": "Dong", "role": "director"},
        {"id": "li", "name": "Li", "role": "rep", "team": "nowhere"}
    ]});
    let admin = Actor::new("admin");
    let answer = engine.call(
        &admin,
        "check_import",
        &serde_json::json!({"batch": batch}).to_string(),
        None,
    );
    let problems: serde_json::Value = serde_json::from_str(&answer.unwrap()).unwrap();
    assert_eq!(problems.as_array().unwrap().len(), 1, "{problems}");
    assert_eq!(problems[0]["kind"], "InvalidInput");
    assert_eq!(problems[0]["fields"]["row"], 1);
    assert_eq!(problems[0]["fields"]["table"], "users");
    match engine.call(&admin, "import_batch", &batch.to_string(), None) {
        Err(Error::ImportRow {
            table: "users",
            row: 1,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    // All or nothing: the director of row 0 was not added either.
    assert_eq!(engine.users(&admin).unwrap().len(), 1);
}
