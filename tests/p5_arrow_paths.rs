//! P5 from three paths that must agree to the cent: the month's scoreboard, the year
//! scored from the store in one pass, and the year scored from the facts exported as
//! Arrow (what an analyst does in Python).

mod common;

use common::*;
use kis::kpi::{Metrics, Period, SetTargets, YearInputs};
use kis::sales::Credit;
use kis::*;
use rust_decimal::Decimal;

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

per_backend! {
    the_store_the_arrow_export_and_the_scoreboard_score_alike, |name, store| {
        let (engine, clock) = engine_on(store);
        let org = setup_org(&engine);
        setup_catalogue(&engine, &org);
        for (rep, revenue) in [("li", "120000"), ("zhao", "60000")] {
            engine
                .execute(
                    &org.director,
                    &SetTargets {
                        rep: rep.into(),
                        year: 2026,
                        annual: Metrics {
                            revenue: Some(dec(revenue)),
                            profit: Some(dec("24000")),
                            ..Metrics::default()
                        },
                        distribution: None,
                    },
                )
                .unwrap();
        }
        let (li, zhao, east, west) = (
            &org.rep_li,
            &org.rep_zhao,
            &org.east_manager,
            &org.west_manager,
        );
        for sale in [
            Sale::new(1, li, east, "C-LI", "KIS-PRO", 2, "2026-03-20"),
            Sale::new(2, zhao, west, "C-ZHAO", "KIS-SEAT", 7, "2026-06-15"),
            Sale {
                credits: Some(vec![
                    Credit {
                        rep: "li".into(),
                        share_pct: dec("33.33"),
                    },
                    Credit {
                        rep: "zhao".into(),
                        share_pct: dec("66.67"),
                    },
                ]),
                ..Sale::new(3, li, east, "C-LI", "KIS-PRO", 3, "2026-06-20")
            },
        ] {
            sell_through(&engine, &org, &clock, &sale);
        }
        let (first, last) = (ymd("2026-01-01"), ymd("2026-12-31"));
        let batches = engine
            .sales_facts_batches(&org.director, first, last)
            .unwrap();
        let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
        assert_eq!(rows, 1 + 1 + 2, "{name}: one row per credited rep");
        assert!(matches!(
            engine.sales_facts_batches(&org.rep_li, first, last),
            Err(Error::NotAuthorized { .. })
        ));
        let from_store = engine.score_year(&org.director, 2026).unwrap();
        // The table path needs the targets as a table; the engine's serve as well.
        let mut inputs = YearInputs::default();
        for s in from_store.iter().filter(|s| s.month.is_none()) {
            if s.targets != Metrics::default() {
                inputs.targets.insert(
                    s.rep.clone(),
                    kis::kpi::Targets {
                        id: format!("2026:{}", s.rep),
                        rep: s.rep.as_str().into(),
                        year: 2026,
                        annual: s.targets.clone(),
                        distribution: None,
                        set_by: "dir".into(),
                    },
                );
            }
        }
        let policy = engine.policy();
        let from_arrow = kis::columnar::score_tables(&policy, 2026, &batches, &inputs).unwrap();
        for s in &from_store {
            let a = from_arrow
                .iter()
                .find(|a| a.rep == s.rep && a.month == s.month);
            match a {
                Some(a) => assert_eq!(
                    (a.actuals.revenue, a.actuals.profit),
                    (s.actuals.revenue, s.actuals.profit),
                    "{name}: {} {:?}",
                    s.rep,
                    s.month
                ),
                // A rep with no sales and no targets is only on the store's list.
                None => assert_eq!(s.actuals.revenue, Some(dec("0.00")), "{name}"),
            }
        }
        // June: zhao 7 seats at 100 (buy-3-get-1 gives 2 free: 500) and 66.67 % of 3000.
        let june = |rep: &str| {
            from_store
                .iter()
                .find(|s| s.rep == rep && s.month == Some(6))
                .unwrap()
                .actuals
                .revenue
        };
        let board = engine
            .scoreboard(
                &org.director,
                Period::Month {
                    year: 2026,
                    month: 6,
                },
                None,
            )
            .unwrap();
        for r in &board.reps {
            assert_eq!(june(r.rep.as_str()), r.actuals.revenue, "{name}: {}", r.rep);
        }
        assert_eq!(june("li"), Some(dec("999.90")));
    }
}
