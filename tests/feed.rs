//! The change feed (#18) on every backend: commit order, P2 visibility per reader,
//! resumable cursors with at-least-once replay, revocation when a document moves out of
//! a reader's sight, and typed documents.

mod common;

use std::collections::HashSet;

use common::*;
use kis::approval::{DocKind, Verdict};
use kis::crm::TransferCustomer;
use kis::feed::{ChangeBatch, ChangeEvent, ChangeKind, MAX_BATCH};
use kis::reviews::{Decide, Submit};
use kis::sales::{CreateQuote, Quote};
use kis::*;

/// Every event `actor` may see from the start, following the cursor batch by batch.
fn follow(engine: &Engine, actor: &Actor, limit: u32) -> (Vec<ChangeEvent>, u64) {
    let (mut all, mut cursor) = (Vec::new(), 0);
    loop {
        let ChangeBatch {
            events,
            cursor: next,
            more,
        } = engine.changes_since(actor, cursor, limit).unwrap();
        assert!(events.len() <= limit as usize);
        assert!(next >= cursor, "the cursor never moves back");
        all.extend(events);
        cursor = next;
        if !more {
            return (all, cursor);
        }
    }
}

fn ids(events: &[ChangeEvent], collection: &str) -> HashSet<String> {
    events
        .iter()
        .filter(|e| e.collection == collection)
        .map(|e| e.id.clone())
        .collect()
}

fn quote_for(engine: &Engine, rep: &Actor, id: &str, customer: &str) -> Quote {
    engine
        .execute(
            rep,
            &CreateQuote {
                id: id.into(),
                customer: customer.into(),
                lines: vec![line("KIS-SEAT", 2)],
                valid_until: ymd("2026-12-31"),
            },
        )
        .unwrap()
}

per_backend! {
    /// P2: a rep's feed holds the directory, the price book, the policy and their own
    /// documents; their manager's the team's; the director's everything, in commit order.
    each_reader_sees_what_p2_lets_them_read, |name, store| {
        let (engine, _) = engine_on(store);
        let org = setup_org(&engine);
        setup_catalogue(&engine, &org);
        quote_for(&engine, &org.rep_li, "Q-LI", "C-LI");
        quote_for(&engine, &org.rep_zhao, "Q-ZHAO", "C-ZHAO");

        let (li, _) = follow(&engine, &org.rep_li, 100);
        assert_eq!(ids(&li, "customers"), HashSet::from(["C-LI".to_string()]), "{name}");
        assert_eq!(ids(&li, "quotes"), HashSet::from(["Q-LI".to_string()]), "{name}");
        assert_eq!(ids(&li, "products").len(), 2, "{name}: the price book is everyone's");
        assert!(ids(&li, "users").contains("zhao"), "{name}: the directory is everyone's");
        assert!(!li.iter().any(|e| e.collection == "idempotency" || e.collection == "approval_queue"));

        let (east, _) = follow(&engine, &org.east_manager, 100);
        assert_eq!(ids(&east, "customers"), HashSet::from(["C-LI".into(), "C-WANG".into()]), "{name}");
        let (all, cursor) = follow(&engine, &org.director, 100);
        assert_eq!(ids(&all, "customers").len(), 3, "{name}");
        assert_eq!(ids(&all, "quotes").len(), 2, "{name}");
        // Commit order: sequence numbers never go back; the cursor is the trail's head.
        assert!(all.windows(2).all(|w| w[0].seq <= w[1].seq), "{name}");
        let head = engine.audit_trail(&Default::default()).unwrap().last().unwrap().seq;
        assert_eq!(cursor, head, "{name}");
        // Nothing is shown to a stranger, and the limit is checked.
        assert!(matches!(
            engine.changes_since(&Actor::new("nobody"), 0, 10),
            Err(Error::NotAuthorized { .. })
        ));
        for bad in [0, MAX_BATCH + 1] {
            match engine.changes_since(&org.rep_li, 0, bad) {
                Err(Error::Invalid(e)) => assert_eq!(e.field, "limit"),
                other => panic!("{name}: limit {bad}: {other:?}"),
            }
        }
    }
}

