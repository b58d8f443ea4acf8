//! P3.2-P3.5, P4.1c, P7: quotes, price exceptions, contracts, changes and orders through
//! their review chains, with the actors of examples/policy.toml, on every backend.

mod common;

use chrono::{Duration, TimeZone};
use common::*;
use kis::approval::{ApprovalStatus, Delegate, DocKind, Reviewable, Verdict};
use kis::reviews::{Decide, Recall, Submit};
use kis::sales::*;
use kis::*;
use rust_decimal::Decimal;

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn approve(
    engine: &Engine,
    actor: &Actor,
    kind: DocKind,
    id: &str,
) -> Result<kis::reviews::ReviewOutcome> {
    engine.execute(
        actor,
        &Decide {
            kind,
            id: id.into(),
            verdict: Verdict::Approved,
            comment: None,
        },
    )
}

fn submit(
    engine: &Engine,
    actor: &Actor,
    kind: DocKind,
    id: &str,
) -> Result<kis::reviews::ReviewOutcome> {
    engine.execute(
        actor,
        &Submit {
            kind,
            id: id.into(),
        },
    )
}

fn quote(engine: &Engine, org: &Org, id: &str, lines: Vec<LineRequest>) -> Quote {
    engine
        .execute(
            &org.rep_li,
            &CreateQuote {
                id: id.into(),
                customer: "C-LI".into(),
                lines,
                valid_until: day0() + Duration::days(30),
            },
        )
        .unwrap()
}

fn not_authorized(r: Result<kis::reviews::ReviewOutcome>, why: &str) {
    match r {
        Err(Error::NotAuthorized { reason, .. }) => {
            assert!(reason.contains(why), "reason {reason:?} lacks {why:?}")
        }
        other => panic!("expected NotAuthorized ({why}), got {other:?}"),
    }
}

per_backend! {
    p3_2_a_quote_goes_through_its_manager_and_out_to_the_customer, |name, store| {
        let (engine, _) = engine_on(store);
        let org = setup_org(&engine);
        setup_catalogue(&engine, &org);
        let q = quote(
            &engine,
            &org,
            "Q-1",
            vec![line("KIS-PRO", 3), line("KIS-SEAT", 5)],
        );
        assert_eq!(q.current().total.amount, dec("3500.00"), "{name}");
        assert_eq!(q.status, QuoteStatus::Draft);
        // P3.2c: not sent before approval.
        assert!(matches!(
            engine.execute(&org.rep_li, &SendQuote { id: "Q-1".into() }),
            Err(Error::InvalidState { .. })
        ));
        let out = submit(&engine, &org.rep_li, DocKind::Quote, "Q-1").unwrap();
        assert_eq!(
            (out.status, out.current_step, out.current_role),
            (ApprovalStatus::Pending, Some(0), Some(Role::Manager))
        );
        // The inbox shows it to the team's manager only.
        assert_eq!(
            engine
                .inbox(&org.east_manager)
                .unwrap()
                .iter()
                .map(|i| i.id.as_str())
                .collect::<Vec<_>>(),
            ["Q-1"]
        );
        assert!(engine.inbox(&org.west_manager).unwrap().is_empty());
        assert!(engine.inbox(&org.director).unwrap().is_empty());
        not_authorized(
            approve(&engine, &org.rep_li, DocKind::Quote, "Q-1"),
            "own document",
        );
        not_authorized(
            approve(&engine, &org.west_manager, DocKind::Quote, "Q-1"),
            "only on their team's documents",
        );
        not_authorized(
            approve(&engine, &org.director, DocKind::Quote, "Q-1"),
            "needs a manager",
        );
        let out = approve(&engine, &org.east_manager, DocKind::Quote, "Q-1").unwrap();
        assert_eq!(
            out.status,
            ApprovalStatus::Approved,
            "the director step is skipped under 500000"
        );
        let q = engine.quote(&org.rep_li, "Q-1").unwrap();
        let steps = &q.approval().unwrap().steps;
        assert_eq!(
            steps[1].planned.reason,
            "skipped: total 3500.00 is not over 500000"
        );
        assert!(steps[1].decision.is_none());
        engine
            .execute(&org.rep_li, &SendQuote { id: "Q-1".into() })
            .unwrap();
        let q = engine
            .execute(
                &org.rep_li,
                &RecordQuoteResponse {
                    id: "Q-1".into(),
                    response: QuoteResponse::Accepted,
                },
            )
            .unwrap();
        assert_eq!(q.status, QuoteStatus::Accepted);
        // The history lists every step.
        let commands: Vec<String> = engine
            .history("quotes", "Q-1")
            .unwrap()
            .into_iter()
            .map(|e| e.command)
            .collect();
        assert_eq!(
            commands,
            [
                "sales.create_quote",
                "approval.submit",
                "approval.decide",
                "sales.send_quote",
                "sales.record_quote_response"
            ]
        );
    }
}

