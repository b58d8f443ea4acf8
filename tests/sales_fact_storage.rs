//! How sales facts are stored (P5.3a, P9.1), on every backend: segments read back in date
//! order whatever order facts arrive in, a duplicate id writes nothing, and facts that
//! an earlier kis kept as JSON documents are moved into segments when the engine opens.

mod common;

use std::ops::ControlFlow;

use chrono::{Days, NaiveDate};
use common::*;
use kis::sales::{Credit, SalesFact, append_facts};
use kis::store::{Expected, TxMode};
use kis::*;
use rust_decimal::Decimal;

fn fact(date: NaiveDate, order: usize, cents: i64, reps: &[&str]) -> SalesFact {
    let share = Decimal::from(100) / Decimal::from(reps.len().max(1) as i64);
    SalesFact {
        id: SalesFact::make_id(date, &format!("O-{order:06}"), 1),
        date,
        order: format!("O-{order:06}"),
        contract: format!("K-{order}"),
        customer: format!("C-{}", order % 7),
        product: "P-1".into(),
        quantity: Decimal::new(15, 1),
        amount: Decimal::new(cents, 2),
        cost: Decimal::new(cents / 3, 3),
        currency: "CNY".parse().unwrap(),
        credits: reps
            .iter()
            .map(|r| Credit {
                rep: (*r).into(),
                share_pct: share,
            })
            .collect(),
    }
}

fn read_all(engine: &Engine, org: &Org, from: &str, to: &str) -> Vec<SalesFact> {
    let mut facts = Vec::new();
    engine
        .scan_sales_facts(&org.director, ymd(from), ymd(to), |f| {
            facts.push(f);
            ControlFlow::Continue(())
        })
        .unwrap();
    facts
}

per_backend! {
    facts_arriving_in_any_order_read_back_sorted_on_every_backend, |name, store| {
        let (engine, _) = engine_on(store.clone());
        let org = setup_org(&engine);
        // 4,000 facts over three months, delivered in a scrambled order in batches, so
        // that segments fill, split and take late facts in their middle.
        let jan1 = ymd("2026-01-01");
        let mut all: Vec<SalesFact> = (0..4000)
            .map(|i| {
                let date = jan1 + Days::new((i * 7919 % 90) as u64);
                fact(date, i, 1000 + i as i64, &["li", "wang"][..1 + i % 2])
            })
            .collect();
        for batch in all.chunks(250) {
            store::write(store.as_ref(), |tx| append_facts(tx, batch)).unwrap();
        }
        all.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(
            read_all(&engine, &org, "2026-01-01", "2026-12-31"),
            all,
            "{name}"
        );
        let feb: Vec<&SalesFact> = all.iter().filter(|f| f.id.starts_with("2026-02")).collect();
        let read_feb = read_all(&engine, &org, "2026-02-01", "2026-02-28");
        assert_eq!(read_feb.iter().collect::<Vec<_>>(), feb, "{name}");
        let one_day = read_all(&engine, &org, "2026-03-05", "2026-03-05");
        assert!(!one_day.is_empty() && one_day.iter().all(|f| f.date == ymd("2026-03-05")));

        // One reader thread or three: the same export and the same scores.
        let (from, to) = (ymd("2026-01-01"), ymd("2026-12-31"));
        engine.set_reader_threads(1);
        assert_eq!(engine.reader_threads(), 1);
        let one = engine.sales_facts_batches(&org.director, from, to).unwrap();
        let scored_on_one = engine.score_year(&org.director, 2026).unwrap();
        engine.set_reader_threads(3);
        let three = engine.sales_facts_batches(&org.director, from, to).unwrap();
        assert_eq!(one, three, "{name}");
        assert_eq!(
            engine.score_year(&org.director, 2026).unwrap(),
            scored_on_one
        );
        let rows: usize = one.iter().map(|b| b.num_rows()).sum();
        assert_eq!(
            rows,
            all.iter().map(|f| f.credits.len()).sum::<usize>(),
            "{name}"
        );
        engine.set_reader_threads(0);
        assert!((1..=8).contains(&engine.reader_threads()));

        // A batch with one existing id writes none of its facts.
        let again = vec![fact(ymd("2026-04-01"), 90_001, 5, &["li"]), all[17].clone()];
        let err = store::write(store.as_ref(), |tx| append_facts(tx, &again)).unwrap_err();
        assert!(matches!(err, Error::AlreadyExists { .. }), "{name}: {err}");
        assert!(
            read_all(&engine, &org, "2026-04-01", "2026-04-30").is_empty(),
            "{name}"
        );
    }
}

per_backend! {
    facts_stored_as_json_documents_move_into_segments_when_the_engine_opens, |name, store| {
        let (engine, _) = engine_on(store.clone());
        let org = setup_org(&engine);
        drop(engine);
        let old = [
            fact(ymd("2026-02-03"), 2, 250, &["li"]),
            fact(ymd("2026-01-30"), 1, 1999, &["li", "wang"]),
        ];
        store::write(store.as_ref(), |tx| {
            for f in &old {
                let body = serde_json::to_string(f).unwrap();
                tx.put(SalesFact::COLLECTION, &f.id, &body, Expected::Absent)?;
            }
            Ok::<_, StoreError>(())
        })
        .unwrap();
        let (engine, _) = engine_on(store.clone());
        let moved = read_all(&engine, &org, "2026-01-01", "2026-02-28");
        assert_eq!(moved, [old[1].clone(), old[0].clone()], "{name}");
        let mut left = 0;
        let mut tx = store.begin(TxMode::Read).unwrap();
        tx.scan(SalesFact::COLLECTION, "", &mut |_| {
            left += 1;
            ControlFlow::Continue(())
        })
        .unwrap();
        assert_eq!(left, 0, "{name}: the JSON documents are gone");
        drop(tx);
        // Opening again finds nothing to move and changes nothing.
        let (engine, _) = engine_on(store.clone());
        assert_eq!(read_all(&engine, &org, "2026-01-01", "2026-02-28"), moved);
    }
}
