//! The quickstart: a sales month at a small company, told by the engine.
//!
//! Opens (or creates) `kis-demo.db` in the current directory, loads
//! `examples/policy.toml`, sets up the sales organisation, and prints what it did and
//! what the audit trail holds. Run it twice: commands carry idempotency keys, so the
//! second run changes nothing and says so.
//!
//! ```sh
//! cargo run --example quickstart            # or: cargo run --example quickstart -- my.db
//! ```

use std::sync::Arc;

use chrono::Datelike;
use chrono::Duration;
use kis::admin::{AddTeam, AddUser};
use kis::approval::{DocKind, Verdict};
use kis::reviews::{Decide, Submit};
use kis::sales::*;
use kis::*;
use rust_decimal::Decimal;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let db = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "kis-demo.db".to_string());
    let policy_path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/policy.toml");
    let policy = Policy::from_toml(&std::fs::read_to_string(policy_path)?)?;
    println!("kis quickstart");
    println!("  policy  {policy_path}");
    println!(
        "          version {} ({} price rules, currency {})",
        policy.short_hash(),
        policy.pricing().rules.len(),
        policy.general().currency
    );

    let store = Arc::new(SqliteStore::open(&db)?);
    let engine = Engine::open(store, policy)?;
    println!("  store   {db} (SQLite, WAL, synchronous=FULL)");
    println!(
        "  today   {} (company time, {})",
        engine.today(),
        engine.policy().zone()
    );

    // P2.1: the organisation. The first admin is created once, on an empty store.
    let admin = Actor::new("admin");
    let before = engine.audit_trail(&Default::default())?.len();
    if engine.acting_user(&admin).is_err() {
        engine.bootstrap_admin("admin", "Ada Admin")?;
    }
    let people: [(&str, &str, Role, Option<&str>); 6] = [
        ("dong", "Dong Wei (sales director)", Role::Director, None),
        ("meng", "Meng Li (manager, team East)", Role::Manager, None),
        ("fan", "Fan Qing (finance)", Role::Finance, None),
        ("lu", "Lu Yan (legal)", Role::Legal, None),
        ("ma", "Ma Jun (manager, team West)", Role::Manager, None),
        ("mei", "Mei Hua (marketing)", Role::Marketing, None),
    ];
    for (id, name, role, team) in people {
        let cmd = AddUser {
            id: id.into(),
            name: name.into(),
            role,
            team: team.map(TeamId::from),
        };
        engine.execute_idempotent(&admin, &format!("quickstart:user:{id}"), &cmd)?;
    }
    for (id, name, manager) in [("east", "Team East", "meng"), ("west", "Team West", "ma")] {
        let cmd = AddTeam {
            id: id.into(),
            name: name.into(),
            manager: manager.into(),
            director: Some("dong".into()),
        };
        engine.execute_idempotent(&admin, &format!("quickstart:team:{id}"), &cmd)?;
    }
    for (id, name, team) in [
        ("li", "Li Na (rep)", "east"),
        ("wang", "Wang Fang (rep)", "east"),
        ("zhao", "Zhao Lei (rep)", "west"),
    ] {
        let cmd = AddUser {
            id: id.into(),
            name: name.into(),
            role: Role::Rep,
            team: Some(team.into()),
        };
        engine.execute_idempotent(&admin, &format!("quickstart:user:{id}"), &cmd)?;
    }

    println!("\nThe sales organisation (P2):");
    for team in engine.teams(&admin)? {
        let members: Vec<String> = engine
            .users(&admin)?
            .into_iter()
            .filter(|u| u.team.as_ref() == Some(&team.id))
            .map(|u| u.name)
            .collect();
        let director = team
            .director
            .as_ref()
            .map_or("-".to_string(), ToString::to_string);
        println!(
            "  {:<10} manager {:<5} director {:<5} reps: {}",
            team.name,
            team.manager,
            director,
            members.join(", ")
        );
    }
    for user in engine
        .users(&admin)?
        .into_iter()
        .filter(|u| u.team.is_none())
    {
        println!("  {:<10} {}", user.role.as_str(), user.name);
    }

    sales_story(&engine)?;
    expense_story(&engine)?;
    kpi_story(&engine)?;
    crm_story(&engine)?;
    report_story(&engine)?;

    let trail = engine.audit_trail(&Default::default())?;
    let added = trail.len() - before;
    println!(
        "\nThe audit trail (P1.3): {} entries, {} written by this run{}",
        trail.len(),
        added,
        if added == 0 {
            " (a repeat run: the idempotency keys made every command a no-op)"
        } else {
            ""
        }
    );
    for entry in trail.iter().skip(before).take(40) {
        let doc = entry
            .changes
            .first()
            .map_or(String::new(), |c| format!("{}/{}", c.collection, c.id));
        println!(
            "  #{:<3} {} {:<7} {:<30} {}",
            entry.seq,
            entry.at.format("%Y-%m-%d %H:%M:%S"),
            entry.actor,
            entry.command,
            doc
        );
    }
    let report = engine.verify_audit()?;
    println!(
        "  chain verified: {} ({} entries, head {})",
        if report.is_intact() {
            "intact"
        } else {
            "BROKEN"
        },
        report.entries,
        report.head_hash.as_deref().map_or("-", |h| &h[..12])
    );
    Ok(())
}