per_backend! {
    p3_2b_a_large_quote_also_needs_the_director, |name, store| {
        let (engine, _) = engine_on(store);
        let org = setup_org(&engine);
        setup_catalogue(&engine, &org);
        quote(&engine, &org, "Q-BIG", vec![line("KIS-PRO", 600)]);
        submit(&engine, &org.rep_li, DocKind::Quote, "Q-BIG").unwrap();
        let out = approve(&engine, &org.east_manager, DocKind::Quote, "Q-BIG").unwrap();
        assert_eq!(
            (out.status, out.current_role),
            (ApprovalStatus::Pending, Some(Role::Director)),
            "{name}"
        );
        // The manager cannot take the next step too; the director can.
        not_authorized(
            approve(&engine, &org.east_manager, DocKind::Quote, "Q-BIG"),
            "already decided",
        );
        assert!(matches!(
            engine.execute(&org.rep_li, &SendQuote { id: "Q-BIG".into() }),
            Err(Error::InvalidState { .. })
        ));
        assert_eq!(
            approve(&engine, &org.director, DocKind::Quote, "Q-BIG")
                .unwrap()
                .status,
            ApprovalStatus::Approved
        );
        // Decided once: a further approval finds nothing pending.
        assert!(matches!(
            approve(&engine, &org.director, DocKind::Quote, "Q-BIG"),
            Err(Error::InvalidState { .. })
        ));
    }
}

per_backend! {
    reject_return_and_recall_send_the_quote_back_to_its_owner, |_, store| {
        let (engine, _) = engine_on(store);
        let org = setup_org(&engine);
        setup_catalogue(&engine, &org);
        quote(&engine, &org, "Q-2", vec![line("KIS-SEAT", 2)]);
        submit(&engine, &org.rep_li, DocKind::Quote, "Q-2").unwrap();
        let no_reason = engine.execute(
            &org.east_manager,
            &Decide {
                kind: DocKind::Quote,
                id: "Q-2".into(),
                verdict: Verdict::Rejected,
                comment: None,
            },
        );
        assert!(matches!(no_reason, Err(Error::Invalid(ref e)) if e.field == "reason"));
        let out = engine
            .execute(
                &org.east_manager,
                &Decide {
                    kind: DocKind::Quote,
                    id: "Q-2".into(),
                    verdict: Verdict::Rejected,
                    comment: Some("price too low for this customer".into()),
                },
            )
            .unwrap();
        assert_eq!(out.status, ApprovalStatus::Rejected);
        assert_eq!(
            engine.quote(&org.rep_li, "Q-2").unwrap().status,
            QuoteStatus::Draft
        );
        assert!(engine.inbox(&org.east_manager).unwrap().is_empty());
        // Round 2, returned for revision.
        let out = submit(&engine, &org.rep_li, DocKind::Quote, "Q-2").unwrap();
        assert_eq!(out.round, 2);
        engine
            .execute(
                &org.east_manager,
                &Decide {
                    kind: DocKind::Quote,
                    id: "Q-2".into(),
                    verdict: Verdict::Returned,
                    comment: Some("add seats".into()),
                },
            )
            .unwrap();
        assert_eq!(
            engine.quote(&org.rep_li, "Q-2").unwrap().status,
            QuoteStatus::Draft
        );
        // Round 3, recalled by the submitter; nobody else may recall.
        submit(&engine, &org.rep_li, DocKind::Quote, "Q-2").unwrap();
        not_authorized(
            engine.execute(
                &org.east_manager,
                &Recall {
                    kind: DocKind::Quote,
                    id: "Q-2".into(),
                },
            ),
            "only the submitter",
        );
        assert_eq!(
            engine
                .execute(
                    &org.rep_li,
                    &Recall {
                        kind: DocKind::Quote,
                        id: "Q-2".into()
                    }
                )
                .unwrap()
                .status,
            ApprovalStatus::Recalled
        );
        assert!(engine.inbox(&org.east_manager).unwrap().is_empty());
        assert!(matches!(
            engine.execute(
                &org.rep_li,
                &Recall {
                    kind: DocKind::Quote,
                    id: "Q-2".into()
                }
            ),
            Err(Error::InvalidState { .. })
        ));
        // Only the owner submits.
        not_authorized(
            submit(&engine, &org.rep_wang, DocKind::Quote, "Q-2"),
            "only its owner",
        );
    }
}

per_backend! {
    p3_2c_an_edit_after_approval_reopens_review_and_keeps_the_old_revision, |name, store| {
        let (engine, _) = engine_on(store);
        let org = setup_org(&engine);
        setup_catalogue(&engine, &org);
        quote(&engine, &org, "Q-3", vec![line("KIS-PRO", 1)]);
        submit(&engine, &org.rep_li, DocKind::Quote, "Q-3").unwrap();
        approve(&engine, &org.east_manager, DocKind::Quote, "Q-3").unwrap();
        let edited = engine
            .execute(
                &org.rep_li,
                &EditQuote {
                    id: "Q-3".into(),
                    lines: vec![line("KIS-PRO", 2)],
                    valid_until: day0() + Duration::days(10),
                },
            )
            .unwrap();
        assert_eq!(
            edited.status,
            QuoteStatus::Submitted,
            "{name}: review re-opened from the first step"
        );
        assert_eq!(edited.revisions.len(), 2);
        assert_eq!(
            edited.revisions[0].approval.as_ref().unwrap().status,
            ApprovalStatus::Approved,
            "revision 1 keeps its review"
        );
        assert_eq!(edited.revisions[0].total.amount, dec("1000.00"));
        assert_eq!(edited.current().total.amount, dec("2000.00"));
        assert!(
            edited
                .current()
                .approval
                .as_ref()
                .unwrap()
                .current()
                .is_some_and(|s| s.planned.index == 0)
        );
        assert!(matches!(
            engine.execute(&org.rep_li, &SendQuote { id: "Q-3".into() }),
            Err(Error::InvalidState { .. })
        ));
        assert_eq!(engine.inbox(&org.east_manager).unwrap().len(), 1);
        // A sent quote edited is also re-reviewed.
        approve(&engine, &org.east_manager, DocKind::Quote, "Q-3").unwrap();
        engine
            .execute(&org.rep_li, &SendQuote { id: "Q-3".into() })
            .unwrap();
        let again = engine
            .execute(
                &org.rep_li,
                &EditQuote {
                    id: "Q-3".into(),
                    lines: vec![line("KIS-PRO", 3)],
                    valid_until: day0() + Duration::days(10),
                },
            )
            .unwrap();
        assert_eq!(
            (again.status, again.revisions.len()),
            (QuoteStatus::Submitted, 3)
        );
    }
}

