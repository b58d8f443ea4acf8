//! P5 KPI scoring and P4.3 awards, from real documents: a delivered order's lines are
//! the sales facts scored; targets, surveys and ratings come through their commands.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use common::*;
use kis::kpi::*;
use kis::sales::*;
use kis::*;
use rust_decimal::Decimal;

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn set_day(clock: &ManualClock, d: &str) {
    let d = day(d);
    clock.set(
        Utc.with_ymd_and_hms(
            chrono::Datelike::year(&d),
            chrono::Datelike::month(&d),
            chrono::Datelike::day(&d),
            2,
            0,
            0,
        )
        .unwrap(),
    );
}

/// Sells `qty` KIS-PRO (1000 each, cost 600) to li's customer on `date`: quote, reviews,
/// contract signed that day, order delivered that day, credited as `credits`.
fn sell(
    engine: &Engine,
    org: &Org,
    clock: &ManualClock,
    n: u32,
    qty: i64,
    date: &str,
    credits: Option<Vec<Credit>>,
) {
    let sale = Sale::new(
        n,
        &org.rep_li,
        &org.east_manager,
        "C-LI",
        "KIS-PRO",
        qty,
        date,
    );
    sell_through(engine, org, clock, &Sale { credits, ..sale });
}

fn rep<'a>(board: &'a Scoreboard, id: &str) -> &'a RepScore {
    board.reps.iter().find(|r| r.rep.as_str() == id).unwrap()
}

fn month(m: u32) -> Period {
    Period::Month {
        year: 2026,
        month: m,
    }
}

#[test]
fn p5_scenario_1_monthly_targets_by_distribution() {
    let (engine, _) = engine_on(std::sync::Arc::new(MemoryStore::new()));
    let org = setup_org(&engine);
    let annual = Metrics {
        revenue: Some(dec("120000")),
        ..Default::default()
    };
    let even = engine
        .execute(
            &org.director,
            &SetTargets {
                rep: "li".into(),
                year: 2026,
                annual: annual.clone(),
                distribution: None,
            },
        )
        .unwrap();
    assert_eq!(
        even.month(1, engine.policy().rounding()).revenue,
        Some(dec("10000.00"))
    );
    let spread: Vec<Decimal> = ["5", "9", "9", "9", "9", "9", "9", "9", "8", "8", "8", "8"]
        .iter()
        .map(|s| dec(s))
        .collect();
    let t = engine
        .execute(
            &org.east_manager,
            &SetTargets {
                rep: "li".into(),
                year: 2026,
                annual,
                distribution: Some(spread),
            },
        )
        .unwrap();
    assert_eq!(
        t.month(1, engine.policy().rounding()).revenue,
        Some(dec("6000.00"))
    );
    // Only the director or the rep's own manager sets targets.
    let other = SetTargets {
        rep: "li".into(),
        year: 2026,
        annual: Metrics::default(),
        distribution: None,
    };
    assert!(matches!(
        engine.execute(&org.west_manager, &other),
        Err(Error::NotAuthorized { .. })
    ));
    assert!(matches!(
        engine.execute(&org.rep_li, &other),
        Err(Error::NotAuthorized { .. })
    ));
}

