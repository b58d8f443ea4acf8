//! P8 customer relationships: records visible by role (P2), ownership changes audited,
//! revisits due by group interval, the care calendar of birthdays and holidays.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use common::*;
use kis::crm::*;
use kis::sales::Contact;
use kis::*;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

per_backend! {
    p8_1_who_sees_and_edits_a_customer_and_transfers_are_audited, |name, store| {
        let (engine, _) = engine_on(store);
        let org = setup_org(&engine);
        setup_catalogue(&engine, &org);
        assert!(engine.customer(&org.rep_li, "C-LI").is_ok());
        assert!(engine.customer(&org.east_manager, "C-LI").is_ok());
        assert!(engine.customer(&org.director, "C-LI").is_ok());
        assert!(
            matches!(
                engine.customer(&org.rep_zhao, "C-LI"),
                Err(Error::NotAuthorized { .. })
            ),
            "{name}: another team"
        );
        assert!(matches!(
            engine.customer(&org.west_manager, "C-LI"),
            Err(Error::NotAuthorized { .. })
        ));
        let edit = UpdateCustomer {
            id: "C-LI".into(),
            region: Some("Shanghai".into()),
            industry: Some("retail".into()),
            ..Default::default()
        };
        assert!(
            matches!(
                engine.execute(&org.rep_wang, &edit),
                Err(Error::NotAuthorized { .. })
            ),
            "a teammate edits only their own"
        );
        let c = engine.execute(&org.rep_li, &edit).unwrap();
        assert_eq!(
            (c.region.as_deref(), c.industry.as_deref()),
            (Some("Shanghai"), Some("retail"))
        );
        // Transfers: within the team by its manager, audited; never by a rep.
        let to_wang = TransferCustomer {
            id: "C-LI".into(),
            to: "wang".into(),
            reason: "li moves to key accounts".into(),
        };
        assert!(matches!(
            engine.execute(&org.rep_li, &to_wang),
            Err(Error::NotAuthorized { .. })
        ));
        let to_zhao = TransferCustomer {
            id: "C-LI".into(),
            to: "zhao".into(),
            reason: "x".into(),
        };
        assert!(
            matches!(
                engine.execute(&org.east_manager, &to_zhao),
                Err(Error::NotAuthorized { .. })
            ),
            "not across teams"
        );
        engine.execute(&org.east_manager, &to_wang).unwrap();
        let last = engine.history("customers", "C-LI").unwrap().pop().unwrap();
        assert_eq!(last.command, "crm.transfer_customer");
        assert_eq!(
            (
                last.changes[0].before.as_ref().unwrap()["owner"].as_str(),
                last.changes[0].after["owner"].as_str()
            ),
            (Some("li"), Some("wang"))
        );
        assert!(
            matches!(
                engine.customer(&org.rep_li, "C-LI"),
                Err(Error::NotAuthorized { .. })
            ),
            "li no longer sees it"
        );
    }
}

per_backend! {
    p8_2_revisits_fall_due_by_group_interval, |name, store| {
        let (engine, clock) = engine_on(store);
        let org = setup_org(&engine);
        setup_catalogue(&engine, &org);
        engine
            .execute(
                &org.rep_li,
                &kis::sales::AddCustomer {
                    id: "C-KEY".into(),
                    name: "Key".into(),
                    group: "key-accounts".into(),
                    owner: "li".into(),
                },
            )
            .unwrap();
        // Recorded 2026-11-27: retail every 90 days (due 2027-02-25), key accounts every 30.
        let at = |d: &str| {
            let d = day(d);
            clock.set(
                Utc.with_ymd_and_hms(
                    chrono::Datelike::year(&d),
                    chrono::Datelike::month(&d),
                    chrono::Datelike::day(&d),
                    1,
                    0,
                    0,
                )
                .unwrap(),
            );
        };
        at("2026-12-26");
        assert!(
            engine.revisits_due(&org.rep_li).unwrap().is_empty(),
            "{name}: the day before"
        );
        at("2026-12-27");
        let due = engine.revisits_due(&org.rep_li).unwrap();
        assert_eq!(
            due.iter()
                .map(|d| (d.customer.as_str(), d.days_overdue))
                .collect::<Vec<_>>(),
            [("C-KEY", 0)]
        );
        at("2027-02-26");
        let due = engine.revisits_due(&org.rep_li).unwrap();
        assert_eq!(
            due.iter()
                .map(|d| (d.customer.as_str(), d.days_overdue))
                .collect::<Vec<_>>(),
            [("C-KEY", 61), ("C-LI", 1)]
        );
        // A visit resets the interval; a manager sees the team's list, another team's nothing.
        engine
            .execute(
                &org.rep_li,
                &LogVisit {
                    id: "V-1".into(),
                    customer: "C-KEY".into(),
                    date: day("2027-02-20"),
                    kind: VisitKind::Visit,
                    notes: "renewal talk".into(),
                },
            )
            .unwrap();
        let due = engine.revisits_due(&org.east_manager).unwrap();
        assert_eq!(
            due.iter().map(|d| d.customer.as_str()).collect::<Vec<_>>(),
            ["C-LI", "C-WANG"],
            "both 1 day over: by id"
        );
        assert!(
            engine
                .revisits_due(&org.west_manager)
                .unwrap()
                .iter()
                .all(|d| d.owner.as_str() == "zhao")
        );
        let future = LogVisit {
            id: "V-2".into(),
            customer: "C-KEY".into(),
            date: day("2027-03-01"),
            kind: VisitKind::Call,
            notes: String::new(),
        };
        assert!(matches!(
            engine.execute(&org.rep_li, &future),
            Err(Error::Invalid(_))
        ));
        let foreign = LogVisit {
            id: "V-3".into(),
            customer: "C-ZHAO".into(),
            date: day("2027-02-20"),
            kind: VisitKind::Call,
            notes: String::new(),
        };
        assert!(matches!(
            engine.execute(&org.rep_li, &foreign),
            Err(Error::NotAuthorized { .. })
        ));
    }
}