per_backend! {
    a_copy_never_carries_the_approval, |_, store| {
        let (engine, _) = engine_on(store);
        let org = setup_org(&engine);
        setup_catalogue(&engine, &org);
        quote(&engine, &org, "Q-4", vec![line("KIS-SEAT", 10)]);
        submit(&engine, &org.rep_li, DocKind::Quote, "Q-4").unwrap();
        approve(&engine, &org.east_manager, DocKind::Quote, "Q-4").unwrap();
        let copy = engine
            .execute(
                &org.rep_li,
                &CopyQuote {
                    from: "Q-4".into(),
                    id: "Q-4b".into(),
                    valid_until: day0() + Duration::days(5),
                },
            )
            .unwrap();
        assert_eq!(copy.status, QuoteStatus::Draft);
        assert!(copy.approval().is_none());
        assert_eq!(copy.copied_from.as_deref(), Some("Q-4"));
        assert!(matches!(
            engine.execute(&org.rep_li, &SendQuote { id: "Q-4b".into() }),
            Err(Error::InvalidState { .. })
        ));
    }
}

per_backend! {
    p4_1c_a_special_price_needs_an_approved_exception_from_manager_then_director, |name, store| {
        let (engine, _) = engine_on(store);
        let org = setup_org(&engine);
        setup_catalogue(&engine, &org);
        // A price of its own is refused outright (P4.1b).
        let own = LineRequest {
            special_price: Some(dec("800")),
            ..line("KIS-PRO", 5)
        };
        let err = engine
            .execute(
                &org.rep_li,
                &CreateQuote {
                    id: "Q-5".into(),
                    customer: "C-LI".into(),
                    lines: vec![own],
                    valid_until: day0(),
                },
            )
            .unwrap_err();
        assert!(
            matches!(err, Error::Invalid(ref e) if e.field == "lines[0].price_exception"),
            "{err}"
        );
        engine
            .execute(
                &org.rep_li,
                &FilePriceException {
                    id: "PE-1".into(),
                    customer: "C-LI".into(),
                    product: "KIS-PRO".into(),
                    price: dec("800"),
                    max_quantity: dec("10"),
                    valid_from: day0(),
                    valid_to: day0() + Duration::days(60),
                    reason: "strategic account renewal".into(),
                },
            )
            .unwrap();
        let special = LineRequest {
            special_price: Some(dec("800")),
            price_exception: Some("PE-1".into()),
            ..line("KIS-PRO", 5)
        };
        quote(&engine, &org, "Q-5", vec![special]);
        submit(&engine, &org.rep_li, DocKind::Quote, "Q-5").unwrap();
        // Until the exception is approved, the quote cannot be approved; nothing is written.
        let err = approve(&engine, &org.east_manager, DocKind::Quote, "Q-5").unwrap_err();
        assert!(
            matches!(&err, Error::InvalidState { reason, .. } if reason.contains("not approved (P4.1c)")),
            "{name}: {err}"
        );
        assert_eq!(
            engine.quote(&org.rep_li, "Q-5").unwrap().status,
            QuoteStatus::Submitted
        );
        // The exception: the director alone, or another team's manager, cannot approve it.
        submit(&engine, &org.rep_li, DocKind::PriceException, "PE-1").unwrap();
        not_authorized(
            approve(&engine, &org.director, DocKind::PriceException, "PE-1"),
            "needs a manager",
        );
        not_authorized(
            approve(&engine, &org.west_manager, DocKind::PriceException, "PE-1"),
            "only on their team's documents",
        );
        assert_eq!(
            approve(&engine, &org.east_manager, DocKind::PriceException, "PE-1")
                .unwrap()
                .current_role,
            Some(Role::Director)
        );
        assert!(
            approve(&engine, &org.east_manager, DocKind::Quote, "Q-5").is_err(),
            "still only half approved"
        );
        assert_eq!(
            approve(&engine, &org.director, DocKind::PriceException, "PE-1")
                .unwrap()
                .status,
            ApprovalStatus::Approved
        );
        assert_eq!(
            approve(&engine, &org.east_manager, DocKind::Quote, "Q-5")
                .unwrap()
                .status,
            ApprovalStatus::Approved
        );
        let q = engine.quote(&org.rep_li, "Q-5").unwrap();
        assert_eq!(
            (
                q.current().lines[0].unit_price,
                q.current().lines[0].discount_pct
            ),
            (dec("800"), dec("20.00"))
        );
        assert_eq!(q.current().total.amount, dec("4000.00"));
    }
}

