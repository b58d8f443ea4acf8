//! P6 expenses: budgets reviewed by finance, claims through manager and finance, and
//! budget control that never lets approved + pending spending pass a budget. Every
//! backend.

mod common;

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use common::*;
use kis::approval::{DocKind, Verdict};
use kis::expense::*;
use kis::reviews::{Decide, Submit};
use kis::*;
use rust_decimal::Decimal;

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// An engine whose clock stands at 09:00 Beijing time on `date`, with the policy's
/// `monthly` budget action replaced.
fn engine_at(store: Arc<dyn Store>, date: &str, monthly: &str) -> (Engine, Arc<ManualClock>) {
    engine_with(store, date, "stop", monthly)
}

/// [`engine_at`] with the `annual` action replaced too.
fn engine_with(
    store: Arc<dyn Store>,
    date: &str,
    annual: &str,
    monthly: &str,
) -> (Engine, Arc<ManualClock>) {
    let text = POLICY.replace(
        "on_exceed = { annual = \"stop\", monthly = \"warn\" }",
        &format!("on_exceed = {{ annual = \"{annual}\", monthly = \"{monthly}\" }}"),
    );
    let policy = Policy::from_toml(&text).unwrap();
    let d = day(date);
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(d.year(), d.month(), d.day(), 1, 0, 0)
            .unwrap(),
    ));
    (
        Engine::open_with_clock(store, policy, clock.clone()).unwrap(),
        clock,
    )
}

use chrono::Datelike;

fn approved_budget(
    engine: &Engine,
    org: &Org,
    category: &str,
    annual: &str,
    distribution: Option<Vec<Decimal>>,
) {
    engine
        .execute(
            &org.director,
            &ProposeBudget {
                year: 2026,
                team: "east".into(),
                category: category.into(),
                annual: dec(annual),
                distribution,
                reason: None,
            },
        )
        .unwrap();
    let id = format!("2026:east:{category}");
    engine
        .execute(
            &org.director,
            &Submit {
                kind: DocKind::Budget,
                id: id.clone(),
            },
        )
        .unwrap();
    engine
        .execute(
            &org.finance,
            &Decide {
                kind: DocKind::Budget,
                id,
                verdict: Verdict::Approved,
                comment: None,
            },
        )
        .unwrap();
}

fn receipt(number: &str, date: &str, amount: &str) -> Option<Receipt> {
    Some(Receipt {
        issuer: "Air China".into(),
        number: number.into(),
        date: day(date),
        amount: dec(amount),
        file_sha256: None,
    })
}

fn travel(date: &str, amount: &str, number: &str) -> ClaimLine {
    ClaimLine {
        category: "travel".into(),
        date: day(date),
        amount: dec(amount),
        description: "flight".into(),
        event: None,
        receipt: receipt(number, date, amount),
        sanctioned: None,
        sanction_reason: None,
    }
}

fn file(
    engine: &Engine,
    who: &Actor,
    id: &str,
    from: &str,
    to: &str,
    lines: Vec<ClaimLine>,
) -> Result<ExpenseClaim> {
    engine.execute(
        who,
        &FileClaim {
            id: id.into(),
            period_from: day(from),
            period_to: day(to),
            lines,
        },
    )
}

fn submit(engine: &Engine, who: &Actor, id: &str) -> Result<kis::reviews::ReviewOutcome> {
    engine.execute(
        who,
        &Submit {
            kind: DocKind::ExpenseClaim,
            id: id.into(),
        },
    )
}

fn approve(engine: &Engine, who: &Actor, id: &str) -> Result<kis::reviews::ReviewOutcome> {
    engine.execute(
        who,
        &Decide {
            kind: DocKind::ExpenseClaim,
            id: id.into(),
            verdict: Verdict::Approved,
            comment: None,
        },
    )
}

fn consumed(engine: &Engine, org: &Org, category: &str) -> Decimal {
    engine
        .budget_status(&org.finance, 2026)
        .unwrap()
        .into_iter()
        .find(|l| l.category == category)
        .unwrap()
        .consumed
}

fn distribution_8_10() -> Option<Vec<Decimal>> {
    let mut d = vec![dec("8"); 10];
    d.extend([dec("10"), dec("10")]);
    Some(d)
}

