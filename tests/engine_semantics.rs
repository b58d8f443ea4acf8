//! Engine semantics every integration relies on (issue: policy versions, injected clock,
//! safe retries). Runs on every backend.

mod common;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use common::*;
use kis::admin::{AddUser, UpdateUser};
use kis::*;

fn add_finance(id: &str) -> AddUser {
    AddUser {
        id: id.into(),
        name: format!("User {id}"),
        role: Role::Finance,
        team: None,
    }
}

per_backend! {
    a_replayed_command_returns_the_first_result_and_writes_nothing, |name, store| {
        let (engine, clock) = engine_on(store);
        let org = setup_org(&engine);
        let first = engine
            .execute_idempotent(&org.admin, "req-1", &add_finance("f2"))
            .unwrap();
        let entries = engine.audit_trail(&Default::default()).unwrap().len();
        clock.advance(Duration::minutes(5)).unwrap();
        let again = engine
            .execute_idempotent(&org.admin, "req-1", &add_finance("f2"))
            .unwrap();
        assert_eq!(first, again, "{name}");
        assert_eq!(again.created_at, start(), "the first result, not a new one");
        assert_eq!(
            engine.audit_trail(&Default::default()).unwrap().len(),
            entries,
            "{name}: nothing written"
        );
        let last = engine
            .audit_trail(&Default::default())
            .unwrap()
            .pop()
            .unwrap();
        assert_eq!(last.idempotency_key.as_deref(), Some("req-1"));
    }
}

per_backend! {
    a_key_reused_with_different_content_or_actor_is_refused, |name, store| {
        let (engine, _) = engine_on(store);
        let org = setup_org(&engine);
        engine
            .execute_idempotent(&org.admin, "req-1", &add_finance("f2"))
            .unwrap();
        let err = engine
            .execute_idempotent(&org.admin, "req-1", &add_finance("f3"))
            .unwrap_err();
        assert!(
            matches!(err, Error::IdempotencyKeyReused { ref key } if key == "req-1"),
            "{name}: {err}"
        );
        let other_command = UpdateUser {
            id: "f2".into(),
            name: Some("F".into()),
            ..Default::default()
        };
        assert!(matches!(
            engine.execute_idempotent(&org.admin, "req-1", &other_command),
            Err(Error::IdempotencyKeyReused { .. })
        ));
        assert!(
            engine.user(&org.admin, &"f3".into()).is_err(),
            "f3 must not exist"
        );
        assert!(matches!(
            engine.execute_idempotent(&org.admin, "", &add_finance("f4")),
            Err(Error::Invalid(_))
        ));
    }
}

per_backend! {
    a_failed_command_does_not_consume_its_key, |_, store| {
        let (engine, _) = engine_on(store);
        let org = setup_org(&engine);
        let bad = AddUser {
            id: "r9".into(),
            name: "R".into(),
            role: Role::Rep,
            team: None,
        };
        assert!(
            engine
                .execute_idempotent(&org.admin, "req-9", &bad)
                .is_err()
        );
        let fixed = AddUser {
            team: Some("east".into()),
            ..bad
        };
        engine
            .execute_idempotent(&org.admin, "req-9", &fixed)
            .unwrap();
    }
}

#[test]
fn idempotency_keys_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("restart.db");
    {
        let (engine, _) = engine_on(std::sync::Arc::new(SqliteStore::open(&path).unwrap()));
        let org = setup_org(&engine);
        engine
            .execute_idempotent(&org.admin, "req-1", &add_finance("f2"))
            .unwrap();
    }
    let (engine, _) = engine_on(std::sync::Arc::new(SqliteStore::open(&path).unwrap()));
    let admin = Actor::new("admin");
    let entries = engine.audit_trail(&Default::default()).unwrap().len();
    let replay = engine
        .execute_idempotent(&admin, "req-1", &add_finance("f2"))
        .unwrap();
    assert_eq!(replay.id.as_str(), "f2");
    assert_eq!(
        engine.audit_trail(&Default::default()).unwrap().len(),
        entries
    );
    assert!(engine.verify_audit().unwrap().is_intact());
}