per_backend! {
    p3_4_p3_5_contract_through_manager_and_legal_then_signed_filed_and_ordered, |name, store| {
        let (engine, clock) = engine_on(store);
        let org = setup_org(&engine);
        setup_catalogue(&engine, &org);
        quote(
            &engine,
            &org,
            "Q-6",
            vec![line("KIS-PRO", 2), line("KIS-SEAT", 10)],
        );
        submit(&engine, &org.rep_li, DocKind::Quote, "Q-6").unwrap();
        approve(&engine, &org.east_manager, DocKind::Quote, "Q-6").unwrap();
        // A contract comes from an accepted quote only.
        let draft = DraftContract {
            id: "K-6".into(),
            quote: "Q-6".into(),
            delivery_date: Some(day0() + Duration::days(20)),
            payment_terms: "30 days net".into(),
        };
        assert!(matches!(
            engine.execute(&org.rep_li, &draft),
            Err(Error::InvalidState { .. })
        ));
        engine
            .execute(&org.rep_li, &SendQuote { id: "Q-6".into() })
            .unwrap();
        engine
            .execute(
                &org.rep_li,
                &RecordQuoteResponse {
                    id: "Q-6".into(),
                    response: QuoteResponse::Accepted,
                },
            )
            .unwrap();
        let k = engine.execute(&org.rep_li, &draft).unwrap();
        assert_eq!(k.current_terms().total.amount, dec("3000.00"), "{name}");
        let sign = SignContract {
            id: "K-6".into(),
            customer_signatory: "Mr. Chen".into(),
            signed_on: day0(),
        };
        assert!(
            matches!(
                engine.execute(&org.rep_li, &sign),
                Err(Error::InvalidState { .. })
            ),
            "not signed before review"
        );
        submit(&engine, &org.rep_li, DocKind::Contract, "K-6").unwrap();
        assert!(
            engine.inbox(&org.legal).unwrap().is_empty(),
            "legal comes after the manager"
        );
        approve(&engine, &org.east_manager, DocKind::Contract, "K-6").unwrap();
        assert_eq!(engine.inbox(&org.legal).unwrap().len(), 1);
        assert!(
            matches!(
                engine.execute(&org.rep_li, &sign),
                Err(Error::InvalidState { .. })
            ),
            "not signed before legal"
        );
        assert_eq!(
            approve(&engine, &org.legal, DocKind::Contract, "K-6")
                .unwrap()
                .status,
            ApprovalStatus::Approved
        );
        let k = engine.execute(&org.rep_li, &sign).unwrap();
        assert_eq!(k.status, ContractStatus::Signed);
        let bad_hash = FileContract {
            id: "K-6".into(),
            reference: "archive/2026/K-6.pdf".into(),
            sha256: "xyz".into(),
        };
        assert!(
            matches!(engine.execute(&org.rep_li, &bad_hash), Err(Error::Invalid(ref e)) if e.field == "sha256")
        );
        let k = engine
            .execute(
                &org.rep_li,
                &FileContract {
                    sha256: "ab".repeat(32),
                    ..bad_hash
                },
            )
            .unwrap();
        assert_eq!(k.status, ContractStatus::Active);
        // P3.5: the order, its steps, late steps, delivery and the sales facts.
        let steps = vec![
            StepPlan {
                name: "production".into(),
                due: day0() + Duration::days(5),
            },
            StepPlan {
                name: "logistics".into(),
                due: day0() + Duration::days(10),
            },
            StepPlan {
                name: "delivery".into(),
                due: day0() + Duration::days(12),
            },
        ];
        engine
            .execute(
                &org.rep_li,
                &CreateOrder {
                    id: "O-6".into(),
                    contract: "K-6".into(),
                    steps,
                    credits: None,
                },
            )
            .unwrap();
        clock.advance(Duration::days(7)).unwrap();
        let late = engine.late_steps(&org.rep_li).unwrap();
        assert_eq!(
            late.iter()
                .map(|l| (l.step.as_str(), l.days_late))
                .collect::<Vec<_>>(),
            [("production", 2)]
        );
        assert_eq!(engine.late_steps(&org.east_manager).unwrap().len(), 1);
        assert!(
            engine.late_steps(&org.west_manager).unwrap().is_empty(),
            "another team's order"
        );
        for step in ["production", "logistics", "delivery"] {
            engine
                .execute(
                    &org.rep_li,
                    &CompleteOrderStep {
                        id: "O-6".into(),
                        step: step.into(),
                        done_on: day0() + Duration::days(7),
                    },
                )
                .unwrap();
        }
        assert_eq!(
            engine.order(&org.rep_li, "O-6").unwrap().status,
            OrderStatus::Delivered
        );
        let mut facts = Vec::new();
        engine
            .scan_sales_facts(&org.director, day0(), day0() + Duration::days(40), |f| {
                facts.push(f);
                std::ops::ControlFlow::Continue(())
            })
            .unwrap();
        let totals: Vec<(String, Decimal, Decimal)> = facts
            .iter()
            .map(|f| (f.product.clone(), f.amount, f.cost))
            .collect();
        assert_eq!(
            totals,
            [
                ("KIS-PRO".to_string(), dec("2000.00"), dec("1200.00")),
                ("KIS-SEAT".to_string(), dec("1000.00"), dec("400.00"))
            ]
        );
        assert_eq!(facts[0].credits[0].rep.as_str(), "li");
        // P1.3: the delivery's audit entry records each fact it created, by who and when.
        let created = engine.history("sales_facts", &facts[1].id).unwrap();
        assert_eq!(created.len(), 1, "{name}");
        assert_eq!(created[0].actor, "li");
        let change = created[0]
            .changes
            .iter()
            .find(|c| c.id == facts[1].id)
            .unwrap();
        assert!(change.before.is_none());
        assert_eq!(change.after["product"], "KIS-SEAT");
        assert!(
            engine
                .scan_sales_facts(&org.rep_li, day0(), day0(), |_| {
                    std::ops::ControlFlow::Continue(())
                })
                .is_err()
        );
    }
}

