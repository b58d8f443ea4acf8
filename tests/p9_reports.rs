//! P9 sales reports from real documents: totals weighted by credit shares, target
//! completion, slices, new vs returning customers, the trend against the previous period
//! and a year earlier, performers, open complaints and leads; who may read which scope;
//! the Markdown document.

mod common;

use common::*;
use kis::admin::AddUser;
use kis::crm::{CaptureLead, CloseLead, ConvertLead, OpenComplaint, UpdateCustomer};
use kis::kpi::{Metrics, Period, SetTargets};
use kis::report::{Scope, Slice};
use kis::sales::Credit;
use kis::*;
use rust_decimal::Decimal;

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

const NOV: Period = Period::Month {
    year: 2026,
    month: 11,
};

fn keyed(slices: &[Slice]) -> Vec<(&str, Decimal, Decimal)> {
    slices
        .iter()
        .map(|s| (s.key.as_str(), s.revenue, s.share_pct))
        .collect()
}

/// Sales over three periods (Nov 2025, Oct 2026, Nov 2026), targets, a complaint and
/// leads, as in the comments.
fn story(engine: &Engine, org: &Org, clock: &ManualClock) {
    setup_catalogue(engine, org);
    engine
        .execute(
            &org.rep_li,
            &UpdateCustomer {
                id: "C-LI".into(),
                region: Some("Shanghai".into()),
                ..Default::default()
            },
        )
        .unwrap();
    for (rep, revenue) in [("li", "120000"), ("wang", "60000")] {
        engine
            .execute(
                &org.director,
                &SetTargets {
                    rep: rep.into(),
                    year: 2026,
                    annual: Metrics {
                        revenue: Some(dec(revenue)),
                        ..Metrics::default()
                    },
                    distribution: None,
                },
            )
            .unwrap();
    }
    let (li, wang, zhao) = (&org.rep_li, &org.rep_wang, &org.rep_zhao);
    let (east, west) = (&org.east_manager, &org.west_manager);
    // Prices: KIS-PRO 1000 (cost 600), KIS-SEAT 100 (cost 40); no promotion after 11-11.
    for sale in [
        Sale::new(1, li, east, "C-LI", "KIS-PRO", 1, "2025-11-20"), // a year earlier
        Sale::new(2, li, east, "C-LI", "KIS-PRO", 2, "2026-10-20"), // the month before
        Sale::new(3, li, east, "C-LI", "KIS-PRO", 3, "2026-11-13"),
        Sale::new(4, wang, east, "C-WANG", "KIS-SEAT", 2, "2026-11-14"), // C-WANG is new
        Sale::new(5, zhao, west, "C-ZHAO", "KIS-PRO", 1, "2026-11-16"),
        Sale {
            credits: Some(vec![
                Credit {
                    rep: "li".into(),
                    share_pct: dec("60"),
                },
                Credit {
                    rep: "zhao".into(),
                    share_pct: dec("40"),
                },
            ]),
            ..Sale::new(6, li, east, "C-LI", "KIS-PRO", 1, "2026-11-17")
        },
    ] {
        sell_through(engine, org, clock, &sale);
    }
    engine
        .execute(
            li,
            &OpenComplaint {
                id: "CP-1".into(),
                customer: "C-LI".into(),
                channel: "phone".into(),
                severity: "high".into(),
                description: "invoice wrong".into(),
            },
        )
        .unwrap();
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
    let mkt = Actor::new("mkt");
    let lead = |id: &str, source: &str, rep: Option<&str>| CaptureLead {
        id: id.into(),
        name: format!("Prospect {id}"),
        source: source.into(),
        assign_to: rep.map(UserId::from),
        ..Default::default()
    };
    engine
        .execute(&mkt, &lead("L-1", "trade_show", Some("li")))
        .unwrap();
    engine
        .execute(
            li,
            &ConvertLead {
                lead: "L-1".into(),
                customer: "C-NEW".into(),
                group: "retail".into(),
            },
        )
        .unwrap();
    engine
        .execute(&mkt, &lead("L-2", "website", Some("wang")))
        .unwrap();
    engine
        .execute(
            wang,
            &CloseLead {
                lead: "L-2".into(),
                reason: "no budget".into(),
            },
        )
        .unwrap();
    engine.execute(&mkt, &lead("L-3", "website", None)).unwrap();
    set_clock_day(clock, "2026-11-27");
}