fn policy_with_weights(revenue: &str, profit: &str, effective: &str) -> Policy {
    let text = POLICY
        .replace(
            "revenue = \"0.35\", profit = \"0.25\"",
            &format!("revenue = \"{revenue}\", profit = \"{profit}\""),
        )
        .replace(
            "# effective_from = 2026-01-01",
            &format!("effective_from = {effective}"),
        );
    Policy::from_toml(&text).unwrap()
}

per_backend! {
    policy_versions_are_kept_and_chosen_by_effective_date, |name, store| {
        let (engine, _) = engine_on(store);
        let org = setup_org(&engine);
        let first = engine.policy();
        let v2026 = policy_with_weights("0.40", "0.20", "2026-01-01");
        let v2027 = policy_with_weights("0.30", "0.30", "2027-01-01");
        engine
            .install_policy(&org.admin, v2027.clone(), None)
            .unwrap();
        engine
            .install_policy(&org.admin, v2026.clone(), None)
            .unwrap();
        assert_eq!(
            engine.policy().hash(),
            v2026.hash(),
            "the last installed is current"
        );
        let versions = engine.policy_versions().unwrap();
        assert_eq!(versions.len(), 3, "{name}");
        assert_eq!(
            versions
                .iter()
                .filter(|v| v.installed_by == "admin")
                .count(),
            2
        );
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            engine.policy_in_force(d("2026-06-30")).unwrap().hash(),
            v2026.hash()
        );
        assert_eq!(
            engine.policy_in_force(d("2027-03-01")).unwrap().hash(),
            v2027.hash()
        );
        // The opening policy took effect on the day it was installed (2026-11-27), after
        // the 2026-01-01 version: it governs the end of 2026.
        assert_eq!(
            engine.policy_in_force(d("2026-12-01")).unwrap().hash(),
            first.hash()
        );
        assert!(matches!(
            engine.policy_in_force(d("2025-12-31")),
            Err(Error::NotFound { .. })
        ));
        // Re-installing a known version adds nothing.
        engine
            .install_policy(&org.admin, v2026.clone(), None)
            .unwrap();
        assert_eq!(engine.policy_versions().unwrap().len(), 3);
        // Commands record the version they were decided under.
        engine.execute(&org.admin, &add_finance("f5")).unwrap();
        let last = engine.history("users", "f5").unwrap().pop().unwrap();
        assert_eq!(last.policy_version, v2026.hash());
    }
}

per_backend! {
    installing_a_policy_needs_an_admin_and_a_valid_file, |_, store| {
        let (engine, _) = engine_on(store);
        let org = setup_org(&engine);
        let v2 = policy_with_weights("0.40", "0.20", "2026-01-01");
        let err = engine.install_policy(&org.director, v2, None).unwrap_err();
        assert!(matches!(err, Error::NotAuthorized { .. }), "{err}");
        assert_eq!(engine.policy_versions().unwrap().len(), 1);
        // An invalid file never becomes a Policy, so it cannot be installed at all.
        let broken = POLICY.replace("revenue = \"0.35\"", "revenue = \"0.45\"");
        assert!(Policy::from_toml(&broken).is_err());
        assert_eq!(engine.policy_versions().unwrap().len(), 1);
        assert_eq!(engine.policy().source(), POLICY);
    }
}

#[test]
fn reopening_with_the_same_policy_adds_no_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("versions.db");
    for _ in 0..3 {
        let (engine, _) = engine_on(std::sync::Arc::new(SqliteStore::open(&path).unwrap()));
        assert_eq!(engine.policy_versions().unwrap().len(), 1);
    }
}

#[test]
fn today_comes_from_the_clock_in_the_company_time_zone() {
    let (engine, clock) = engine_on(std::sync::Arc::new(MemoryStore::new()));
    // 2026-11-27 23:30 UTC is already the 28th in Beijing (+08:00).
    clock.set(Utc.with_ymd_and_hms(2026, 11, 27, 23, 30, 0).unwrap());
    assert_eq!(
        engine.today(),
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    );
    clock.set(Utc.with_ymd_and_hms(2026, 11, 27, 15, 59, 59).unwrap());
    assert_eq!(
        engine.today(),
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    );
    let org = setup_org(&engine);
    clock.advance(Duration::days(3)).unwrap();
    let u = engine.execute(&org.admin, &add_finance("f6")).unwrap();
    assert_eq!(u.created_at, engine.now());
}
