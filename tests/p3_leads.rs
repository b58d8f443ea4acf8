//! P3.1 leads: marketing captures and hands them to reps; reps visit them and convert
//! them into customers (the lead's history kept) or close them with a reason.

mod common;

use common::*;
use kis::admin::AddUser;
use kis::crm::*;
use kis::sales::Contact;
use kis::*;

fn marketing(engine: &Engine, org: &Org) -> Actor {
    engine
        .execute(
            &org.admin,
            &AddUser {
                id: "mkt".into(),
                name: "Mei Marketing".into(),
                role: Role::Marketing,
                team: None,
            },
        )
        .unwrap();
    Actor::new("mkt")
}

fn capture(id: &str, source: &str, assign_to: Option<&str>) -> CaptureLead {
    CaptureLead {
        id: id.into(),
        name: format!("Prospect {id}"),
        source: source.into(),
        campaign: Some("2026 autumn fair".into()),
        contact: Some(Contact {
            name: "Ms. Qian".into(),
            title: Some("buyer".into()),
            phone: None,
            email: None,
            birthday: None,
        }),
        region: Some("Hangzhou".into()),
        industry: Some("textiles".into()),
        notes: Some("wants ERP for 3 plants".into()),
        assign_to: assign_to.map(UserId::from),
    }
}

per_backend! {
    p3_1_a_lead_goes_from_marketing_to_a_rep_and_becomes_a_customer_keeping_its_history, |name, store| {
        let (engine, _) = engine_on(store);
        let org = setup_org(&engine);
        let mkt = marketing(&engine, &org);
        let lead = engine
            .execute(&mkt, &capture("L-1", "trade_show", None))
            .unwrap();
        assert_eq!(lead.status, LeadStatus::New, "{name}");
        assert_eq!(lead.captured_by.as_str(), "mkt");
        // Nobody works an unassigned lead but marketing, managers and the director.
        assert!(engine.leads(&org.rep_li).unwrap().is_empty());
        assert_eq!(engine.leads(&org.east_manager).unwrap().len(), 1);
        let lead = engine
            .execute(
                &mkt,
                &AssignLead {
                    lead: "L-1".into(),
                    to: "li".into(),
                },
            )
            .unwrap();
        assert_eq!(lead.status, LeadStatus::Assigned);
        assert_eq!(engine.leads(&org.rep_li).unwrap().len(), 1);
        // Another team sees nothing of it.
        assert!(engine.leads(&org.rep_zhao).unwrap().is_empty());
        assert!(engine.leads(&org.west_manager).unwrap().is_empty());
        assert!(matches!(
            engine.lead(&org.rep_zhao, "L-1"),
            Err(Error::NotAuthorized { .. })
        ));
        engine
            .execute(
                &org.rep_li,
                &LogLeadActivity {
                    lead: "L-1".into(),
                    kind: "visit".into(),
                    note: "met the buyer; needs a demo".into(),
                },
            )
            .unwrap();
        // Zhao (west) may not log on li's lead, nor convert it.
        assert!(matches!(
            engine.execute(
                &org.rep_zhao,
                &LogLeadActivity {
                    lead: "L-1".into(),
                    kind: "call".into(),
                    note: "x".into(),
                }
            ),
            Err(Error::NotAuthorized { .. })
        ));
        let convert = ConvertLead {
            lead: "L-1".into(),
            customer: "C-QIAN".into(),
            group: "retail".into(),
        };
        assert!(matches!(
            engine.execute(&org.rep_zhao, &convert),
            Err(Error::NotAuthorized { .. })
        ));
        let customer = engine.execute(&org.rep_li, &convert).unwrap();
        assert_eq!(customer.owner.as_str(), "li");
        assert_eq!(customer.lead.as_deref(), Some("L-1"));
        assert_eq!(customer.region.as_deref(), Some("Hangzhou"));
        assert_eq!(customer.contacts[0].name, "Ms. Qian");
        assert_eq!(
            customer.preferences.as_deref(),
            Some("wants ERP for 3 plants")
        );
        // The lead stays, linked to the customer, with its visit.
        let lead = engine.lead(&org.rep_li, "L-1").unwrap();
        assert_eq!(lead.status, LeadStatus::Converted);
        assert_eq!(lead.customer.as_deref(), Some("C-QIAN"));
        assert_eq!(lead.activities.len(), 1);
        assert_eq!(lead.activities[0].by.as_str(), "li");
        // A converted lead is done.
        assert!(matches!(
            engine.execute(&org.rep_li, &convert),
            Err(Error::InvalidState { .. })
        ));
        assert!(matches!(
            engine.execute(
                &org.rep_li,
                &CloseLead {
                    lead: "L-1".into(),
                    reason: "x".into()
                }
            ),
            Err(Error::InvalidState { .. })
        ));
        // The customer is li's, as any other.
        assert!(engine.customer(&org.rep_li, "C-QIAN").is_ok());
        assert!(engine.customer(&org.rep_zhao, "C-QIAN").is_err());
    }
}

