//! Pricing in the documents (P4.1, P4.2, P3.3) and policy versions (the engine-semantics
//! issue): quotes are priced by the price book for their customer and day, each revision
//! keeps its prices and trace, an approved quote keeps its prices when a new policy
//! arrives, and a draft is repriced when it is next edited.

mod common;

use chrono::Duration;
use common::*;
use kis::approval::{DocKind, Verdict};
use kis::pricing::Outcome;
use kis::reviews::{Decide, Submit};
use kis::sales::*;
use kis::*;
use rust_decimal::Decimal;

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn key_account(engine: &Engine, org: &Org) {
    engine
        .execute(
            &org.rep_li,
            &AddCustomer {
                id: "C-KEY".into(),
                name: "Key Co".into(),
                group: "key-accounts".into(),
                owner: "li".into(),
            },
        )
        .unwrap();
}

fn create(engine: &Engine, org: &Org, id: &str, lines: Vec<LineRequest>) -> Quote {
    engine
        .execute(
            &org.rep_li,
            &CreateQuote {
                id: id.into(),
                customer: "C-KEY".into(),
                lines,
                valid_until: day0() + Duration::days(30),
            },
        )
        .unwrap()
}

per_backend! {
    p4_a_key_account_quote_gets_the_group_rule_with_its_trace, |name, store| {
        let (engine, _) = engine_on(store);
        let org = setup_org(&engine);
        setup_catalogue(&engine, &org);
        key_account(&engine, &org);
        let q = create(
            &engine,
            &org,
            "Q-K1",
            vec![line("KIS-PRO", 3), line("KIS-SEAT", 7)],
        );
        let pro = &q.current().lines[0];
        assert_eq!(
            (pro.list_price, pro.engine_price, pro.line_total),
            (dec("1000"), dec("900"), dec("2700.00")),
            "{name}"
        );
        assert_eq!(pro.rules, ["key-accounts-10"]);
        let outranked = pro
            .trace
            .iter()
            .find(|t| t.rule == "volume-schedule")
            .unwrap();
        assert_eq!(
            outranked.outcome,
            Outcome::Outranked,
            "the tier schedule has a lower priority"
        );
        let promo = pro
            .trace
            .iter()
            .find(|t| t.rule == "double-eleven")
            .unwrap();
        assert!(
            promo
                .detail
                .contains("outside the window 2026-11-01..2026-11-11"),
            "{}",
            promo.detail
        );
        let seat = &q.current().lines[1];
        assert_eq!(
            (seat.engine_price, seat.free_units),
            (dec("90"), dec("2")),
            "buy 3 get 1, repeating: 7 -> 2 free"
        );
        assert_eq!(q.current().total.amount, dec("3330.00"));
        // The special-price limit is the engine price, not the list price.
        let err = engine
            .execute(
                &org.rep_li,
                &FilePriceException {
                    id: "PE-K".into(),
                    customer: "C-KEY".into(),
                    product: "KIS-PRO".into(),
                    price: dec("950"),
                    max_quantity: dec("3"),
                    valid_from: day0(),
                    valid_to: day0(),
                    reason: "r".into(),
                },
            )
            .unwrap_err();
        assert!(
            err.to_string().contains("below the engine price 900"),
            "{err}"
        );
    }
}

per_backend! {
    a_policy_change_reprices_the_draft_and_not_the_approved_quote, |name, store| {
        let (engine, _) = engine_on(store);
        let org = setup_org(&engine);
        setup_catalogue(&engine, &org);
        key_account(&engine, &org);
        let v1 = engine.policy().hash().to_string();
        create(&engine, &org, "Q-DRAFT", vec![line("KIS-PRO", 2)]);
        create(&engine, &org, "Q-APPROVED", vec![line("KIS-PRO", 2)]);
        engine
            .execute(
                &org.rep_li,
                &Submit {
                    kind: DocKind::Quote,
                    id: "Q-APPROVED".into(),
                },
            )
            .unwrap();
        engine
            .execute(
                &org.east_manager,
                &Decide {
                    kind: DocKind::Quote,
                    id: "Q-APPROVED".into(),
                    verdict: Verdict::Approved,
                    comment: None,
                },
            )
            .unwrap();
        // A new policy: key accounts now get 20%.
        let v2 = Policy::from_toml(&POLICY.replace(
            "action = { percent_off = \"10\" }\npriority = 10",
            "action = { percent_off = \"20\" }\npriority = 10",
        ))
        .unwrap();
        assert_ne!(v2.hash(), v1);
        engine.install_policy(&org.admin, v2.clone(), None).unwrap();
        // The approved quote keeps its prices and the version they were decided under.
        let approved = engine.quote(&org.rep_li, "Q-APPROVED").unwrap();
        assert_eq!(
            (
                approved.current().total.amount,
                approved.current().policy_version.as_str()
            ),
            (dec("1800.00"), v1.as_str()),
            "{name}"
        );
        engine
            .execute(
                &org.rep_li,
                &SendQuote {
                    id: "Q-APPROVED".into(),
                },
            )
            .unwrap();
        // The draft is repriced when next edited, under the new version.
        let edited = engine
            .execute(
                &org.rep_li,
                &EditQuote {
                    id: "Q-DRAFT".into(),
                    lines: vec![line("KIS-PRO", 2)],
                    valid_until: day0() + Duration::days(30),
                },
            )
            .unwrap();
        assert_eq!(
            (
                edited.current().total.amount,
                edited.current().policy_version.as_str()
            ),
            (dec("1600.00"), v2.hash())
        );
        // Revising the sent quote gives a new revision at the new prices; the sent one stays.
        let revised = engine
            .execute(
                &org.rep_li,
                &EditQuote {
                    id: "Q-APPROVED".into(),
                    lines: vec![line("KIS-PRO", 2)],
                    valid_until: day0() + Duration::days(30),
                },
            )
            .unwrap();
        assert_eq!(revised.revisions[0].total.amount, dec("1800.00"));
        assert_eq!(revised.current().total.amount, dec("1600.00"));
        // The audit entries name the version each command was decided under.
        let history = engine.history("quotes", "Q-DRAFT").unwrap();
        assert_eq!(history.first().unwrap().policy_version, v1);
        assert_eq!(history.last().unwrap().policy_version, v2.hash());
    }
}