per_backend! {
    p6_1_a_budget_is_reviewed_by_finance_and_accumulates_by_month, |name, store| {
        let (engine, _) = engine_at(store, "2026-03-31", "stop");
        let org = setup_org(&engine);
        // A rep does not propose budgets; another team's manager neither.
        let proposal = ProposeBudget {
            year: 2026,
            team: "east".into(),
            category: "travel".into(),
            annual: dec("120000"),
            distribution: distribution_8_10(),
            reason: None,
        };
        assert!(matches!(
            engine.execute(&org.rep_li, &proposal),
            Err(Error::NotAuthorized { .. })
        ));
        assert!(matches!(
            engine.execute(&org.west_manager, &proposal),
            Err(Error::NotAuthorized { .. })
        ));
        engine.execute(&org.east_manager, &proposal).unwrap();
        engine
            .execute(
                &org.east_manager,
                &Submit {
                    kind: DocKind::Budget,
                    id: "2026:east:travel".into(),
                },
            )
            .unwrap();
        let status = engine.budget_status(&org.finance, 2026).unwrap();
        assert_eq!(
            (status[0].annual, status[0].proposal_pending),
            (Decimal::ZERO, true),
            "{name}: not in force before finance approves"
        );
        assert!(matches!(
            engine.execute(
                &org.director,
                &Decide {
                    kind: DocKind::Budget,
                    id: "2026:east:travel".into(),
                    verdict: Verdict::Approved,
                    comment: None
                }
            ),
            Err(Error::NotAuthorized { .. })
        ));
        engine
            .execute(
                &org.finance,
                &Decide {
                    kind: DocKind::Budget,
                    id: "2026:east:travel".into(),
                    verdict: Verdict::Approved,
                    comment: None,
                },
            )
            .unwrap();
        let status = engine.budget_status(&org.east_manager, 2026).unwrap();
        assert_eq!(
            (status[0].annual, status[0].to_date),
            (dec("120000"), dec("28800.00"))
        );
        assert!(
            engine
                .budget_status(&org.west_manager, 2026)
                .unwrap()
                .is_empty(),
            "another team's budget"
        );
        // A revision needs a reason and stays out of force until approved.
        let revise = ProposeBudget {
            annual: dec("130000"),
            reason: None,
            ..proposal.clone()
        };
        assert!(
            matches!(engine.execute(&org.director, &revise), Err(Error::Invalid(ref e)) if e.field == "reason")
        );
        engine
            .execute(
                &org.director,
                &ProposeBudget {
                    reason: Some("new trade fair".into()),
                    ..revise
                },
            )
            .unwrap();
        assert_eq!(
            engine.budget_status(&org.finance, 2026).unwrap()[0].annual,
            dec("120000")
        );
        let b = engine.budget(&org.finance, "2026:east:travel").unwrap();
        assert_eq!((b.versions.len(), b.in_force), (2, Some(1)));
    }
}

#[test]
fn p6_1_an_even_spread_accumulates_to_five_twelfths_by_may() {
    let (engine, _) = engine_at(Arc::new(MemoryStore::new()), "2026-05-31", "stop");
    let org = setup_org(&engine);
    approved_budget(&engine, &org, "marketing", "60000", None);
    assert_eq!(
        engine.budget_status(&org.director, 2026).unwrap()[0].to_date,
        dec("25000.00")
    );
}

per_backend! {
    p6_3_a_monthly_stop_refuses, |name, store| {
        let (engine, _) = engine_at(store, "2026-03-20", "stop");
        let org = setup_org(&engine);
        approved_budget(&engine, &org, "travel", "120000", distribution_8_10());
        file(
            &engine,
            &org.rep_li,
            "X-1",
            "2026-03-01",
            "2026-03-31",
            vec![travel("2026-03-10", "28000", "A1")],
        )
        .unwrap();
        submit(&engine, &org.rep_li, "X-1").unwrap();
        file(
            &engine,
            &org.rep_li,
            "X-2",
            "2026-03-01",
            "2026-03-31",
            vec![travel("2026-03-11", "2000", "A2")],
        )
        .unwrap();
        match submit(&engine, &org.rep_li, "X-2") {
            Err(Error::BudgetExceeded {
                scope,
                limit,
                consumed,
                requested,
                ..
            }) => {
                assert_eq!(
                    (scope.as_str(), limit, consumed, requested),
                    (
                        "accumulated to month 3",
                        dec("28800.00"),
                        dec("28000"),
                        dec("2000")
                    ),
                    "{name}"
                );
            }
            other => panic!("{name}: expected BudgetExceeded, got {other:?}"),
        }
        assert_eq!(
            consumed(&engine, &org, "travel"),
            dec("28000"),
            "the refused claim reserved nothing"
        );
        // Up to the accumulated budget exactly is fine.
        file(
            &engine,
            &org.rep_li,
            "X-3",
            "2026-03-01",
            "2026-03-31",
            vec![travel("2026-03-12", "800", "A3")],
        )
        .unwrap();
        submit(&engine, &org.rep_li, "X-3").unwrap();
    }
}