per_backend! {
    p5_scenario_2_and_3_split_credit_and_new_customers_from_real_sales, |name, store| {
        let (engine, clock) = engine_on(store);
        let org = setup_org(&engine);
        setup_catalogue(&engine, &org);
        let split = vec![
            Credit {
                rep: "li".into(),
                share_pct: dec("60"),
            },
            Credit {
                rep: "wang".into(),
                share_pct: dec("40"),
            },
        ];
        sell(&engine, &org, &clock, 1, 10, "2026-03-10", Some(split));
        sell(&engine, &org, &clock, 2, 2, "2026-04-10", None);
        let march = engine.scoreboard(&org.director, month(3), None).unwrap();
        let (li, wang) = (rep(&march, "li"), rep(&march, "wang"));
        // 10 units at 1000 with a 10-unit tier of 5% off: 9500.00 revenue, 6000 cost.
        assert_eq!(
            (li.actuals.revenue, wang.actuals.revenue),
            (Some(dec("5700.00")), Some(dec("3800.00"))),
            "{name}"
        );
        assert_eq!(
            (li.actuals.profit, wang.actuals.profit),
            (Some(dec("2100.00")), Some(dec("1400.00")))
        );
        // C-LI first signed in March: new in March for its owner, and in no other month.
        assert_eq!(
            (li.actuals.new_customers, wang.actuals.new_customers),
            (Some(dec("1")), Some(dec("0")))
        );
        let april = engine.scoreboard(&org.director, month(4), None).unwrap();
        assert_eq!(rep(&april, "li").actuals.new_customers, Some(dec("0")));
        assert_eq!(rep(&april, "li").actuals.revenue, Some(dec("2000.00")));
        // The year adds up; a bad split is refused.
        let year = engine
            .scoreboard(&org.director, Period::Year(2026), None)
            .unwrap();
        assert_eq!(rep(&year, "li").actuals.revenue, Some(dec("7700.00")));
        let bad = CreateOrder {
            id: "O-X".into(),
            contract: "K-2".into(),
            steps: vec![StepPlan {
                name: "d".into(),
                due: day("2026-04-10"),
            }],
            credits: Some(vec![Credit {
                rep: "li".into(),
                share_pct: dec("70"),
            }]),
        };
        assert!(
            matches!(engine.execute(&org.rep_li, &bad), Err(Error::Invalid(ref e)) if e.field == "credits")
        );
    }
}