/// Runs `cmd` under a stable idempotency key, so a second run of the quickstart repeats
/// nothing.
fn run<C: Command>(engine: &Engine, who: &str, key: &str, cmd: C) -> Result<C::Output, Error> {
    engine.execute_idempotent(&Actor::new(who), &format!("quickstart:{key}"), &cmd)
}

/// P3.1, P8.3: a lead from marketing won by a rep; a complaint answered.
fn crm_story(engine: &Engine) -> Result<(), Box<dyn std::error::Error>> {
    use kis::crm::*;
    run(
        engine,
        "mei",
        "lead:L-1",
        CaptureLead {
            id: "L-1".into(),
            name: "Hangzhou Silk Works".into(),
            source: "trade_show".into(),
            campaign: Some("autumn fair".into()),
            region: Some("Hangzhou".into()),
            notes: Some("ERP for three plants".into()),
            assign_to: Some("li".into()),
            ..Default::default()
        },
    )?;
    run(
        engine,
        "li",
        "lead:L-1:visit",
        LogLeadActivity {
            lead: "L-1".into(),
            kind: "visit".into(),
            note: "demo given; they want a quote".into(),
        },
    )?;
    let customer = run(
        engine,
        "li",
        "lead:L-1:convert",
        ConvertLead {
            lead: "L-1".into(),
            customer: "C-SILK".into(),
            group: "retail".into(),
        },
    )?;
    println!(
        "\nA lead (P3.1): Mei Hua hands {} to Li Na, who visits and wins it as customer {}",
        customer.name, customer.id
    );
    let complaint = run(
        engine,
        "li",
        "complaint:CP-1",
        OpenComplaint {
            id: "CP-1".into(),
            customer: "C-HUA".into(),
            channel: "phone".into(),
            severity: "normal".into(),
            description: "the invoice shows the wrong address".into(),
        },
    )?;
    println!(
        "  a complaint from {} (P8.3): answer by {}, resolve by {}",
        complaint.customer,
        complaint.respond_by.format("%Y-%m-%d %H:%M UTC"),
        complaint.resolve_by.format("%Y-%m-%d %H:%M UTC")
    );
    Ok(())
}

/// P9: the month's company report, as the director receives it.
fn report_story(engine: &Engine) -> Result<(), Box<dyn std::error::Error>> {
    let today = engine.today();
    let period = kis::kpi::Period::Month {
        year: today.year(),
        month: today.month(),
    };
    let report = engine.sales_report(&Actor::new("dong"), period, kis::report::Scope::Company)?;
    println!("\nThe month's sales report (P9.3), as Markdown:\n");
    for line in report.to_markdown().lines() {
        println!("    {line}");
    }
    Ok(())
}

