//! Shared test helpers: every backend, a test clock, and a small organisation.
#![allow(dead_code)]

pub mod flaky;
pub mod scenario;

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use kis::admin::{AddTeam, AddUser};
use kis::*;

/// The shipped example policy.
pub const POLICY: &str = include_str!("../../examples/policy.toml");

/// The example policy, parsed.
pub fn policy() -> Policy {
    Policy::from_toml(POLICY).expect("example policy")
}

/// One fresh store of the backend `name` (memory, sqlite_memory, sqlite_file,
/// sqlite_flaky, postgres); `None` for PostgreSQL
/// when it is skipped knowingly (`KIS_SKIP_POSTGRES=1`).
pub fn backend(name: &str) -> Option<Arc<dyn Store>> {
    let dir = Box::leak(Box::new(tempfile::tempdir().expect("tempdir")));
    Some(match name {
        "memory" => Arc::new(MemoryStore::new()),
        "sqlite_memory" => Arc::new(SqliteStore::open_in_memory().expect("sqlite")),
        "sqlite_file" => {
            Arc::new(SqliteStore::open(dir.path().join("kis.db")).expect("sqlite file"))
        }
        "sqlite_flaky" => Arc::new(flaky::Flaky::new(Arc::new(
            SqliteStore::open_in_memory().expect("sqlite"),
        ))),
        "postgres" => postgres_store(&postgres_url()?),
        other => panic!("no backend {other:?}"),
    })
}