per_backend! {
    p5_scores_surveys_ratings_bands_visibility_and_awards, |name, store| {
        let (engine, clock) = engine_on(store);
        let org = setup_org(&engine);
        setup_catalogue(&engine, &org);
        let targets = Metrics {
            revenue: Some(dec("96000")),
            profit: Some(dec("24000")),
            new_customers: Some(dec("12")),
            satisfaction: Some(dec("80")),
            supervisor: Some(dec("80")),
        };
        engine
            .execute(
                &org.director,
                &SetTargets {
                    rep: "li".into(),
                    year: 2026,
                    annual: targets.clone(),
                    distribution: None,
                },
            )
            .unwrap();
        engine
            .execute(
                &org.director,
                &SetTargets {
                    rep: "wang".into(),
                    year: 2026,
                    annual: targets,
                    distribution: None,
                },
            )
            .unwrap();
        sell(&engine, &org, &clock, 1, 9, "2026-03-10", None);
        engine
            .execute(
                &org.admin,
                &kis::admin::AddUser {
                    id: "mkt".into(),
                    name: "Mo Marketing".into(),
                    role: Role::Marketing,
                    team: None,
                },
            )
            .unwrap();
        engine
            .execute(
                &Actor::new("mkt"),
                &RecordSurvey {
                    id: "S-1".into(),
                    customer: "C-LI".into(),
                    date: day("2026-03-12"),
                    score: dec("90"),
                    channel: SurveyChannel::Phone,
                },
            )
            .unwrap();
        let own = RecordSurvey {
            id: "S-2".into(),
            customer: "C-LI".into(),
            date: day("2026-03-12"),
            score: dec("100"),
            channel: SurveyChannel::Questionnaire,
        };
        assert!(
            matches!(
                engine.execute(&org.rep_li, &own),
                Err(Error::NotAuthorized { .. })
            ),
            "{name}: a rep does not rate themselves"
        );
        engine
            .execute(
                &org.east_manager,
                &RateRep {
                    rep: "li".into(),
                    year: 2026,
                    month: 3,
                    score: dec("88"),
                },
            )
            .unwrap();
        // Scenario 6: a manager of another team may not rate li.
        let err = engine
            .execute(
                &org.west_manager,
                &RateRep {
                    rep: "li".into(),
                    year: 2026,
                    month: 3,
                    score: dec("100"),
                },
            )
            .unwrap_err();
        assert!(
            err.to_string().contains("only the rep's own manager"),
            "{err}"
        );
        let board = engine.scoreboard(&org.director, month(3), None).unwrap();
        let li = rep(&board, "li");
        // Revenue 9000 of 8000 (1.125), profit 3600 of 2000 (1.8 -> cap 1.5), 1 new of 1,
        // satisfaction 90 of 80 (1.125), rating 88 of 80 (1.1):
        // 0.35*112.5 + 0.25*150 + 0.15*100 + 0.15*112.5 + 0.10*110 = 119.75.
        assert_eq!(
            (
                li.card.score,
                li.card.band.as_str(),
                li.card.bonus_multiplier
            ),
            (dec("119.75"), "A", dec("1.5")),
            "{name}: {:#?}",
            li.card
        );
        let wang = rep(&board, "wang");
        assert!(
            wang.card
                .lines
                .iter()
                .find(|l| l.metric == Metric::Satisfaction)
                .unwrap()
                .note
                .is_some(),
            "no survey: reported"
        );
        assert_eq!(board.awards[0].winners, ["li"]);
        assert_eq!(board.awards[2].winners, ["east"], "the team award");
        // Who sees what (P2): a rep their own card; a manager their team's.
        let li_view = engine.scoreboard(&org.rep_li, month(3), None).unwrap();
        assert_eq!(
            li_view
                .reps
                .iter()
                .map(|r| r.rep.as_str())
                .collect::<Vec<_>>(),
            ["li"]
        );
        let west_view = engine
            .scoreboard(&org.west_manager, month(3), None)
            .unwrap();
        assert_eq!(
            west_view
                .reps
                .iter()
                .map(|r| r.rep.as_str())
                .collect::<Vec<_>>(),
            ["zhao"]
        );
        assert!(matches!(
            engine.scoreboard(
                &org.director,
                Period::Month {
                    year: 2026,
                    month: 13
                },
                None
            ),
            Err(Error::Invalid(_))
        ));
        // The year in one pass gives the same cards as each month's scoreboard, and the
        // annual card scores annual actuals against annual targets.
        let year = engine.score_year(&org.director, 2026).unwrap();
        assert_eq!(
            year.len(),
            3 * 13,
            "{name}: three reps, twelve months and the year"
        );
        for m in 1..=12 {
            let board = engine.scoreboard(&org.director, month(m), None).unwrap();
            for r in &board.reps {
                let y = year
                    .iter()
                    .find(|y| y.rep == r.rep.as_str() && y.month == Some(m))
                    .unwrap();
                assert_eq!(
                    (&y.actuals, &y.targets, &y.card),
                    (&r.actuals, &r.targets, &r.card)
                );
            }
        }
        let annual = engine
            .scoreboard(&org.director, Period::Year(2026), None)
            .unwrap();
        let li_year = year
            .iter()
            .find(|y| y.rep == "li" && y.month.is_none())
            .unwrap();
        assert_eq!(li_year.card, rep(&annual, "li").card);
        // Each sees what the scoreboard shows them.
        let own: Vec<_> = engine
            .score_year(&org.rep_li, 2026)
            .unwrap()
            .into_iter()
            .map(|y| y.rep)
            .collect();
        assert!(own.iter().all(|r| r == "li") && own.len() == 13);
        assert_eq!(
            engine.score_year(&org.east_manager, 2026).unwrap().len(),
            26
        );
    }
}