#[test]
fn p8_2_the_care_calendar_greets_birthdays_and_holidays() {
    let (engine, _) = engine_on(std::sync::Arc::new(MemoryStore::new()));
    let org = setup_org(&engine);
    setup_catalogue(&engine, &org);
    let contacts = vec![
        Contact {
            name: "Ms. Leap".into(),
            title: None,
            phone: None,
            email: None,
            birthday: Some(day("1992-02-29")),
        },
        Contact {
            name: "Mr. Jan".into(),
            title: Some("CFO".into()),
            phone: None,
            email: None,
            birthday: Some(day("1980-01-15")),
        },
    ];
    engine
        .execute(
            &org.rep_li,
            &UpdateCustomer {
                id: "C-LI".into(),
                contacts: Some(contacts),
                ..Default::default()
            },
        )
        .unwrap();
    let calendar = engine
        .care_calendar(&org.rep_li, day("2026-12-25"), day("2027-03-01"))
        .unwrap();
    let seen: Vec<(String, Option<String>, String)> = calendar
        .iter()
        .map(|g| (g.date.to_string(), g.contact.clone(), g.occasion.clone()))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("2027-01-01".to_string(), None, "New Year".to_string()),
            (
                "2027-01-15".to_string(),
                Some("Mr. Jan".to_string()),
                "birthday".to_string()
            ),
            (
                "2027-02-06".to_string(),
                None,
                "Spring Festival".to_string()
            ),
            (
                "2027-02-28".to_string(),
                Some("Ms. Leap".to_string()),
                "birthday (29 February, greeted on the 28th this year)".to_string()
            ),
        ]
    );
    // In a leap year, on the day itself.
    let leap = engine
        .care_calendar(&org.rep_li, day("2028-02-01"), day("2028-03-01"))
        .unwrap();
    assert_eq!(
        leap.iter().map(|g| g.date.to_string()).collect::<Vec<_>>(),
        ["2028-02-29"]
    );
    assert!(
        engine
            .care_calendar(&org.rep_zhao, day("2026-12-25"), day("2027-03-01"))
            .unwrap()
            .iter()
            .all(|g| g.customer == "C-ZHAO")
    );
    assert!(matches!(
        engine.care_calendar(&org.rep_li, day("2027-03-01"), day("2027-01-01")),
        Err(Error::Invalid(_))
    ));
    let bad = UpdateCustomer {
        id: "C-LI".into(),
        contacts: Some(vec![Contact {
            name: "Baby".into(),
            title: None,
            phone: None,
            email: None,
            birthday: Some(day("2030-01-01")),
        }]),
        ..Default::default()
    };
    assert!(matches!(
        engine.execute(&org.rep_li, &bad),
        Err(Error::Invalid(_))
    ));
}