per_backend! {
    p6_3_a_warning_needs_the_directors_override, |name, store| {
        let (engine, _) = engine_at(store, "2026-03-20", "warn");
        let org = setup_org(&engine);
        approved_budget(&engine, &org, "travel", "120000", distribution_8_10());
        file(
            &engine,
            &org.rep_li,
            "W-1",
            "2026-03-01",
            "2026-03-31",
            vec![travel("2026-03-10", "28000", "B1")],
        )
        .unwrap();
        submit(&engine, &org.rep_li, "W-1").unwrap();
        file(
            &engine,
            &org.rep_li,
            "W-2",
            "2026-03-01",
            "2026-03-31",
            vec![travel("2026-03-11", "2000", "B2")],
        )
        .unwrap();
        submit(&engine, &org.rep_li, "W-2").unwrap();
        let claim = engine.expense_claim(&org.rep_li, "W-2").unwrap();
        assert_eq!(claim.warnings.len(), 1, "{name}: {:?}", claim.warnings);
        approve(&engine, &org.east_manager, "W-2").unwrap();
        let err = approve(&engine, &org.finance, "W-2").unwrap_err();
        assert!(
            err.to_string().contains("a director must override"),
            "{err}"
        );
        assert!(matches!(
            engine.execute(
                &org.east_manager,
                &OverrideBudgetWarning {
                    claim: "W-2".into()
                }
            ),
            Err(Error::NotAuthorized { .. })
        ));
        engine
            .execute(
                &org.director,
                &OverrideBudgetWarning {
                    claim: "W-2".into(),
                },
            )
            .unwrap();
        assert_eq!(
            approve(&engine, &org.finance, "W-2").unwrap().status,
            kis::approval::ApprovalStatus::Approved
        );
        let history = engine.history("expense_claims", "W-2").unwrap();
        assert!(
            history
                .iter()
                .any(|e| e.command == "expense.override_warning" && e.actor == "dir"),
            "the override is audited"
        );
    }
}

per_backend! {
    p6_3_the_annual_stop_refuses_even_when_months_are_ignored, |name, store| {
        let (engine, _) = engine_at(store, "2026-11-20", "ignore");
        let org = setup_org(&engine);
        approved_budget(&engine, &org, "travel", "1000", None);
        file(
            &engine,
            &org.rep_li,
            "Y-1",
            "2026-11-01",
            "2026-11-30",
            vec![travel("2026-11-10", "600", "C1")],
        )
        .unwrap();
        submit(&engine, &org.rep_li, "Y-1").unwrap();
        file(
            &engine,
            &org.rep_wang,
            "Y-2",
            "2026-11-01",
            "2026-11-30",
            vec![travel("2026-11-11", "500", "C2")],
        )
        .unwrap();
        assert!(
            matches!(submit(&engine, &org.rep_wang, "Y-2"), Err(Error::BudgetExceeded { ref scope, .. }) if scope == "annual"),
            "{name}"
        );
        file(
            &engine,
            &org.rep_wang,
            "Y-3",
            "2026-11-01",
            "2026-11-30",
            vec![travel("2026-11-11", "400", "C3")],
        )
        .unwrap();
        submit(&engine, &org.rep_wang, "Y-3").unwrap();
        assert_eq!(consumed(&engine, &org, "travel"), dec("1000"));
    }
}