/// P6: the travel budget, a claim through manager and finance, and one refused.
fn expense_story(engine: &Engine) -> Result<(), Box<dyn std::error::Error>> {
    use kis::expense::*;
    let today = engine.today();
    let year = today.year();
    let budget = run(
        engine,
        "dong",
        "budget:travel",
        ProposeBudget {
            year,
            team: "east".into(),
            category: "travel".into(),
            annual: Decimal::from(12000),
            distribution: None,
            reason: None,
        },
    )?;
    run(
        engine,
        "dong",
        "budget:submit",
        Submit {
            kind: DocKind::Budget,
            id: budget.id.clone(),
        },
    )?;
    run(
        engine,
        "fan",
        "budget:approve",
        Decide {
            kind: DocKind::Budget,
            id: budget.id.clone(),
            verdict: Verdict::Approved,
            comment: None,
        },
    )?;
    println!(
        "\nExpenses (P6): team East's travel budget {year}: 12000 CNY, approved by finance (P6.1)"
    );
    let hotel = |amount: i64, number: &str| ClaimLine {
        category: "travel".into(),
        date: today,
        amount: Decimal::from(amount),
        description: "hotel, customer visit".into(),
        event: None,
        receipt: Some(Receipt {
            issuer: "Jinjiang Hotel".into(),
            number: number.into(),
            date: today,
            amount: Decimal::from(amount),
            file_sha256: None,
        }),
        sanctioned: None,
        sanction_reason: None,
    };
    run(
        engine,
        "li",
        "claim:EC-1",
        FileClaim {
            id: "EC-1".into(),
            period_from: today,
            period_to: today,
            lines: vec![hotel(680, "JJ-88231")],
        },
    )?;
    run(
        engine,
        "li",
        "claim:EC-1:submit",
        Submit {
            kind: DocKind::ExpenseClaim,
            id: "EC-1".into(),
        },
    )?;
    run(
        engine,
        "meng",
        "claim:EC-1:manager",
        Decide {
            kind: DocKind::ExpenseClaim,
            id: "EC-1".into(),
            verdict: Verdict::Approved,
            comment: None,
        },
    )?;
    run(
        engine,
        "fan",
        "claim:EC-1:finance",
        Decide {
            kind: DocKind::ExpenseClaim,
            id: "EC-1".into(),
            verdict: Verdict::Approved,
            comment: None,
        },
    )?;
    println!("  Li Na's hotel claim of 680 CNY: approved by Meng Li, then finance (P6.2)");
    run(
        engine,
        "li",
        "claim:EC-2",
        FileClaim {
            id: "EC-2".into(),
            period_from: today,
            period_to: today,
            lines: vec![hotel(800, "JJ-88231")],
        },
    )?;
    if let Err(e) = engine.execute(
        &Actor::new("li"),
        &Submit {
            kind: DocKind::ExpenseClaim,
            id: "EC-2".into(),
        },
    ) {
        println!("  the same receipt again is refused: {e}");
    }
    let status = engine.budget_status(&Actor::new("fan"), year)?;
    for s in status {
        println!(
            "  budget {} {}: {} to date, {} used, {} remaining this year",
            s.team, s.category, s.to_date, s.consumed, s.remaining
        );
    }
    Ok(())
}

/// P5, P4.3: targets, the manager's rating, and the month's scorecard with its breakdown.
fn kpi_story(engine: &Engine) -> Result<(), Box<dyn std::error::Error>> {
    use kis::kpi::*;
    let today = engine.today();
    let annual = Metrics {
        revenue: Some(Decimal::from(480_000)),
        profit: Some(Decimal::from(200_000)),
        new_customers: Some(Decimal::from(12)),
        satisfaction: Some(Decimal::from(80)),
        supervisor: Some(Decimal::from(80)),
    };
    run(
        engine,
        "dong",
        "targets:li",
        SetTargets {
            rep: "li".into(),
            year: today.year(),
            annual,
            distribution: None,
        },
    )?;
    run(
        engine,
        "meng",
        "rating:li",
        RateRep {
            rep: "li".into(),
            year: today.year(),
            month: today.month(),
            score: Decimal::from(88),
        },
    )?;
    let board = engine.scoreboard(
        &Actor::new("dong"),
        Period::Month {
            year: today.year(),
            month: today.month(),
        },
        None,
    )?;
    println!(
        "\nThe month's scorecards (P5.2a), policy {}:",
        &board.policy_version[..12]
    );
    for r in &board.reps {
        println!(
            "  {:<5} score {:>7} band {} bonus x{}",
            r.rep, r.card.score, r.card.band, r.card.bonus_multiplier
        );
    }
    if let Some(li) = board.reps.iter().find(|r| r.rep.as_str() == "li") {
        for l in &li.card.lines {
            let show = |d: Option<Decimal>| d.map_or("-".to_string(), |d| d.to_string());
            println!(
                "    {:<13} actual {:>10} target {:>10} weight {:.4} -> {:>7} {}",
                format!("{:?}", l.metric),
                show(l.actual),
                show(l.target),
                l.weight,
                l.contribution,
                l.note.as_deref().unwrap_or("")
            );
        }
    }
    for a in &board.awards {
        println!("  award {:<12} {:?} ({})", a.kind, a.winners, a.rule);
    }
    Ok(())
}