per_backend! {
    p7_3_a_contract_change_needs_manager_then_director_and_adds_an_amendment, |name, store| {
        let (engine, _) = engine_on(store);
        let org = setup_org(&engine);
        setup_catalogue(&engine, &org);
        quote(&engine, &org, "Q-7", vec![line("KIS-SEAT", 10)]);
        submit(&engine, &org.rep_li, DocKind::Quote, "Q-7").unwrap();
        approve(&engine, &org.east_manager, DocKind::Quote, "Q-7").unwrap();
        engine
            .execute(&org.rep_li, &SendQuote { id: "Q-7".into() })
            .unwrap();
        engine
            .execute(
                &org.rep_li,
                &RecordQuoteResponse {
                    id: "Q-7".into(),
                    response: QuoteResponse::Accepted,
                },
            )
            .unwrap();
        engine
            .execute(
                &org.rep_li,
                &DraftContract {
                    id: "K-7".into(),
                    quote: "Q-7".into(),
                    delivery_date: None,
                    payment_terms: "30 days".into(),
                },
            )
            .unwrap();
        submit(&engine, &org.rep_li, DocKind::Contract, "K-7").unwrap();
        approve(&engine, &org.east_manager, DocKind::Contract, "K-7").unwrap();
        approve(&engine, &org.legal, DocKind::Contract, "K-7").unwrap();
        // Unsigned terms may be edited: the review starts again.
        let k = engine
            .execute(
                &org.rep_li,
                &EditContractTerms {
                    id: "K-7".into(),
                    delivery_date: None,
                    payment_terms: "45 days".into(),
                },
            )
            .unwrap();
        assert_eq!(k.status, ContractStatus::Submitted, "{name}");
        approve(&engine, &org.east_manager, DocKind::Contract, "K-7").unwrap();
        approve(&engine, &org.legal, DocKind::Contract, "K-7").unwrap();
        engine
            .execute(
                &org.rep_li,
                &SignContract {
                    id: "K-7".into(),
                    customer_signatory: "Ms. Qian".into(),
                    signed_on: day0(),
                },
            )
            .unwrap();
        let signed_edit = engine.execute(
            &org.rep_li,
            &EditContractTerms {
                id: "K-7".into(),
                delivery_date: None,
                payment_terms: "60 days".into(),
            },
        );
        assert!(
            matches!(signed_edit, Err(Error::InvalidState { .. })),
            "signed terms change by request only"
        );
        let change = RequestContractChange {
            id: "CC-1".into(),
            contract: "K-7".into(),
            lines: Some(vec![line("KIS-SEAT", 12)]),
            delivery_date: None,
            payment_terms: None,
            reason: "customer adds two seats".into(),
        };
        engine.execute(&org.rep_li, &change).unwrap();
        submit(&engine, &org.rep_li, DocKind::ContractChange, "CC-1").unwrap();
        approve(&engine, &org.east_manager, DocKind::ContractChange, "CC-1").unwrap();
        assert_eq!(
            engine.contract(&org.rep_li, "K-7").unwrap().terms.len(),
            1,
            "not before the director"
        );
        approve(&engine, &org.director, DocKind::ContractChange, "CC-1").unwrap();
        let k = engine.contract(&org.rep_li, "K-7").unwrap();
        assert_eq!(k.terms.len(), 2);
        assert_eq!(
            k.terms[0].total.amount,
            dec("1000.00"),
            "the original terms are kept"
        );
        assert_eq!(k.current_terms().total.amount, dec("1200.00"));
        assert_eq!(k.current_terms().change_request.as_deref(), Some("CC-1"));
        // Termination: the manager, with a reason; not the rep.
        let end = CloseContract {
            id: "K-7".into(),
            termination_reason: Some("customer insolvent".into()),
        };
        assert!(matches!(
            engine.execute(&org.rep_li, &end),
            Err(Error::NotAuthorized { .. })
        ));
        assert_eq!(
            engine.execute(&org.east_manager, &end).unwrap().status,
            ContractStatus::Terminated
        );
    }
}

