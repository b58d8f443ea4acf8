//! #16, a command computes everything before it commits: on a store that fails every
//! command's first attempt after the command's own writes (`common::flaky`), a whole
//! sale (quote, reviews, contract, signing, order, delivery) and the organisation behind
//! it commit exactly once each, every failed attempt checked to have left nothing, and
//! the trail verifies. Every scenario test runs on this backend too ("sqlite-flaky").

mod common;

use std::sync::Arc;

use common::flaky::Flaky;
use common::*;
use kis::*;

#[test]
fn every_command_of_a_sale_fails_once_after_its_writes_and_leaves_nothing() {
    let flaky = Arc::new(Flaky::new(Arc::new(SqliteStore::open_in_memory().unwrap())));
    let (engine, clock) = engine_on(flaky.clone());
    let org = setup_org(&engine);
    setup_catalogue(&engine, &org);
    sell_through(
        &engine,
        &org,
        &clock,
        &Sale::new(
            1,
            &org.rep_li,
            &org.east_manager,
            "C-LI",
            "KIS-PRO",
            3,
            "2026-11-27",
        ),
    );
    let trail = engine.audit_trail(&Default::default()).unwrap();
    let mut kinds: Vec<&str> = trail.iter().map(|e| e.command.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    // One failed attempt per committed command (the bootstrap too), none left over.
    assert_eq!(flaky.injected(), trail.len() as u64, "{kinds:?}");
    assert!(kinds.len() >= 12, "{kinds:?}");
    assert!(engine.verify_audit().unwrap().is_intact());
}