per_backend! {
    p3_1_who_may_capture_assign_and_close_leads_and_bad_input, |name, store| {
        let (engine, _) = engine_on(store);
        let org = setup_org(&engine);
        let mkt = marketing(&engine, &org);
        // Reps do not capture leads; marketing does (P3.1a).
        assert!(
            matches!(
                engine.execute(&org.rep_li, &capture("L-1", "web", None)),
                Err(Error::NotAuthorized { .. })
            ),
            "{name}"
        );
        // A manager hands leads only to their own team.
        assert!(matches!(
            engine.execute(&org.west_manager, &capture("L-1", "web", Some("li"))),
            Err(Error::NotAuthorized { .. })
        ));
        engine
            .execute(&org.east_manager, &capture("L-1", "web", Some("li")))
            .unwrap();
        assert!(matches!(
            engine.execute(
                &org.west_manager,
                &AssignLead {
                    lead: "L-1".into(),
                    to: "zhao".into()
                }
            ),
            Err(Error::NotAuthorized { .. })
        ));
        // Bad input names the field, and nothing is written.
        for (bad, field) in [
            (
                CaptureLead {
                    source: " ".into(),
                    ..capture("L-2", "web", None)
                },
                "source",
            ),
            (
                CaptureLead {
                    name: "".into(),
                    ..capture("L-2", "web", None)
                },
                "name",
            ),
            (capture("L/2", "web", None), "id"),
            (capture("L-2", "web", Some("fin")), "assign_to"),
        ] {
            match engine.execute(&mkt, &bad) {
                Err(Error::Invalid(e)) => assert_eq!(e.field, field),
                other => panic!("{name}: {field}: {other:?}"),
            }
        }
        assert!(matches!(
            engine.lead(&mkt, "L-2"),
            Err(Error::NotFound { .. })
        ));
        // Once a rep has it, taking it away is for their manager or the director.
        let to_wang = AssignLead {
            lead: "L-1".into(),
            to: "wang".into(),
        };
        assert!(matches!(
            engine.execute(&mkt, &to_wang),
            Err(Error::NotAuthorized { .. })
        ));
        assert!(matches!(
            engine.execute(
                &org.east_manager,
                &AssignLead {
                    lead: "L-1".into(),
                    to: "li".into()
                }
            ),
            Err(Error::Invalid(ref e)) if e.field == "to"
        ));
        let moved = engine.execute(&org.east_manager, &to_wang).unwrap();
        assert_eq!(moved.assigned_to.unwrap().as_str(), "wang");
        // An unassigned lead cannot become a customer: it needs an owner.
        engine.execute(&mkt, &capture("L-3", "web", None)).unwrap();
        assert!(matches!(
            engine.execute(
                &mkt,
                &ConvertLead {
                    lead: "L-3".into(),
                    customer: "C-X".into(),
                    group: "retail".into()
                }
            ),
            Err(Error::Invalid(ref e)) if e.field == "lead"
        ));
        // Closing needs a reason; marketing closes a lead nobody took.
        assert!(matches!(
            engine.execute(
                &mkt,
                &CloseLead {
                    lead: "L-3".into(),
                    reason: "".into()
                }
            ),
            Err(Error::Invalid(ref e)) if e.field == "reason"
        ));
        let closed = engine
            .execute(
                &mkt,
                &CloseLead {
                    lead: "L-3".into(),
                    reason: "duplicate of L-1".into(),
                },
            )
            .unwrap();
        assert_eq!(closed.status, LeadStatus::Closed);
        assert_eq!(closed.close_reason.as_deref(), Some("duplicate of L-1"));
        // Every step is in the audit trail, with who did it.
        let trail = engine.history("leads", "L-3").unwrap();
        assert_eq!(trail.len(), 2, "{name}: captured, closed");
        assert!(trail.iter().all(|e| e.actor == "mkt"));
    }
}