per_backend! {
    p6_2_finance_sanctions_less_never_more_and_a_rejection_releases, |name, store| {
        let (engine, _) = engine_at(store, "2026-11-20", "warn");
        let org = setup_org(&engine);
        approved_budget(&engine, &org, "travel", "10000", None);
        file(
            &engine,
            &org.rep_li,
            "S-1",
            "2026-11-01",
            "2026-11-30",
            vec![travel("2026-11-10", "300", "D1")],
        )
        .unwrap();
        submit(&engine, &org.rep_li, "S-1").unwrap();
        assert_eq!(
            consumed(&engine, &org, "travel"),
            dec("300"),
            "{name}: a pending claim reserves"
        );
        let sanction = |amount: &str| SanctionClaimLine {
            claim: "S-1".into(),
            line: 0,
            amount: dec(amount),
            reason: "economy fare".into(),
        };
        assert!(
            matches!(
                engine.execute(&org.finance, &sanction("200")),
                Err(Error::InvalidState { .. })
            ),
            "not before the manager"
        );
        approve(&engine, &org.east_manager, "S-1").unwrap();
        assert!(
            matches!(engine.execute(&org.finance, &sanction("400")), Err(Error::Invalid(ref e)) if e.field == "amount")
        );
        assert!(matches!(
            engine.execute(&org.east_manager, &sanction("200")),
            Err(Error::NotAuthorized { .. })
        ));
        engine.execute(&org.finance, &sanction("200")).unwrap();
        approve(&engine, &org.finance, "S-1").unwrap();
        assert_eq!(
            consumed(&engine, &org, "travel"),
            dec("200"),
            "consumption is what was sanctioned"
        );
        assert_eq!(
            engine
                .execute(
                    &org.finance,
                    &MarkClaimPaid {
                        claim: "S-1".into()
                    }
                )
                .unwrap()
                .status,
            ClaimStatus::Paid
        );
        // A rejected claim releases its reservation and its receipts.
        file(
            &engine,
            &org.rep_li,
            "S-2",
            "2026-11-01",
            "2026-11-30",
            vec![travel("2026-11-12", "700", "D2")],
        )
        .unwrap();
        submit(&engine, &org.rep_li, "S-2").unwrap();
        assert_eq!(consumed(&engine, &org, "travel"), dec("900"));
        engine
            .execute(
                &org.east_manager,
                &Decide {
                    kind: DocKind::ExpenseClaim,
                    id: "S-2".into(),
                    verdict: Verdict::Rejected,
                    comment: Some("private trip".into()),
                },
            )
            .unwrap();
        assert_eq!(consumed(&engine, &org, "travel"), dec("200"));
        assert_eq!(
            engine.expense_claim(&org.rep_li, "S-2").unwrap().lines[0].sanctioned,
            Some(Decimal::ZERO)
        );
        // Recalled too.
        file(
            &engine,
            &org.rep_li,
            "S-3",
            "2026-11-01",
            "2026-11-30",
            vec![travel("2026-11-13", "100", "D3")],
        )
        .unwrap();
        submit(&engine, &org.rep_li, "S-3").unwrap();
        engine
            .execute(
                &org.rep_li,
                &kis::reviews::Recall {
                    kind: DocKind::ExpenseClaim,
                    id: "S-3".into(),
                },
            )
            .unwrap();
        assert_eq!(consumed(&engine, &org, "travel"), dec("200"));
    }
}

per_backend! {
    p6_2_a_receipt_is_claimed_once_by_anyone, |name, store| {
        let (engine, _) = engine_at(store, "2026-11-20", "warn");
        let org = setup_org(&engine);
        approved_budget(&engine, &org, "travel", "10000", None);
        file(
            &engine,
            &org.rep_li,
            "R-1",
            "2026-11-01",
            "2026-11-30",
            vec![travel("2026-11-10", "300", "E-77")],
        )
        .unwrap();
        submit(&engine, &org.rep_li, "R-1").unwrap();
        // The same receipt typed differently, by another rep.
        let mut line = travel("2026-11-10", "300", " e-77 ");
        line.receipt.as_mut().unwrap().issuer = "AIR CHINA".into();
        file(
            &engine,
            &org.rep_wang,
            "R-2",
            "2026-11-01",
            "2026-11-30",
            vec![line],
        )
        .unwrap();
        let err = submit(&engine, &org.rep_wang, "R-2").unwrap_err();
        assert!(
            err.to_string()
                .contains("already claimed on claim R-1 (by li)"),
            "{name}: {err}"
        );
        assert_eq!(consumed(&engine, &org, "travel"), dec("300"));
    }
}