per_backend! {
    p9_a_teams_month_report_from_real_sales, |name, store| {
        let (engine, clock) = engine_on(store);
        let org = setup_org(&engine);
        story(&engine, &org, &clock);
        let r = engine
            .sales_report(&org.east_manager, NOV, Scope::Team("east".into()))
            .unwrap();
        // li 3000 + 60 % of 1000, wang 200; zhao's sale and 40 % of the split are west's.
        assert_eq!(r.totals.revenue, dec("3800.00"), "{name}");
        assert_eq!(r.totals.profit, dec("1560.00"));
        assert_eq!(r.totals.quantity, dec("5.6"));
        assert_eq!((r.totals.orders, r.totals.customers), (3, 2));
        // Targets: li 10,000 and wang 5,000 for November (even spread).
        let revenue = &r.completion[0];
        assert_eq!(revenue.metric, "revenue");
        assert_eq!(revenue.actual, dec("3800.00"));
        assert_eq!(revenue.target, Some(dec("15000.00")));
        assert_eq!(revenue.completion_pct, Some(dec("25.33")));
        assert_eq!(r.completion[1].target, None, "no profit target: reported");
        // Trend: October 2,000 (+90 %), November 2025 1,000 (+280 %).
        assert_eq!(
            r.previous.period,
            Period::Month {
                year: 2026,
                month: 10
            }
        );
        assert_eq!(r.previous.totals.revenue, dec("2000.00"));
        assert_eq!(r.previous.revenue_change_pct, Some(dec("90.00")));
        assert_eq!(r.last_year.totals.revenue, dec("1000.00"));
        assert_eq!(r.last_year.revenue_change_pct, Some(dec("280.00")));
        // Slices, largest first, with shares.
        assert_eq!(
            keyed(&r.by_product),
            vec![
                ("KIS-PRO", dec("3600.00"), dec("94.74")),
                ("KIS-SEAT", dec("200.00"), dec("5.26"))
            ]
        );
        assert_eq!(r.by_category[0].key, "software>erp");
        assert_eq!(
            keyed(&r.by_region),
            vec![
                ("Shanghai", dec("3600.00"), dec("94.74")),
                ("(none)", dec("200.00"), dec("5.26"))
            ]
        );
        assert_eq!(
            keyed(&r.by_customer_group),
            vec![("retail", dec("3800.00"), dec("100.00"))]
        );
        // C-LI first signed in 2025: returning; C-WANG signed in November: new.
        assert_eq!(
            (r.customers.new_customers, r.customers.new_revenue),
            (1, dec("200.00"))
        );
        assert_eq!(
            (
                r.customers.returning_customers,
                r.customers.returning_revenue
            ),
            (1, dec("3600.00"))
        );
        // Performers: the team's reps by KPI score; li leads.
        let reps: Vec<&str> = r.performers.iter().map(|p| p.rep.as_str()).collect();
        assert_eq!(reps, vec!["li", "wang"]);
        assert_eq!(r.performers[0].completion_pct, Some(dec("36.00")));
        assert_eq!(r.top(1)[0].rep.as_str(), "li");
        assert!(r.bottom(3).is_empty(), "two reps: all shown among the best");
        // The complaint is 10 days past its 4-hour response deadline.
        assert_eq!(r.open_complaints.len(), 1);
        assert_eq!(r.open_complaints[0].overdue.as_deref(), Some("response"));
        // Leads handed to the team: one converted, one closed; the unassigned one is not
        // the team's.
        let funnel: Vec<_> = r
            .leads
            .iter()
            .map(|l| (l.source.as_str(), l.captured, l.converted, l.closed, l.open))
            .collect();
        assert_eq!(
            funnel,
            vec![("trade_show", 1, 1, 0, 0), ("website", 1, 0, 1, 0)]
        );
        let md = r.to_markdown();
        assert!(
            md.starts_with("# Sales report: team east, 2026-11\n"),
            "{md}"
        );
        assert!(
            md.contains("| Revenue | 3,800.00 | 2,000.00 | +90.00% | 1,000.00 | +280.00% |"),
            "{md}"
        );
        assert!(
            md.contains("| revenue | 3,800.00 | 15,000.00 | 25.33% |"),
            "{md}"
        );
        assert!(
            md.contains("| KIS-PRO | 3,600.00 | 94.74% | 1,440.00 | 3.6 |"),
            "{md}"
        );
        assert!(md.contains("| CP-1 | C-LI | li | high | open |"), "{md}");
    }
}