per_backend! {
    /// At least once: small batches resume from their cursor and give exactly the events
    /// of one big batch; a consumer that lost a reply asks again from its old cursor and
    /// gets the same events, each with the same (collection, id, version).
    batches_resume_from_their_cursor_and_replay_the_same_events, |name, store| {
        let (engine, _) = engine_on(store);
        let org = setup_org(&engine);
        setup_catalogue(&engine, &org);
        for n in 0..5 {
            quote_for(&engine, &org.rep_li, &format!("Q-{n}"), "C-LI");
        }
        let (whole, _) = follow(&engine, &org.director, MAX_BATCH);
        let (paged, _) = follow(&engine, &org.director, 3);
        assert_eq!(whole, paged, "{name}");

        let first = engine.changes_since(&org.rep_li, 0, 4).unwrap();
        assert!(first.more && first.events.len() >= 4, "{name}");
        let again = engine.changes_since(&org.rep_li, 0, 4).unwrap();
        assert_eq!(first, again, "{name}: a replay is the same batch");
        let keys: HashSet<_> = whole.iter().map(|e| (&e.collection, &e.id, e.version)).collect();
        assert_eq!(keys.len(), whole.len(), "{name}: (collection, id, version) names one event");

        // A cursor at the head gives nothing more, and no more is promised.
        let (_, head) = follow(&engine, &org.rep_li, 10);
        let tail = engine.changes_since(&org.rep_li, head, 10).unwrap();
        assert!(tail.events.is_empty() && !tail.more && tail.cursor == head, "{name}");
        // A cursor this store never gave is refused, not answered with nothing.
        match engine.changes_since(&org.rep_li, head + 1, 10) {
            Err(Error::Invalid(e)) => assert_eq!(e.field, "after", "{name}"),
            other => panic!("{name}: a cursor past the head: {other:?}"),
        }
        // A later change arrives after that cursor.
        quote_for(&engine, &org.rep_li, "Q-LATE", "C-LI");
        let late = engine.changes_since(&org.rep_li, head, 10).unwrap();
        assert_eq!(ids(&late.events, "quotes"), HashSet::from(["Q-LATE".into()]), "{name}");
        assert!(late.cursor > head, "{name}");
    }
}

per_backend! {
    /// A decision flows back to the rep as the quote's new state (P3.2), typed; a
    /// customer transferred to another team's rep is revoked from the first rep's feed
    /// and arrives whole in the new owner's.
    decisions_flow_back_and_a_transfer_revokes, |name, store| {
        let (engine, _) = engine_on(store);
        let org = setup_org(&engine);
        setup_catalogue(&engine, &org);
        quote_for(&engine, &org.rep_li, "Q-1", "C-LI");
        let (_, cursor) = follow(&engine, &org.rep_li, 100);
        engine
            .execute(&org.rep_li, &Submit { kind: DocKind::Quote, id: "Q-1".into() })
            .unwrap();
        engine
            .execute(
                &org.east_manager,
                &Decide {
                    kind: DocKind::Quote,
                    id: "Q-1".into(),
                    verdict: Verdict::Approved,
                    comment: Some("ok".into()),
                },
            )
            .unwrap();
        let batch = engine.changes_since(&org.rep_li, cursor, 100).unwrap();
        let decided = batch
            .events
            .iter()
            .rfind(|e| e.command == "approval.decide" && e.collection == "quotes")
            .unwrap_or_else(|| panic!("{name}: {:?}", batch.events));
        assert_eq!(decided.kind, ChangeKind::Updated);
        assert_eq!(decided.actor, "m-east");
        let quote: Quote = decided.document().unwrap().unwrap();
        assert_eq!(quote.status, kis::sales::QuoteStatus::Approved, "{name}");
        assert!(decided.document::<kis::sales::Customer>().unwrap().is_none());

        let (_, li_cursor) = follow(&engine, &org.rep_li, 100);
        let (_, zhao_cursor) = follow(&engine, &org.rep_zhao, 100);
        engine
            .execute(
                &org.director,
                &TransferCustomer {
                    id: "C-LI".into(),
                    to: "zhao".into(),
                    reason: "li moves to key accounts".into(),
                },
            )
            .unwrap();
        let li = engine.changes_since(&org.rep_li, li_cursor, 100).unwrap();
        let gone = li.events.iter().find(|e| e.id == "C-LI").expect("revoked");
        assert_eq!((gone.kind, gone.state.is_none()), (ChangeKind::Revoked, true), "{name}");
        let zhao = engine.changes_since(&org.rep_zhao, zhao_cursor, 100).unwrap();
        let came = zhao.events.iter().find(|e| e.id == "C-LI").expect("arrives");
        assert_eq!(came.kind, ChangeKind::Updated, "{name}");
        let customer: kis::sales::Customer = came.document().unwrap().unwrap();
        assert_eq!(customer.owner, UserId::from("zhao"), "{name}");
    }
}

per_backend! {
    /// A reader who may see nothing of a stretch of the trail still moves past it.
    the_cursor_moves_past_what_the_reader_may_not_see, |name, store| {
        let (engine, _) = engine_on(store);
        let org = setup_org(&engine);
        setup_catalogue(&engine, &org);
        let (_, before) = follow(&engine, &org.rep_li, 100);
        for n in 0..3 {
            quote_for(&engine, &org.rep_zhao, &format!("Q-Z{n}"), "C-ZHAO");
        }
        let batch = engine.changes_since(&org.rep_li, before, 100).unwrap();
        assert!(batch.events.is_empty() && !batch.more, "{name}: {:?}", batch.events);
        assert!(batch.cursor > before, "{name}");
    }
}