per_backend! {
    p6_2_who_approves_a_claim, |_, store| {
        let (engine, _) = engine_at(store, "2026-11-20", "warn");
        let org = setup_org(&engine);
        approved_budget(&engine, &org, "travel", "10000", None);
        file(
            &engine,
            &org.rep_li,
            "A-1",
            "2026-11-01",
            "2026-11-30",
            vec![travel("2026-11-10", "300", "F1")],
        )
        .unwrap();
        submit(&engine, &org.rep_li, "A-1").unwrap();
        assert!(
            matches!(
                approve(&engine, &org.rep_li, "A-1"),
                Err(Error::NotAuthorized { .. })
            ),
            "own claim"
        );
        assert!(
            matches!(
                approve(&engine, &org.west_manager, "A-1"),
                Err(Error::NotAuthorized { .. })
            ),
            "another team"
        );
        assert!(
            matches!(
                approve(&engine, &org.finance, "A-1"),
                Err(Error::NotAuthorized { .. })
            ),
            "finance before the manager"
        );
        approve(&engine, &org.east_manager, "A-1").unwrap();
        assert!(matches!(
            approve(&engine, &org.east_manager, "A-1"),
            Err(Error::NotAuthorized { .. })
        ));
        approve(&engine, &org.finance, "A-1").unwrap();
    }
}

#[test]
fn p6_2_claim_lines_are_checked_when_filed() {
    let (engine, _) = engine_at(Arc::new(MemoryStore::new()), "2026-11-20", "warn");
    let org = setup_org(&engine);
    let field = |lines: Vec<ClaimLine>| match file(
        &engine,
        &org.rep_li,
        "V",
        "2026-11-01",
        "2026-11-30",
        lines,
    ) {
        Err(Error::Invalid(e)) => e.field,
        other => panic!("expected invalid input, got {other:?}"),
    };
    let no_receipt = ClaimLine {
        receipt: None,
        ..travel("2026-11-10", "250", "x")
    };
    assert_eq!(field(vec![no_receipt]), "lines[0].receipt");
    let small = ClaimLine {
        receipt: None,
        ..travel("2026-11-10", "150", "x")
    };
    assert!(
        file(
            &engine,
            &org.rep_li,
            "V-ok",
            "2026-11-01",
            "2026-11-30",
            vec![small]
        )
        .is_ok(),
        "no receipt needed under 200"
    );
    let mut wrong_date = travel("2026-11-10", "300", "x");
    wrong_date.receipt.as_mut().unwrap().date = day("2026-11-09");
    assert_eq!(field(vec![wrong_date]), "lines[0].receipt.date");
    let mut short = travel("2026-11-10", "300", "x");
    short.receipt.as_mut().unwrap().amount = dec("250");
    assert_eq!(field(vec![short]), "lines[0].receipt.amount");
    assert_eq!(
        field(vec![travel("2026-10-10", "300", "x")]),
        "lines[0].date",
        "outside the period"
    );
    let late = travel("2026-10-15", "300", "x");
    let err = file(
        &engine,
        &org.rep_li,
        "V2",
        "2026-10-01",
        "2026-11-30",
        vec![late],
    )
    .unwrap_err();
    assert!(err.to_string().contains("within 30 days"), "{err}");
    let dinner = ClaimLine {
        category: "entertainment".into(),
        description: "dinner".into(),
        ..travel("2026-11-10", "2500", "x")
    };
    assert_eq!(
        field(vec![dinner]),
        "lines[0].amount",
        "over the per-event limit"
    );
    assert_eq!(
        field(vec![ClaimLine {
            category: "yacht".into(),
            ..travel("2026-11-10", "10", "x")
        }]),
        "lines[0].category"
    );
    assert!(matches!(
        file(
            &engine,
            &org.finance,
            "V3",
            "2026-11-01",
            "2026-11-30",
            vec![travel("2026-11-10", "10", "x")]
        ),
        Err(Error::NotAuthorized { .. })
    ));
}