per_backend! {
    p9_company_and_rep_scopes_and_who_may_read_them, |name, store| {
        let (engine, clock) = engine_on(store);
        let org = setup_org(&engine);
        story(&engine, &org, &clock);
        let company = engine
            .sales_report(&org.director, NOV, Scope::Company)
            .unwrap();
        assert_eq!(company.totals.revenue, dec("5200.00"), "{name}");
        assert_eq!(company.totals.profit, dec("2120.00"));
        assert_eq!(company.previous.revenue_change_pct, Some(dec("160.00")));
        assert_eq!(company.last_year.revenue_change_pct, Some(dec("420.00")));
        assert_eq!(company.performers.len(), 3);
        let website = company
            .leads
            .iter()
            .find(|l| l.source == "website")
            .unwrap();
        assert_eq!((website.captured, website.closed, website.open), (2, 1, 1));
        // The annual report of the year: targets and actuals of the whole year.
        let year = engine
            .sales_report(&org.director, Period::Year(2026), Scope::Company)
            .unwrap();
        assert_eq!(year.totals.revenue, dec("7200.00"));
        assert_eq!(year.last_year.totals.revenue, dec("1000.00"));
        // A rep reads their own report: zhao has 1000 + 40 % of 1000.
        let zhao = engine
            .sales_report(&org.rep_zhao, NOV, Scope::Rep("zhao".into()))
            .unwrap();
        assert_eq!(zhao.totals.revenue, dec("1400.00"));
        assert_eq!(zhao.open_complaints.len(), 0);
        // Who may not (P2).
        for (actor, scope) in [
            (&org.rep_li, Scope::Company),
            (&org.east_manager, Scope::Company),
            (&org.rep_li, Scope::Rep("wang".into())),
            (&org.rep_li, Scope::Team("east".into())),
            (&org.west_manager, Scope::Team("east".into())),
            (&org.west_manager, Scope::Rep("li".into())),
            (&org.legal, Scope::Team("east".into())),
        ] {
            assert!(
                matches!(
                    engine.sales_report(actor, NOV, scope.clone()),
                    Err(Error::NotAuthorized { .. })
                ),
                "{name}: {actor:?} {scope}"
            );
        }
        // Bad input.
        assert!(matches!(
            engine.sales_report(&org.director, Period::Month { year: 2026, month: 13 }, Scope::Company),
            Err(Error::Invalid(ref e)) if e.field == "month"
        ));
        assert!(matches!(
            engine.sales_report(&org.director, NOV, Scope::Team("north".into())),
            Err(Error::NotFound { .. })
        ));
        // A period with no sales: zeros, and no change percentage against zero.
        let empty = engine
            .sales_report(
                &org.director,
                Period::Month {
                    year: 2024,
                    month: 1,
                },
                Scope::Company,
            )
            .unwrap();
        assert_eq!(empty.totals.revenue, Decimal::ZERO);
        assert_eq!(empty.previous.revenue_change_pct, None);
        assert!(empty.to_markdown().contains("No sales."));
    }
}