per_backend! {
    a_past_month_is_scored_under_its_own_policy_or_a_what_if, |name, store| {
        let (engine, clock) = engine_on(store);
        let org = setup_org(&engine);
        setup_catalogue(&engine, &org);
        let targets = Metrics {
            revenue: Some(dec("96000")),
            profit: Some(dec("96000")),
            ..Default::default()
        };
        engine
            .execute(
                &org.director,
                &SetTargets {
                    rep: "li".into(),
                    year: 2026,
                    annual: targets,
                    distribution: None,
                },
            )
            .unwrap();
        sell(&engine, &org, &clock, 1, 8, "2026-03-10", None);
        // The opening policy was installed on 2026-11-27; give March its own version.
        let spring = Policy::from_toml(&POLICY.replace(
            "# effective_from = 2026-01-01",
            "effective_from = 2026-01-01",
        ))
        .unwrap();
        engine
            .install_policy(&org.admin, spring.clone(), None)
            .unwrap();
        let weights = POLICY
            .replace(
                "revenue = \"0.35\", profit = \"0.25\", new_customers = \"0.15\"",
                "revenue = \"0.60\", profit = \"0.00\", new_customers = \"0.15\"",
            )
            .replace(
                "missing_metric = \"redistribute\"",
                "missing_metric = \"zero\"",
            );
        let what_if = Policy::from_toml(&weights).unwrap();
        let own = engine.scoreboard(&org.director, month(3), None).unwrap();
        assert_eq!(own.policy_version, spring.hash(), "{name}");
        // Revenue 8000 of 8000, profit 3200 of 8000; redistributed over the two: 0.35/0.6 x 100 + 0.25/0.6 x 40.
        assert_eq!(rep(&own, "li").card.score, dec("75.00"));
        let alt = engine
            .scoreboard(&org.director, month(3), Some(&what_if))
            .unwrap();
        assert_eq!(alt.policy_version, what_if.hash());
        assert_eq!(
            rep(&alt, "li").card.score,
            dec("60.00"),
            "0.60 x 100, the rest has no data or no weight"
        );
        assert_eq!(
            engine.policy().hash(),
            spring.hash(),
            "a what-if installs nothing"
        );
    }
}

per_backend! {
    a_reps_history_over_months_and_the_directors_roll_up, |name, store| {
        let (engine, clock) = engine_on(store);
        let org = setup_org(&engine);
        setup_catalogue(&engine, &org);
        let targets = Metrics {
            revenue: Some(dec("24000")),
            ..Default::default()
        };
        engine
            .execute(
                &org.director,
                &SetTargets {
                    rep: "li".into(),
                    year: 2026,
                    annual: targets.clone(),
                    distribution: None,
                },
            )
            .unwrap();
        engine
            .execute(
                &org.director,
                &SetTargets {
                    rep: "zhao".into(),
                    year: 2026,
                    annual: targets,
                    distribution: None,
                },
            )
            .unwrap();
        sell(&engine, &org, &clock, 1, 2, "2026-02-10", None);
        sell(&engine, &org, &clock, 2, 3, "2026-05-10", None);
        set_day(&clock, "2026-06-15");
        let history = engine.rep_history(&org.rep_li, &"li".into(), 2026).unwrap();
        assert_eq!(history.len(), 6, "{name}: January to June");
        let revenue: Vec<Option<Decimal>> =
            history.iter().map(|(_, r)| r.actuals.revenue).collect();
        assert_eq!(revenue[1], Some(dec("2000.00")));
        assert_eq!(revenue[4], Some(dec("3000.00")));
        assert_eq!(
            history[1].1.card.lines[0].achievement,
            Some(dec("1")),
            "2000 of 2000 in February"
        );
        assert!(
            matches!(
                engine.rep_history(&org.rep_wang, &"li".into(), 2026),
                Err(Error::NotAuthorized { .. })
            ),
            "a teammate's history is theirs"
        );
        assert_eq!(
            engine
                .rep_history(&org.east_manager, &"li".into(), 2026)
                .unwrap()
                .len(),
            6
        );
        // The director's teams rolled up: li's and zhao's targets and sales together.
        let may = engine
            .scoreboard(
                &org.director,
                Period::Month {
                    year: 2026,
                    month: 5,
                },
                None,
            )
            .unwrap();
        assert_eq!(may.directors.len(), 1);
        assert_eq!(
            (
                may.directors[0].actuals.revenue,
                may.directors[0].targets.revenue
            ),
            (Some(dec("3000.00")), Some(dec("4000.00")))
        );
        assert!(
            engine
                .scoreboard(
                    &org.east_manager,
                    Period::Month {
                        year: 2026,
                        month: 5
                    },
                    None
                )
                .unwrap()
                .directors
                .is_empty()
        );
    }
}