/// P3-P4: the price system, a quote through review, the contract through manager and
/// legal, the order through fulfilment, and the sales facts it leaves.
fn sales_story(engine: &Engine) -> Result<(), Box<dyn std::error::Error>> {
    let today = engine.today();
    let cny = |s: &str| Money::parse(s, "CNY");
    println!("\nThe price system (P4.1), kept by the director:");
    for (id, name, category, list, cost) in [
        (
            "KIS-PRO",
            "KIS Professional licence",
            "software>erp",
            "12000",
            "7000",
        ),
        ("KIS-SEAT", "KIS user seat", "software>seats", "800", "300"),
        (
            "KIS-IMPL",
            "Implementation service (day)",
            "services",
            "3000",
            "1800",
        ),
    ] {
        let product = Product {
            id: id.into(),
            name: name.into(),
            category: category.into(),
            list_price: cny(list)?,
            cost: cny(cost)?,
        };
        run(
            engine,
            "dong",
            &format!("product:{id}"),
            PutProduct { product },
        )?;
        println!("  {id:<9} {name:<30} list {list:>6} CNY, cost {cost:>5} CNY");
    }
    run(
        engine,
        "li",
        "customer:C-HUA",
        AddCustomer {
            id: "C-HUA".into(),
            name: "Huaxin Trading".into(),
            group: "key-accounts".into(),
            owner: "li".into(),
        },
    )?;

    let lines = vec![
        LineRequest {
            product: "KIS-PRO".into(),
            quantity: 1.into(),
            special_price: None,
            price_exception: None,
        },
        LineRequest {
            product: "KIS-SEAT".into(),
            quantity: 15.into(),
            special_price: None,
            price_exception: None,
        },
        LineRequest {
            product: "KIS-IMPL".into(),
            quantity: 5.into(),
            special_price: None,
            price_exception: None,
        },
    ];
    let quote = run(
        engine,
        "li",
        "quote:Q-2026-001",
        CreateQuote {
            id: "Q-2026-001".into(),
            customer: "C-HUA".into(),
            lines,
            valid_until: today + Duration::days(30),
        },
    )?;
    println!(
        "\nLi Na quotes Huaxin Trading (P3.2a): {} for {} lines",
        quote.current().total,
        quote.current().lines.len()
    );
    for l in &quote.current().lines {
        println!(
            "  {:<9} {:>3} x {:>8} = {:>9}",
            l.product, l.quantity, l.unit_price, l.line_total
        );
    }
    let sent = engine.execute(
        &Actor::new("li"),
        &SendQuote {
            id: "Q-2026-001".into(),
        },
    );
    if let Err(e) = sent {
        println!("  sending it now is refused: {e}");
    }
    run(
        engine,
        "li",
        "submit:quote",
        Submit {
            kind: DocKind::Quote,
            id: "Q-2026-001".into(),
        },
    )?;
    let inbox = engine.inbox(&Actor::new("meng"))?;
    println!(
        "  submitted; Meng Li's inbox: {:?}",
        inbox
            .iter()
            .map(|i| format!("{} {}", i.kind, i.id))
            .collect::<Vec<_>>()
    );
    let refused = engine.execute(
        &Actor::new("ma"),
        &Decide {
            kind: DocKind::Quote,
            id: "Q-2026-001".into(),
            verdict: Verdict::Approved,
            comment: None,
        },
    );
    if let Err(e) = refused {
        println!("  Ma Jun (team West) tries to approve: {e}");
    }
    let out = run(
        engine,
        "meng",
        "approve:quote",
        Decide {
            kind: DocKind::Quote,
            id: "Q-2026-001".into(),
            verdict: Verdict::Approved,
            comment: Some("ok".into()),
        },
    )?;
    let q = engine.quote(&Actor::new("li"), "Q-2026-001")?;
    println!(
        "  Meng Li approves (P3.2b): {:?}; director step: {}",
        out.status,
        q.current()
            .approval
            .as_ref()
            .map_or("", |a| a.steps[1].planned.reason.as_str())
    );
    run(
        engine,
        "li",
        "send:quote",
        SendQuote {
            id: "Q-2026-001".into(),
        },
    )?;
    run(
        engine,
        "li",
        "accept:quote",
        RecordQuoteResponse {
            id: "Q-2026-001".into(),
            response: QuoteResponse::Accepted,
        },
    )?;
    println!("  sent, and accepted by the customer");

    run(
        engine,
        "li",
        "contract:K-2026-001",
        DraftContract {
            id: "K-2026-001".into(),
            quote: "Q-2026-001".into(),
            delivery_date: Some(today + Duration::days(21)),
            payment_terms: "30% on signing, 70% on delivery".into(),
        },
    )?;
    run(
        engine,
        "li",
        "submit:contract",
        Submit {
            kind: DocKind::Contract,
            id: "K-2026-001".into(),
        },
    )?;
    run(
        engine,
        "meng",
        "approve:contract:1",
        Decide {
            kind: DocKind::Contract,
            id: "K-2026-001".into(),
            verdict: Verdict::Approved,
            comment: None,
        },
    )?;
    run(
        engine,
        "lu",
        "approve:contract:2",
        Decide {
            kind: DocKind::Contract,
            id: "K-2026-001".into(),
            verdict: Verdict::Approved,
            comment: Some("terms reviewed".into()),
        },
    )?;
    run(
        engine,
        "li",
        "sign:contract",
        SignContract {
            id: "K-2026-001".into(),
            customer_signatory: "Mr. Huang (CEO)".into(),
            signed_on: today,
        },
    )?;
    let k = run(
        engine,
        "li",
        "file:contract",
        FileContract {
            id: "K-2026-001".into(),
            reference: "archive/2026/K-2026-001.pdf".into(),
            sha256: "9f".repeat(32),
        },
    )?;
    println!(
        "\nThe contract (P3.4): reviewed by Meng Li then legal, signed, filed (P7.1): {:?}, {}",
        k.status,
        k.current_terms().total
    );

    let steps = vec![
        StepPlan {
            name: "production".into(),
            due: today + Duration::days(7),
        },
        StepPlan {
            name: "logistics".into(),
            due: today + Duration::days(14),
        },
        StepPlan {
            name: "delivery".into(),
            due: today + Duration::days(21),
        },
    ];
    run(
        engine,
        "li",
        "order:O-2026-001",
        CreateOrder {
            id: "O-2026-001".into(),
            contract: "K-2026-001".into(),
            steps,
            credits: None,
        },
    )?;
    for step in ["production", "logistics", "delivery"] {
        run(
            engine,
            "li",
            &format!("order-step:{step}"),
            CompleteOrderStep {
                id: "O-2026-001".into(),
                step: step.into(),
                done_on: today,
            },
        )?;
    }
    let order = engine.order(&Actor::new("li"), "O-2026-001")?;
    println!(
        "The order (P3.5): {:?} after {} fulfilment steps",
        order.status,
        order.steps.len()
    );
    let mut revenue = Decimal::ZERO;
    let mut cost = Decimal::ZERO;
    engine.scan_sales_facts(
        &Actor::new("dong"),
        today - Duration::days(31),
        today,
        |f| {
            revenue += f.amount;
            cost += f.cost;
            std::ops::ControlFlow::Continue(())
        },
    )?;
    println!(
        "Sales facts this month (P5.3a): revenue {revenue} CNY, cost {cost} CNY, profit {} CNY",
        revenue - cost
    );
    Ok(())
}