per_backend! {
    p8_3_complaints_have_deadlines_by_severity_and_close_after_the_customer_confirms, |name, store| {
        let (engine, clock) = engine_on(store);
        let org = setup_org(&engine);
        setup_catalogue(&engine, &org);
        let open = |id: &str, severity: &str| OpenComplaint {
            id: id.into(),
            customer: "C-LI".into(),
            channel: "phone".into(),
            severity: severity.into(),
            description: "delivery late".into(),
        };
        assert!(
            matches!(engine.execute(&org.rep_li, &open("CP-0", "urgent")), Err(Error::Invalid(ref e)) if e.field == "severity")
        );
        assert!(
            matches!(
                engine.execute(&org.rep_zhao, &open("CP-0", "high")),
                Err(Error::NotAuthorized { .. })
            ),
            "{name}: another team's customer"
        );
        let c = engine.execute(&org.rep_li, &open("CP-1", "high")).unwrap();
        assert_eq!(
            (c.respond_by - c.opened_at, c.resolve_by - c.opened_at),
            (chrono::Duration::hours(4), chrono::Duration::days(2))
        );
        engine.execute(&org.rep_li, &open("CP-2", "low")).unwrap();
        // Five hours later the high one has missed its response; the low one has not.
        clock.advance(chrono::Duration::hours(5)).unwrap();
        let overdue = engine.complaints_overdue(&org.east_manager).unwrap();
        assert_eq!(
            overdue
                .iter()
                .map(|o| (o.complaint.as_str(), o.missed.as_str(), o.hours_late))
                .collect::<Vec<_>>(),
            [("CP-1", "response", 1)]
        );
        assert!(
            engine
                .complaints_overdue(&org.west_manager)
                .unwrap()
                .is_empty()
        );
        let step = |s: ComplaintStep| HandleComplaint {
            id: "CP-1".into(),
            step: s,
        };
        let close = step(ComplaintStep::Close {
            confirmation: "ok".into(),
        });
        assert!(
            matches!(
                engine.execute(&org.rep_li, &close),
                Err(Error::InvalidState { .. })
            ),
            "not closed before it is resolved"
        );
        engine
            .execute(&org.rep_li, &step(ComplaintStep::Acknowledge))
            .unwrap();
        assert!(
            engine.complaints_overdue(&org.rep_li).unwrap().is_empty(),
            "answered; resolution not yet due"
        );
        clock.advance(chrono::Duration::days(2)).unwrap();
        let overdue = engine.complaints_overdue(&org.rep_li).unwrap();
        assert_eq!(
            overdue
                .iter()
                .map(|o| (o.complaint.as_str(), o.missed.as_str()))
                .collect::<Vec<_>>(),
            [("CP-1", "resolution")]
        );
        let empty = step(ComplaintStep::Resolve {
            cause: " ".into(),
            resolution: "x".into(),
        });
        assert!(matches!(
            engine.execute(&org.rep_li, &empty),
            Err(Error::Invalid(_))
        ));
        engine
            .execute(
                &org.east_manager,
                &step(ComplaintStep::Resolve {
                    cause: "carrier strike".into(),
                    resolution: "sent by air".into(),
                }),
            )
            .unwrap();
        let closed = engine.execute(&org.rep_li, &close).unwrap();
        assert!(
            closed.survey_due && closed.status == ComplaintStatus::Closed,
            "a satisfaction survey is asked after closing"
        );
        assert!(matches!(
            engine.execute(&org.rep_li, &close),
            Err(Error::InvalidState { .. })
        ));
        assert_eq!(engine.history("complaints", "CP-1").unwrap().len(), 4);
    }
}

/// P8.3 under a company zone with summer time: "today" and a complaint's resolution
/// deadline follow Berlin's wall clock across the change of 29 March 2026 (clocks moved
/// from 02:00 to 03:00), where a fixed +01:00 would be an hour off.
#[test]
fn p8_3_deadlines_and_today_follow_daylight_saving() {
    let text = std::fs::read_to_string("examples/policy.toml")
        .unwrap()
        .replace(
            "time_zone = \"Asia/Shanghai\"",
            "time_zone = \"Europe/Berlin\"",
        );
    let policy = Policy::from_toml(&text).unwrap();
    assert_eq!(policy.zone().to_string(), "Europe/Berlin");
    // Friday 27 March 2026, 10:00 in Berlin (CET, 09:00 UTC).
    let clock = std::sync::Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 27, 9, 0, 0).unwrap(),
    ));
    let engine = Engine::open_with_clock(
        std::sync::Arc::new(MemoryStore::new()),
        policy,
        clock.clone(),
    )
    .unwrap();
    let org = setup_org(&engine);
    setup_catalogue(&engine, &org);
    let c = engine
        .execute(
            &org.rep_li,
            &OpenComplaint {
                id: "CP-DST".into(),
                customer: "C-LI".into(),
                channel: "phone".into(),
                severity: "high".into(),
                description: "delivery late".into(),
            },
        )
        .unwrap();
    // Two days (the example's `high`) on the wall clock: Sunday 10:00 CEST, 47 hours on.
    assert_eq!(
        c.resolve_by,
        Utc.with_ymd_and_hms(2026, 3, 29, 8, 0, 0).unwrap()
    );
    assert_eq!((c.resolve_by - c.opened_at).num_hours(), 47);
    // Hours stay hours.
    assert_eq!((c.respond_by - c.opened_at).num_hours(), 4);
    // 22:30 UTC on Monday 30 March is already Tuesday in Berlin (CEST, +02:00).
    clock.set(Utc.with_ymd_and_hms(2026, 3, 30, 22, 30, 0).unwrap());
    assert_eq!(engine.today(), day("2026-03-31"));
    // In January the same UTC time is still the same day (CET, +01:00).
    clock.set(Utc.with_ymd_and_hms(2027, 1, 11, 22, 30, 0).unwrap());
    assert_eq!(engine.today(), day("2027-01-11"));
}