/// Expands `per_backend! { name, |backend, store| { body } }` into a module `name`
/// holding one `#[test]` per backend, so that a failure names its backend and one backend
/// runs alone (`cargo test name::postgres`). `backend` is the backend's name, for messages.
/// Doc comments before the name document the module.
#[macro_export]
macro_rules! per_backend {
    ($(#[$meta:meta])* $name:ident, |$backend:pat_param, $store:ident| $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            fn run($backend: &str, $store: std::sync::Arc<dyn kis::Store>) $body
            #[test]
            fn memory() {
                run("memory", common::backend("memory").unwrap())
            }
            #[test]
            fn sqlite_memory() {
                run("sqlite-memory", common::backend("sqlite_memory").unwrap())
            }
            #[test]
            fn sqlite_file() {
                run("sqlite-file", common::backend("sqlite_file").unwrap())
            }
            #[test]
            fn sqlite_flaky() {
                run("sqlite-flaky", common::backend("sqlite_flaky").unwrap())
            }
            #[test]
            fn postgres() {
                if let Some(store) = common::backend("postgres") {
                    run("postgres", store)
                }
            }
        }
    };
    ($(#[$meta:meta])* $name:ident, |$store:ident| $body:expr) => {
        $crate::per_backend! { $(#[$meta])* $name, |_, $store| { $body } }
    };
}

/// A store in a fresh schema of the test server.
#[cfg(feature = "postgres")]
fn postgres_store(url: &str) -> Arc<dyn Store> {
    let options = PostgresOptions {
        pool_size: 4,
        schema: Some(unique_schema()),
        ..Default::default()
    };
    Arc::new(PostgresStore::connect_with(url, options).expect("postgres"))
}

#[cfg(not(feature = "postgres"))]
fn postgres_store(_: &str) -> Arc<dyn Store> {
    panic!("KIS_TEST_POSTGRES_URL is set, but the tests were built without `--features postgres`")
}

/// The test server's URL; without one the tests fail unless `KIS_SKIP_POSTGRES=1`.
pub fn postgres_url() -> Option<String> {
    if !cfg!(feature = "postgres") && std::env::var("KIS_TEST_POSTGRES_URL").is_ok() {
        panic!(
            "KIS_TEST_POSTGRES_URL is set, but the tests were built without `--features postgres`"
        );
    }
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

/// The date of an ISO string.
pub fn ymd(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Sets the test clock to 02:00 UTC (10:00 in the policy's +08:00) of `date`.
pub fn set_clock_day(clock: &ManualClock, date: &str) {
    use chrono::Datelike;
    let d = ymd(date);
    clock.set(
        Utc.with_ymd_and_hms(d.year(), d.month(), d.day(), 2, 0, 0)
            .unwrap(),
    );
}

/// One sale, from quote to delivery, for [`sell_through`].
pub struct Sale<'a> {
    /// Numbers the documents: `Q-n`, `K-n`, `O-n`.
    pub n: u32,
    /// The rep who sells.
    pub seller: &'a Actor,
    /// Their manager, who reviews.
    pub manager: &'a Actor,
    /// The customer (the seller's).
    pub customer: &'a str,
    /// The product.
    pub product: &'a str,
    /// Units.
    pub qty: i64,
    /// Quote, signing and delivery date.
    pub date: &'a str,
    /// Who is credited (default: the seller).
    pub credits: Option<Vec<kis::sales::Credit>>,
}

impl<'a> Sale<'a> {
    pub fn new(
        n: u32,
        seller: &'a Actor,
        manager: &'a Actor,
        customer: &'a str,
        product: &'a str,
        qty: i64,
        date: &'a str,
    ) -> Self {
        Sale {
            n,
            seller,
            manager,
            customer,
            product,
            qty,
            date,
            credits: None,
        }
    }
}

/// Runs a sale through every step on its date: quote, manager review, sent, accepted,
/// contract reviewed by manager and legal, signed, ordered, delivered.
pub fn sell_through(engine: &Engine, org: &Org, clock: &ManualClock, sale: &Sale<'_>) {
    use kis::approval::{DocKind, Verdict};
    use kis::reviews::{Decide, Submit};
    use kis::sales::*;
    set_clock_day(clock, sale.date);
    let d = ymd(sale.date);
    let n = sale.n;
    let (q, k, o) = (format!("Q-{n}"), format!("K-{n}"), format!("O-{n}"));
    let approve = |actor: &Actor, kind: DocKind, id: &str| {
        engine
            .execute(
                actor,
                &Decide {
                    kind,
                    id: id.into(),
                    verdict: Verdict::Approved,
                    comment: None,
                },
            )
            .unwrap();
    };
    let rep = sale.seller;
    engine
        .execute(
            rep,
            &CreateQuote {
                id: q.clone(),
                customer: sale.customer.into(),
                lines: vec![line(sale.product, sale.qty)],
                valid_until: d,
            },
        )
        .unwrap();
    engine
        .execute(
            rep,
            &Submit {
                kind: DocKind::Quote,
                id: q.clone(),
            },
        )
        .unwrap();
    approve(sale.manager, DocKind::Quote, &q);
    engine.execute(rep, &SendQuote { id: q.clone() }).unwrap();
    engine
        .execute(
            rep,
            &RecordQuoteResponse {
                id: q.clone(),
                response: QuoteResponse::Accepted,
            },
        )
        .unwrap();
    engine
        .execute(
            rep,
            &DraftContract {
                id: k.clone(),
                quote: q,
                delivery_date: None,
                payment_terms: "net 30".into(),
            },
        )
        .unwrap();
    engine
        .execute(
            rep,
            &Submit {
                kind: DocKind::Contract,
                id: k.clone(),
            },
        )
        .unwrap();
    approve(sale.manager, DocKind::Contract, &k);
    approve(&org.legal, DocKind::Contract, &k);
    engine
        .execute(
            rep,
            &SignContract {
                id: k.clone(),
                customer_signatory: "Mr. Chen".into(),
                signed_on: d,
            },
        )
        .unwrap();
    engine
        .execute(
            rep,
            &CreateOrder {
                id: o.clone(),
                contract: k,
                steps: vec![StepPlan {
                    name: "delivery".into(),
                    due: d,
                }],
                credits: sale.credits.clone(),
            },
        )
        .unwrap();
    engine
        .execute(
            rep,
            &CompleteOrderStep {
                id: o,
                step: "delivery".into(),
                done_on: d,
            },
        )
        .unwrap();
}