per_backend! {
    p6_3_many_threads_never_overspend_a_budget, |name, store| {
        let (engine, _) = engine_at(store, "2026-11-20", "ignore");
        let org = setup_org(&engine);
        approved_budget(&engine, &org, "travel", "5000", None);
        let engine = Arc::new(engine);
        let handles: Vec<_> = (0..4)
            .map(|t| {
                let engine = Arc::clone(&engine);
                std::thread::spawn(move || {
                    let rep = Actor::new(if t % 2 == 0 { "li" } else { "wang" });
                    let mut accepted = Decimal::ZERO;
                    for i in 0..15 {
                        let amount = Decimal::from(100 + (t * 37 + i * 53) % 400);
                        let id = format!("T{t}-{i}");
                        file(
                            &engine,
                            &rep,
                            &id,
                            "2026-11-01",
                            "2026-11-30",
                            vec![travel("2026-11-15", &amount.to_string(), &id)],
                        )
                        .unwrap();
                        match submit(&engine, &rep, &id) {
                            Ok(_) => accepted += amount,
                            Err(Error::BudgetExceeded { .. }) => {}
                            Err(e) => panic!("{e}"),
                        }
                    }
                    accepted
                })
            })
            .collect();
        let accepted: Decimal = handles.into_iter().map(|h| h.join().unwrap()).sum();
        let used = consumed(&engine, &org, "travel");
        assert_eq!(used, accepted, "{name}: nothing lost");
        assert!(used <= dec("5000"), "{name}: {used} over budget");
        assert!(
            used > dec("4500"),
            "{name}: the budget should be nearly used, got {used}"
        );
    }
}

per_backend! {
    p6_3_the_finance_audit_lists_split_claims_weekend_dinners_reused_images_and_overruns, |name, store| {
        let (engine, _) = engine_with(store, "2026-11-20", "warn", "ignore");
        let org = setup_org(&engine);
        approved_budget(&engine, &org, "travel", "250", None);
        approved_budget(&engine, &org, "entertainment", "10000", None);
        let small = |d: &str, amount: &str| ClaimLine {
            receipt: None,
            ..travel(d, amount, "x")
        };
        // Split: two claims of 150 each on one day (threshold 200).
        for id in ["SP-1", "SP-2"] {
            file(
                &engine,
                &org.rep_li,
                id,
                "2026-11-01",
                "2026-11-30",
                vec![small("2026-11-16", "150")],
            )
            .unwrap();
            submit(&engine, &org.rep_li, id).unwrap();
        }
        // A Saturday dinner, and one photo behind two receipt numbers.
        let mut dinner = travel("2026-11-14", "800", "D-1");
        dinner.category = "entertainment".into();
        dinner.description = "dinner".into();
        dinner.receipt.as_mut().unwrap().file_sha256 = Some("ab".repeat(32));
        let mut lunch = travel("2026-11-16", "600", "D-2");
        lunch.category = "entertainment".into();
        lunch.description = "lunch".into();
        lunch.receipt.as_mut().unwrap().file_sha256 = Some("ab".repeat(32));
        file(
            &engine,
            &org.rep_wang,
            "EN-1",
            "2026-11-01",
            "2026-11-30",
            vec![dinner, lunch],
        )
        .unwrap();
        submit(&engine, &org.rep_wang, "EN-1").unwrap();
        assert!(matches!(
            engine.expense_audit(&org.rep_li, day("2026-11-01"), day("2026-11-30")),
            Err(Error::NotAuthorized { .. })
        ));
        let findings = engine
            .expense_audit(&org.finance, day("2026-11-01"), day("2026-11-30"))
            .unwrap();
        let kinds: Vec<FindingKind> = findings.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            [
                FindingKind::OverBudget,
                FindingKind::ReusedReceiptImage,
                FindingKind::SplitClaims,
                FindingKind::WeekendEntertainment
            ],
            "{name}: {findings:#?}"
        );
        assert_eq!(findings[2].subjects, ["SP-1", "SP-2"]);
        assert_eq!(
            findings[0].detail,
            "300 used against an annual budget of 250"
        );
    }
}

