//! `policy_impact` (#22): what installing a policy would change, judged on the store as
//! it is and writing nothing: quotes repriced (P4.1), scores and bands (P5.2), budget
//! control (P6.3).

mod common;

use common::*;
use kis::expense::ProposeBudget;
use kis::import::{ImportBatch, SaleRow};
use kis::kpi::{Metrics, SetTargets};
use kis::sales::CreateQuote;
use kis::*;

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

per_backend! {
    policy_impact_lists_quotes_scores_and_budgets_it_would_change, |name, store| {
        let (engine, _) = engine_on(store);
        let org = setup_org(&engine);
        setup_catalogue(&engine, &org);
        // An open quote of 10 KIS-PRO for C-LI: the volume tier of 10 takes 5 % off.
        let quote = engine
            .execute(&org.rep_li, &CreateQuote {
                id: "Q-1".into(),
                customer: "C-LI".into(),
                lines: vec![line("KIS-PRO", 10)],
                valid_until: ymd("2026-12-31"),
            })
            .unwrap();
        assert_eq!(quote.current().total.amount, dec("9500.00"));
        // li sold 3,000 this month against a 12,000 target (a month of 144,000 a year).
        engine
            .execute(&org.director, &SetTargets {
                rep: "li".into(),
                year: 2026,
                annual: Metrics { revenue: Some(dec("144000")), profit: Some(dec("14400")), ..Metrics::default() },
                distribution: None,
            })
            .unwrap();
        engine
            .execute(&org.director, &ImportBatch {
                sales: vec![SaleRow {
                    order: "ERP-9".into(),
                    line: 1,
                    date: ymd("2026-11-20"),
                    customer: "C-LI".into(),
                    product: "KIS-PRO".into(),
                    quantity: dec("3"),
                    amount: dec("3000"),
                    cost: None,
                    currency: Currency::new("CNY").unwrap(),
                    credits: vec![kis::facts::Credit { rep: "li".into(), share_pct: dec("100") }],
                    category: None,
                    region: None,
                }],
                ..ImportBatch::default()
            })
            .unwrap();
        engine
            .execute(&org.east_manager, &ProposeBudget {
                year: 2026,
                team: "east".into(),
                category: "travel".into(),
                annual: dec("12000"),
                distribution: None,
                reason: None,
            })
            .unwrap();
        let audited = engine.audit_trail(&Default::default()).unwrap().len();

        // The same policy changes nothing.
        let same = engine.policy_impact(&org.director, &engine.policy()).unwrap();
        assert!(same.quotes.is_empty() && same.scores.is_empty() && same.budgets.is_empty(), "{name}");
        assert_eq!(same.quotes_checked, 1);

        // Another volume tier, other weights, a softer annual budget check.
        let text = std::fs::read_to_string("examples/policy.toml").unwrap()
            .replace("{ from = 10, percent_off = \"5\" }", "{ from = 10, percent_off = \"8\" }")
            .replace("revenue = \"0.35\", profit = \"0.25\"", "revenue = \"0.45\", profit = \"0.15\"")
            .replace("annual = \"stop\", monthly = \"warn\"", "annual = \"warn\", monthly = \"warn\"");
        let new = Policy::from_toml(&text).unwrap();
        let impact = engine.policy_impact(&org.director, &new).unwrap();
        assert_eq!(impact.quotes.len(), 1, "{name}");
        let q = &impact.quotes[0];
        assert_eq!((q.quote.as_str(), q.current_total, q.new_total), ("Q-1", dec("9500.00"), dec("9200.00")));
        let li: Vec<_> = impact.scores.iter().filter(|s| s.rep.as_str() == "li").collect();
        assert_eq!(li.len(), 2, "{:?}", impact.scores);
        assert_eq!(li[0].period, "2026-11");
        assert_eq!(li[1].period, "2026");
        assert!(li[0].new_score != li[0].current_score);
        assert_eq!(impact.budgets.len(), 1);
        assert_eq!(impact.budgets[0].budget, "2026:east:travel");
        assert_eq!((impact.budgets[0].current.annual.as_str(), impact.budgets[0].new.annual.as_str()), ("stop", "warn"));
        // Nothing written, and only the director or an admin may ask.
        assert_eq!(engine.audit_trail(&Default::default()).unwrap().len(), audited);
        assert!(matches!(engine.policy_impact(&org.rep_li, &new), Err(Error::NotAuthorized { .. })));
    }
}