per_backend! {
    delegation_covers_a_date_range_and_is_not_transitive, |name, store| {
        let (engine, clock) = engine_on(store);
        let org = setup_org(&engine);
        setup_catalogue(&engine, &org);
        quote(&engine, &org, "Q-8", vec![line("KIS-SEAT", 1)]);
        submit(&engine, &org.rep_li, DocKind::Quote, "Q-8").unwrap();
        engine
            .execute(
                &org.east_manager,
                &Delegate {
                    to: "m-west".into(),
                    first_day: day0(),
                    last_day: day0() + Duration::days(2),
                },
            )
            .unwrap();
        engine
            .execute(
                &org.west_manager,
                &Delegate {
                    to: "dir".into(),
                    first_day: day0(),
                    last_day: day0() + Duration::days(2),
                },
            )
            .unwrap();
        let inbox = engine.inbox(&org.west_manager).unwrap();
        assert_eq!(inbox.len(), 1, "{name}");
        assert_eq!(
            inbox[0].on_behalf_of.as_ref().map(|u| u.as_str()),
            Some("m-east")
        );
        assert!(
            engine.inbox(&org.director).unwrap().is_empty(),
            "A -> B -> C: C gets nothing of A's"
        );
        not_authorized(
            approve(&engine, &org.director, DocKind::Quote, "Q-8"),
            "needs a manager",
        );
        // Outside the range the delegation is void.
        clock.advance(Duration::days(3)).unwrap();
        not_authorized(
            approve(&engine, &org.west_manager, DocKind::Quote, "Q-8"),
            "only on their team's documents",
        );
        clock.set(start());
        approve(&engine, &org.west_manager, DocKind::Quote, "Q-8").unwrap();
        let q = engine.quote(&org.rep_li, "Q-8").unwrap();
        let decision = q.approval().unwrap().steps[0].decision.clone().unwrap();
        assert_eq!(
            (
                decision.by.as_str(),
                decision.on_behalf_of.as_ref().map(|u| u.as_str())
            ),
            ("m-west", Some("m-east"))
        );
        // Nobody delegates to themselves, and a rep has no authority to delegate.
        assert!(
            engine
                .execute(
                    &org.east_manager,
                    &Delegate {
                        to: "m-east".into(),
                        first_day: day0(),
                        last_day: day0()
                    }
                )
                .is_err()
        );
        assert!(matches!(
            engine.execute(
                &org.rep_li,
                &Delegate {
                    to: "wang".into(),
                    first_day: day0(),
                    last_day: day0()
                }
            ),
            Err(Error::NotAuthorized { .. })
        ));
    }
}

per_backend! {
    a_step_pending_too_long_is_listed_for_the_next_level_up, |name, store| {
        let (engine, clock) = engine_on(store);
        let org = setup_org(&engine);
        setup_catalogue(&engine, &org);
        quote(&engine, &org, "Q-9", vec![line("KIS-SEAT", 1)]);
        submit(&engine, &org.rep_li, DocKind::Quote, "Q-9").unwrap();
        clock
            .advance(Duration::days(2) + Duration::hours(23))
            .unwrap();
        assert!(
            engine.escalations(&org.director).unwrap().is_empty(),
            "{name}: not yet 3 days"
        );
        clock.advance(Duration::hours(1)).unwrap();
        let esc = engine.escalations(&org.director).unwrap();
        assert_eq!((esc.len(), esc[0].days_waiting), (1, 3));
        assert!(engine.escalations(&org.west_manager).unwrap().is_empty());
        assert!(engine.escalations(&org.admin).unwrap().is_empty());
    }
}