per_backend! {
    a_replayed_claim_submission_does_nothing_the_second_time, |name, store| {
        let (engine, _) = engine_at(store, "2026-11-20", "warn");
        let org = setup_org(&engine);
        approved_budget(&engine, &org, "travel", "1000", None);
        let filing = FileClaim {
            id: "RP-1".into(),
            period_from: day("2026-11-01"),
            period_to: day("2026-11-30"),
            lines: vec![travel("2026-11-10", "400", "RP")],
        };
        let first = engine
            .execute_idempotent(&org.rep_li, "phone-claim-1", &filing)
            .unwrap();
        assert_eq!(
            engine
                .execute_idempotent(&org.rep_li, "phone-claim-1", &filing)
                .unwrap(),
            first,
            "{name}"
        );
        let submit_cmd = Submit {
            kind: DocKind::ExpenseClaim,
            id: "RP-1".into(),
        };
        engine
            .execute_idempotent(&org.rep_li, "phone-submit-1", &submit_cmd)
            .unwrap();
        let entries = engine.audit_trail(&Default::default()).unwrap().len();
        engine
            .execute_idempotent(&org.rep_li, "phone-submit-1", &submit_cmd)
            .unwrap();
        assert_eq!(
            engine.audit_trail(&Default::default()).unwrap().len(),
            entries,
            "nothing written"
        );
        assert_eq!(
            consumed(&engine, &org, "travel"),
            dec("400"),
            "reserved once, not twice"
        );
        let other = FileClaim {
            id: "RP-2".into(),
            ..filing
        };
        assert!(matches!(
            engine.execute_idempotent(&org.rep_li, "phone-claim-1", &other),
            Err(Error::IdempotencyKeyReused { .. })
        ));
    }
}

per_backend! {
    per_day_limits_hold_across_claims_and_finance_reclassifies_with_a_reason, |name, store| {
        let text = POLICY.replace(
            "limits = { entertainment = { per_event = \"2000\" } }",
            "limits = { entertainment = { per_event = \"2000\", per_day = \"2500\" } }",
        );
        let clock = Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 11, 20, 1, 0, 0).unwrap(),
        ));
        let engine =
            Engine::open_with_clock(store, Policy::from_toml(&text).unwrap(), clock).unwrap();
        let org = setup_org(&engine);
        approved_budget(&engine, &org, "entertainment", "10000", None);
        approved_budget(&engine, &org, "marketing", "10000", None);
        let dinner = |amount: &str, number: &str| ClaimLine {
            category: "entertainment".into(),
            description: "dinner".into(),
            ..travel("2026-11-16", amount, number)
        };
        file(
            &engine,
            &org.rep_li,
            "PD-1",
            "2026-11-01",
            "2026-11-30",
            vec![dinner("1800", "P1")],
        )
        .unwrap();
        submit(&engine, &org.rep_li, "PD-1").unwrap();
        file(
            &engine,
            &org.rep_li,
            "PD-2",
            "2026-11-01",
            "2026-11-30",
            vec![dinner("900", "P2")],
        )
        .unwrap();
        let err = submit(&engine, &org.rep_li, "PD-2").unwrap_err();
        assert!(
            err.to_string().contains("limit of 2500 per day"),
            "{name}: {err}"
        );
        // Another person's dinner that day is their own.
        file(
            &engine,
            &org.rep_wang,
            "PD-3",
            "2026-11-01",
            "2026-11-30",
            vec![dinner("900", "P3")],
        )
        .unwrap();
        submit(&engine, &org.rep_wang, "PD-3").unwrap();
        // Recalling the first frees the day again.
        engine
            .execute(
                &org.rep_li,
                &kis::reviews::Recall {
                    kind: DocKind::ExpenseClaim,
                    id: "PD-1".into(),
                },
            )
            .unwrap();
        submit(&engine, &org.rep_li, "PD-2").unwrap();
        // Finance reclassifies the approved dinner as marketing, with a reason.
        approve(&engine, &org.east_manager, "PD-2").unwrap();
        approve(&engine, &org.finance, "PD-2").unwrap();
        let reclassify = ReclassifyClaimLine {
            claim: "PD-2".into(),
            line: 0,
            category: "marketing".into(),
            reason: "customer event".into(),
        };
        assert!(matches!(
            engine.execute(&org.east_manager, &reclassify),
            Err(Error::NotAuthorized { .. })
        ));
        let claim = engine.execute(&org.finance, &reclassify).unwrap();
        assert_eq!(
            (claim.lines[0].category.as_str(), claim.adjustments.len()),
            ("marketing", 1)
        );
        let status = engine.budget_status(&org.finance, 2026).unwrap();
        let used = |c: &str| status.iter().find(|l| l.category == c).unwrap().consumed;
        assert_eq!(
            (used("entertainment"), used("marketing")),
            (dec("900"), dec("900")),
            "wang's dinner stays; li's moved"
        );
        let november = status
            .iter()
            .find(|l| l.category == "marketing")
            .unwrap()
            .months[10];
        // A month's budget is the difference of rounded accumulations, so the months sum to the year.
        assert_eq!(november, (11, dec("833.34"), dec("900")));
    }
}
