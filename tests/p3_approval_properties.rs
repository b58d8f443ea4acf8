//! Property: whatever commands random actors send, in any order, a quote is never
//! approved (or sent) without every applicable step of its chain approved by a
//! different, allowed person who is not the submitter (P2.3, P3.2b-c).

mod common;

use std::sync::Arc;

use chrono::Duration;
use common::*;
use kis::approval::{ApprovalStatus, Delegate, DocKind, Reviewable, Verdict};
use kis::reviews::{Decide, Recall, Submit};
use kis::sales::{EditQuote, Quote, QuoteStatus, SendQuote};
use kis::*;
use proptest::prelude::*;

const ACTORS: [&str; 9] = [
    "li", "wang", "zhao", "m-east", "m-west", "dir", "fin", "legal", "admin",
];

#[derive(Debug, Clone)]
enum Op {
    Submit,
    Approve,
    Reject,
    Return,
    Recall,
    Edit(i64),
    Send,
    DelegateTo(usize),
}

/// Actors weighted towards those who can move the quote (owner, its manager, the
/// director), so that approvals and sends happen often; everyone else still appears.
fn actor() -> impl Strategy<Value = usize> {
    prop_oneof![5 => Just(0usize), 6 => Just(3usize), 4 => Just(5usize), 3 => 0usize..ACTORS.len()]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => Just(Op::Submit),
        6 => Just(Op::Approve),
        1 => Just(Op::Reject),
        1 => Just(Op::Return),
        1 => Just(Op::Recall),
        2 => (1i64..700).prop_map(Op::Edit),
        2 => Just(Op::Send),
        1 => (0usize..ACTORS.len()).prop_map(Op::DelegateTo),
    ]
}

fn apply(engine: &Engine, actor: &Actor, op: &Op) {
    let id = "Q-P".to_string();
    let kind = DocKind::Quote;
    // Errors are expected for most random commands; the property is about what succeeds.
    let _ = match op {
        Op::Submit => engine.execute(actor, &Submit { kind, id }).map(|_| ()),
        Op::Approve => engine
            .execute(
                actor,
                &Decide {
                    kind,
                    id,
                    verdict: Verdict::Approved,
                    comment: None,
                },
            )
            .map(|_| ()),
        Op::Reject => engine
            .execute(
                actor,
                &Decide {
                    kind,
                    id,
                    verdict: Verdict::Rejected,
                    comment: Some("no".into()),
                },
            )
            .map(|_| ()),
        Op::Return => engine
            .execute(
                actor,
                &Decide {
                    kind,
                    id,
                    verdict: Verdict::Returned,
                    comment: Some("fix".into()),
                },
            )
            .map(|_| ()),
        Op::Recall => engine.execute(actor, &Recall { kind, id }).map(|_| ()),
        Op::Edit(qty) => engine
            .execute(
                actor,
                &EditQuote {
                    id,
                    lines: vec![line("KIS-PRO", *qty)],
                    valid_until: day0() + Duration::days(30),
                },
            )
            .map(|_| ()),
        Op::Send => engine.execute(actor, &SendQuote { id }).map(|_| ()),
        Op::DelegateTo(to) => engine
            .execute(
                actor,
                &Delegate {
                    to: ACTORS[*to].into(),
                    first_day: day0(),
                    last_day: day0(),
                },
            )
            .map(|_| ()),
    };
}

/// Every approved revision's review is complete and made by allowed, distinct people.
fn check(quote: &Quote) -> Result<(), String> {
    for rev in &quote.revisions {
        let Some(a) = &rev.approval else { continue };
        if a.status != ApprovalStatus::Approved {
            continue;
        }
        let mut deciders = Vec::new();
        for step in a.steps.iter().filter(|s| s.planned.applies) {
            let d = step.decision.as_ref().ok_or(format!(
                "revision {}: step {} undecided",
                rev.number, step.planned.index
            ))?;
            if d.verdict != Verdict::Approved {
                return Err(format!(
                    "revision {}: step {} not approved",
                    rev.number, step.planned.index
                ));
            }
            let authority = d.on_behalf_of.as_ref().unwrap_or(&d.by);
            if d.by == a.submitter || authority == &a.submitter {
                return Err("self-approval".into());
            }
            let expected = match step.planned.role {
                Role::Manager => "m-east",
                Role::Director => "dir",
                other => return Err(format!("unexpected role {other}")),
            };
            if authority.as_str() != expected {
                return Err(format!(
                    "step {} decided with the authority of {authority}",
                    step.planned.index
                ));
            }
            deciders.push(d.by.clone());
            deciders.push(authority.clone());
        }
        let mut unique = deciders.clone();
        unique.sort();
        unique.dedup();
        if unique.len() * 2 < deciders.len() {
            return Err(format!("one person decided two steps: {deciders:?}"));
        }
    }
    if matches!(quote.status, QuoteStatus::Approved | QuoteStatus::Sent)
        && !quote.approval().is_some_and(|a| a.is_fully_approved())
    {
        return Err(format!("status {:?} without a full approval", quote.status));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn no_quote_is_approved_without_every_step_by_an_allowed_actor(
        big in any::<bool>(),
        steps in prop::collection::vec((actor(), op()), 1..32),
    ) {
        let (engine, _) = engine_on(Arc::new(MemoryStore::new()));
        let org = setup_org(&engine);
        setup_catalogue(&engine, &org);
        let qty = if big { 600 } else { 2 };
        engine
            .execute(&org.rep_li, &kis::sales::CreateQuote { id: "Q-P".into(), customer: "C-LI".into(), lines: vec![line("KIS-PRO", qty)], valid_until: day0() + Duration::days(30) })
            .unwrap();
        for (who, op) in &steps {
            apply(&engine, &Actor::new(ACTORS[*who]), op);
            let quote = engine.quote(&org.director, "Q-P").unwrap();
            prop_assert_eq!(check(&quote), Ok(()), "after {:?} by {}", op, ACTORS[*who]);
        }
        prop_assert!(engine.verify_audit().unwrap().is_intact());
    }
}