per_backend! {
    two_approvers_racing_on_one_step_cannot_both_win, |name, store| {
        use std::sync::{Arc, Barrier};
        let (engine, _) = engine_on(store);
        let org = setup_org(&engine);
        setup_catalogue(&engine, &org);
        engine
            .execute(
                &org.admin,
                &kis::admin::AddUser {
                    id: "legal2".into(),
                    name: "Lan Legal".into(),
                    role: Role::Legal,
                    team: None,
                },
            )
            .unwrap();
        quote(&engine, &org, "Q-10", vec![line("KIS-SEAT", 1)]);
        submit(&engine, &org.rep_li, DocKind::Quote, "Q-10").unwrap();
        approve(&engine, &org.east_manager, DocKind::Quote, "Q-10").unwrap();
        engine
            .execute(&org.rep_li, &SendQuote { id: "Q-10".into() })
            .unwrap();
        engine
            .execute(
                &org.rep_li,
                &RecordQuoteResponse {
                    id: "Q-10".into(),
                    response: QuoteResponse::Accepted,
                },
            )
            .unwrap();
        engine
            .execute(
                &org.rep_li,
                &DraftContract {
                    id: "K-10".into(),
                    quote: "Q-10".into(),
                    delivery_date: None,
                    payment_terms: "net 30".into(),
                },
            )
            .unwrap();
        submit(&engine, &org.rep_li, DocKind::Contract, "K-10").unwrap();
        approve(&engine, &org.east_manager, DocKind::Contract, "K-10").unwrap();
        let engine = Arc::new(engine);
        let barrier = Arc::new(Barrier::new(2));
        let handles: Vec<_> = ["legal", "legal2"]
            .into_iter()
            .map(|who| {
                let (engine, barrier) = (Arc::clone(&engine), Arc::clone(&barrier));
                std::thread::spawn(move || {
                    barrier.wait();
                    approve(&engine, &Actor::new(who), DocKind::Contract, "K-10")
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        assert_eq!(
            results.iter().filter(|r| r.is_ok()).count(),
            1,
            "{name}: {results:?}"
        );
        assert!(
            results
                .iter()
                .any(|r| matches!(r, Err(Error::InvalidState { .. }))),
            "{results:?}"
        );
        let k = engine.contract(&org.rep_li, "K-10").unwrap();
        assert_eq!(
            k.approval
                .unwrap()
                .steps
                .iter()
                .filter(|s| s.decision.is_some())
                .count(),
            2
        );
    }
}

per_backend! {
    p2_a_manager_reads_only_their_teams_documents, |_, store| {
        let (engine, _) = engine_on(store);
        let org = setup_org(&engine);
        setup_catalogue(&engine, &org);
        quote(&engine, &org, "Q-11", vec![line("KIS-SEAT", 1)]);
        assert!(engine.quote(&org.east_manager, "Q-11").is_ok());
        assert!(engine.quote(&org.director, "Q-11").is_ok());
        assert!(matches!(
            engine.quote(&org.west_manager, "Q-11"),
            Err(Error::NotAuthorized { .. })
        ));
        assert!(matches!(
            engine.quote(&org.rep_wang, "Q-11"),
            Err(Error::NotAuthorized { .. })
        ));
        // A rep quotes only their own customers.
        let other = CreateQuote {
            id: "Q-12".into(),
            customer: "C-ZHAO".into(),
            lines: vec![line("KIS-SEAT", 1)],
            valid_until: day0(),
        };
        assert!(matches!(
            engine.execute(&org.rep_li, &other),
            Err(Error::NotAuthorized { .. })
        ));
    }
}

per_backend! {
    rejection_paths_of_contracts_changes_and_price_exceptions, |name, store| {
        let (engine, _) = engine_on(store);
        let org = setup_org(&engine);
        setup_catalogue(&engine, &org);
        quote(&engine, &org, "Q-20", vec![line("KIS-SEAT", 3)]);
        submit(&engine, &org.rep_li, DocKind::Quote, "Q-20").unwrap();
        approve(&engine, &org.east_manager, DocKind::Quote, "Q-20").unwrap();
        engine
            .execute(&org.rep_li, &SendQuote { id: "Q-20".into() })
            .unwrap();
        engine
            .execute(
                &org.rep_li,
                &RecordQuoteResponse {
                    id: "Q-20".into(),
                    response: QuoteResponse::Accepted,
                },
            )
            .unwrap();
        engine
            .execute(
                &org.rep_li,
                &DraftContract {
                    id: "K-20".into(),
                    quote: "Q-20".into(),
                    delivery_date: None,
                    payment_terms: "net 30".into(),
                },
            )
            .unwrap();
        // Legal rejects after the manager approved: back to the rep, nothing signed.
        submit(&engine, &org.rep_li, DocKind::Contract, "K-20").unwrap();
        approve(&engine, &org.east_manager, DocKind::Contract, "K-20").unwrap();
        let out = engine
            .execute(
                &org.legal,
                &Decide {
                    kind: DocKind::Contract,
                    id: "K-20".into(),
                    verdict: Verdict::Rejected,
                    comment: Some("liability clause missing".into()),
                },
            )
            .unwrap();
        assert_eq!(out.status, ApprovalStatus::Rejected, "{name}");
        let k = engine.contract(&org.rep_li, "K-20").unwrap();
        assert_eq!(k.status, ContractStatus::Draft);
        assert_eq!(
            k.approval.as_ref().unwrap().steps[1]
                .decision
                .as_ref()
                .unwrap()
                .comment
                .as_deref(),
            Some("liability clause missing")
        );
        let sign = SignContract {
            id: "K-20".into(),
            customer_signatory: "X".into(),
            signed_on: day0(),
        };
        assert!(matches!(
            engine.execute(&org.rep_li, &sign),
            Err(Error::InvalidState { .. })
        ));
        // Resubmitted: the review starts again from the manager.
        assert_eq!(
            submit(&engine, &org.rep_li, DocKind::Contract, "K-20")
                .unwrap()
                .current_role,
            Some(Role::Manager)
        );
        approve(&engine, &org.east_manager, DocKind::Contract, "K-20").unwrap();
        approve(&engine, &org.legal, DocKind::Contract, "K-20").unwrap();
        engine.execute(&org.rep_li, &sign).unwrap();
        // The director returns a change request: the contract keeps its terms.
        let change = RequestContractChange {
            id: "CC-20".into(),
            contract: "K-20".into(),
            lines: None,
            delivery_date: None,
            payment_terms: Some("net 90".into()),
            reason: "cash flow".into(),
        };
        engine.execute(&org.rep_li, &change).unwrap();
        submit(&engine, &org.rep_li, DocKind::ContractChange, "CC-20").unwrap();
        approve(&engine, &org.east_manager, DocKind::ContractChange, "CC-20").unwrap();
        engine
            .execute(
                &org.director,
                &Decide {
                    kind: DocKind::ContractChange,
                    id: "CC-20".into(),
                    verdict: Verdict::Returned,
                    comment: Some("net 60 at most".into()),
                },
            )
            .unwrap();
        let k = engine.contract(&org.rep_li, "K-20").unwrap();
        assert_eq!(
            (k.terms.len(), k.current_terms().payment_terms.as_str()),
            (1, "net 30")
        );
        // A rejected price exception grants nothing.
        engine
            .execute(
                &org.rep_li,
                &FilePriceException {
                    id: "PE-20".into(),
                    customer: "C-LI".into(),
                    product: "KIS-SEAT".into(),
                    price: dec("50"),
                    max_quantity: dec("5"),
                    valid_from: day0(),
                    valid_to: day0(),
                    reason: "r".into(),
                },
            )
            .unwrap();
        submit(&engine, &org.rep_li, DocKind::PriceException, "PE-20").unwrap();
        engine
            .execute(
                &org.east_manager,
                &Decide {
                    kind: DocKind::PriceException,
                    id: "PE-20".into(),
                    verdict: Verdict::Rejected,
                    comment: Some("too deep".into()),
                },
            )
            .unwrap();
        assert_eq!(
            engine.price_exception(&org.rep_li, "PE-20").unwrap().status,
            ExceptionStatus::Draft
        );
        assert!(engine.inbox(&org.director).unwrap().is_empty());
    }
}

per_backend! {
    replayed_submit_and_approve_do_nothing_the_second_time, |name, store| {
        let (engine, _) = engine_on(store);
        let org = setup_org(&engine);
        setup_catalogue(&engine, &org);
        quote(&engine, &org, "Q-21", vec![line("KIS-PRO", 600)]);
        let submit_cmd = Submit {
            kind: DocKind::Quote,
            id: "Q-21".into(),
        };
        let approve_cmd = Decide {
            kind: DocKind::Quote,
            id: "Q-21".into(),
            verdict: Verdict::Approved,
            comment: None,
        };
        let first = engine
            .execute_idempotent(&org.rep_li, "phone-1", &submit_cmd)
            .unwrap();
        let approved = engine
            .execute_idempotent(&org.east_manager, "tablet-7", &approve_cmd)
            .unwrap();
        let entries = engine.audit_trail(&Default::default()).unwrap().len();
        // A lost connection: both are sent again with their keys.
        assert_eq!(
            engine
                .execute_idempotent(&org.rep_li, "phone-1", &submit_cmd)
                .unwrap(),
            first,
            "{name}"
        );
        assert_eq!(
            engine
                .execute_idempotent(&org.east_manager, "tablet-7", &approve_cmd)
                .unwrap(),
            approved
        );
        assert_eq!(
            engine.audit_trail(&Default::default()).unwrap().len(),
            entries,
            "nothing written"
        );
        let q = engine.quote(&org.rep_li, "Q-21").unwrap();
        assert_eq!(q.approval().unwrap().round, 1, "not resubmitted");
        assert_eq!(
            q.approval().unwrap().current().map(|s| s.planned.role),
            Some(Role::Director),
            "the director step still waits"
        );
        // Without the key, the same approval is a second decision and is refused.
        assert!(engine.execute(&org.east_manager, &approve_cmd).is_err());
    }
}

/// P3 escalation counts days on the company's wall clock (#22): in New York, a quote
/// submitted on Friday 30 October 2026 at 10:00 has waited three days on Monday at 10:00,
/// 73 hours later, because the clocks went back an hour on the Sunday.
#[test]
fn escalation_counts_wall_clock_days_across_summer_time() {
    let text = std::fs::read_to_string("examples/policy.toml")
        .unwrap()
        .replace(
            "time_zone = \"Asia/Shanghai\"",
            "time_zone = \"America/New_York\"",
        );
    let clock = std::sync::Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 10, 30, 14, 0, 0).unwrap(), // Friday 10:00 EDT
    ));
    let engine = Engine::open_with_clock(
        std::sync::Arc::new(MemoryStore::new()),
        Policy::from_toml(&text).unwrap(),
        clock.clone(),
    )
    .unwrap();
    let org = setup_org(&engine);
    setup_catalogue(&engine, &org);
    quote(&engine, &org, "Q-NY", vec![line("KIS-SEAT", 1)]);
    submit(&engine, &org.rep_li, DocKind::Quote, "Q-NY").unwrap();
    // Monday 14:30 UTC is 09:30 EST: 72.5 hours, but not yet three days.
    clock.set(Utc.with_ymd_and_hms(2026, 11, 2, 14, 30, 0).unwrap());
    assert!(engine.escalations(&org.director).unwrap().is_empty());
    let waiting = engine.inbox(&org.east_manager).unwrap();
    assert_eq!(waiting[0].days_waiting, 2);
    // Monday 10:00 EST.
    clock.set(Utc.with_ymd_and_hms(2026, 11, 2, 15, 0, 0).unwrap());
    let esc = engine.escalations(&org.director).unwrap();
    assert_eq!((esc.len(), esc[0].days_waiting), (1, 3));
}
