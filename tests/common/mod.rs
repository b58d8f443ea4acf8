//! Shared test helpers: every backend, a test clock, and a small organisation.
#![allow(dead_code)]

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use kis::org::{AddTeam, AddUser};
use kis::*;

/// The shipped example policy.
pub const POLICY: &str = include_str!("../../examples/policy.toml");

/// The example policy, parsed.
pub fn policy() -> Policy {
    Policy::from_toml(POLICY).expect("example policy")
}

/// A fresh, empty store of every backend: memory, SQLite in memory, SQLite on a file,
/// and PostgreSQL (a fresh schema on the server of `KIS_TEST_POSTGRES_URL`).
pub fn backends() -> Vec<(&'static str, Arc<dyn Store>)> {
    let dir = Box::leak(Box::new(tempfile::tempdir().expect("tempdir")));
    let mut stores = vec![
        ("memory", Arc::new(MemoryStore::new()) as Arc<dyn Store>),
        (
            "sqlite-memory",
            Arc::new(SqliteStore::open_in_memory().expect("sqlite")),
        ),
        (
            "sqlite-file",
            Arc::new(SqliteStore::open(dir.path().join("kis.db")).expect("sqlite file")),
        ),
    ];
    if let Some(url) = postgres_url() {
        let options = PostgresOptions {
            pool_size: 4,
            schema: Some(unique_schema()),
        };
        stores.push((
            "postgres",
            Arc::new(PostgresStore::connect_with(&url, options).expect("postgres")),
        ));
    }
    stores
}

/// The test server's URL; without one the tests fail unless `KIS_SKIP_POSTGRES=1`.
pub fn postgres_url() -> Option<String> {
    match std::env::var("KIS_TEST_POSTGRES_URL") {
        Ok(url) => Some(url),
        Err(_) if std::env::var("KIS_SKIP_POSTGRES").as_deref() == Ok("1") => {
            eprintln!("SKIPPED: the PostgreSQL backend (KIS_SKIP_POSTGRES=1)");
            None
        }
        Err(_) => panic!(
            "KIS_TEST_POSTGRES_URL is not set: run scripts/test.sh (it starts a throwaway \
             PostgreSQL), or set KIS_SKIP_POSTGRES=1 to skip that backend knowingly"
        ),
    }
}

/// A schema name unique to this process and call.
pub fn unique_schema() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "kis_e{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

/// 2026-11-27 09:00 in Beijing (01:00 UTC).
pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 1, 0, 0).unwrap()
}

/// An engine on `store` with the example policy and a manual clock at [`start`].
pub fn engine_on(store: Arc<dyn Store>) -> (Engine, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(start()));
    let engine = Engine::open_with_clock(store, policy(), clock.clone()).expect("open engine");
    (engine, clock)
}

/// The organisation of the scenarios: an admin, a director, two teams with a manager and
/// two reps each, finance and legal.
pub struct Org {
    pub admin: Actor,
    pub director: Actor,
    pub east_manager: Actor,
    pub west_manager: Actor,
    pub rep_li: Actor,
    pub rep_wang: Actor,
    pub rep_zhao: Actor,
    pub finance: Actor,
    pub legal: Actor,
}

impl Org {
    /// The actors of [`setup_org`], for an organisation set up elsewhere.
    pub fn actors() -> Org {
        Org {
            admin: Actor::new("admin"),
            director: Actor::new("dir"),
            east_manager: Actor::new("m-east"),
            west_manager: Actor::new("m-west"),
            rep_li: Actor::new("li"),
            rep_wang: Actor::new("wang"),
            rep_zhao: Actor::new("zhao"),
            finance: Actor::new("fin"),
            legal: Actor::new("legal"),
        }
    }
}

pub fn setup_org(engine: &Engine) -> Org {
    engine
        .bootstrap_admin("admin", "Ada Admin")
        .expect("bootstrap");
    let admin = Actor::new("admin");
    let add = |id: &str, name: &str, role: Role, team: Option<&str>| {
        engine
            .execute(
                &admin,
                &AddUser {
                    id: id.into(),
                    name: name.into(),
                    role,
                    team: team.map(TeamId::from),
                },
            )
            .expect("add user");
        Actor::new(id)
    };
    let director = add("dir", "Dong Director", Role::Director, None);
    let east_manager = add("m-east", "Meng East", Role::Manager, None);
    let west_manager = add("m-west", "Ma West", Role::Manager, None);
    for (team, manager) in [("east", "m-east"), ("west", "m-west")] {
        engine
            .execute(
                &admin,
                &AddTeam {
                    id: team.into(),
                    name: format!("Team {team}"),
                    manager: manager.into(),
                    director: Some("dir".into()),
                },
            )
            .expect("add team");
    }
    Org {
        rep_li: add("li", "Li Rep", Role::Rep, Some("east")),
        rep_wang: add("wang", "Wang Rep", Role::Rep, Some("east")),
        rep_zhao: add("zhao", "Zhao Rep", Role::Rep, Some("west")),
        finance: add("fin", "Fan Finance", Role::Finance, None),
        legal: add("legal", "Lu Legal", Role::Legal, None),
        admin,
        director,
        east_manager,
        west_manager,
    }
}

/// Products and customers for the sales scenarios: KIS-PRO (list 1000, cost 600),
/// KIS-SEAT (list 100, cost 40); customer C-LI (owned by li, retail: no group rule of the
/// example policy applies), C-WANG (wang),
/// C-ZHAO (zhao, retail).
pub fn setup_catalogue(engine: &Engine, org: &Org) {
    use kis::sales::{AddCustomer, Product, PutProduct};
    let cny = |s: &str| Money::parse(s, "CNY").unwrap();
    for (id, name, cat, list, cost) in [
        ("KIS-PRO", "KIS Professional", "software>erp", "1000", "600"),
        ("KIS-SEAT", "KIS seat", "software>seats", "100", "40"),
    ] {
        let product = Product {
            id: id.into(),
            name: name.into(),
            category: cat.into(),
            list_price: cny(list),
            cost: cny(cost),
        };
        engine
            .execute(&org.director, &PutProduct { product })
            .unwrap();
    }
    for (id, owner, group, actor) in [
        ("C-LI", "li", "retail", &org.rep_li),
        ("C-WANG", "wang", "retail", &org.rep_wang),
        ("C-ZHAO", "zhao", "retail", &org.rep_zhao),
    ] {
        engine
            .execute(
                actor,
                &AddCustomer {
                    id: id.into(),
                    name: format!("Customer {id}"),
                    group: group.into(),
                    owner: owner.into(),
                },
            )
            .unwrap();
    }
}

/// A line of `qty` units of `product` at the engine price.
pub fn line(product: &str, qty: i64) -> kis::sales::LineRequest {
    kis::sales::LineRequest {
        product: product.into(),
        quantity: rust_decimal::Decimal::from(qty),
        special_price: None,
        price_exception: None,
    }
}

/// The business date of the test clock's start (2026-11-27).
pub fn day0() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
}
