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

use kis::org::{AddTeam, AddUser};
use kis::*;

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
        "  today   {} (company time, UTC{})",
        engine.today(),
        engine.policy().general().utc_offset
    );

    // P2.1: the organisation. The first admin is created once, on an empty store.
    let admin = Actor::new("admin");
    let before = engine.audit_trail(&Default::default())?.len();
    if engine.acting_user(&admin).is_err() {
        engine.bootstrap_admin("admin", "Ada Admin")?;
    }
    let people: [(&str, &str, Role, Option<&str>); 5] = [
        ("dong", "Dong Wei (sales director)", Role::Director, None),
        ("meng", "Meng Li (manager, team East)", Role::Manager, None),
        ("fan", "Fan Qing (finance)", Role::Finance, None),
        ("lu", "Lu Yan (legal)", Role::Legal, None),
        ("ma", "Ma Jun (manager, team West)", Role::Manager, None),
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
    for entry in trail.iter().skip(before).take(12) {
        let doc = entry
            .changes
            .first()
            .map_or(String::new(), |c| format!("{}/{}", c.collection, c.id));
        println!(
            "  #{:<3} {} {:<7} {:<18} {}",
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
