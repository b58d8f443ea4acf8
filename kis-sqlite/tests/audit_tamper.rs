//! P1.3: the audit trail is append-only in the database, and the hash chain catches an
//! entry that was edited or removed behind the engine's back.

use std::sync::Arc;

use kis_core::admin::{AddUser, UpdateUser};
use kis_core::{Actor, Engine, Policy, Role};
use kis_sqlite::SqliteStore;

const POLICY: &str = include_str!("../../examples/policy.toml");

fn engine_with_history(path: &std::path::Path) -> Engine {
    let store = Arc::new(SqliteStore::open(path).unwrap());
    let engine = Engine::open(store, Policy::from_toml(POLICY).unwrap()).unwrap();
    engine.bootstrap_admin("admin", "Admin").unwrap();
    let admin = Actor::new("admin");
    for id in ["f1", "f2", "f3"] {
        engine
            .execute(
                &admin,
                &AddUser {
                    id: id.into(),
                    name: id.into(),
                    role: Role::Finance,
                    team: None,
                },
            )
            .unwrap();
    }
    engine
        .execute(
            &admin,
            &UpdateUser {
                id: "f2".into(),
                name: Some("Fei".into()),
                ..Default::default()
            },
        )
        .unwrap();
    engine
}

#[test]
fn the_database_refuses_updates_and_deletes_of_the_trail() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.db");
    drop(engine_with_history(&path));
    let conn = rusqlite::Connection::open(&path).unwrap();
    let err = conn
        .execute("UPDATE audit SET entry = '{}' WHERE seq = 2", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    let err = conn
        .execute("DELETE FROM audit WHERE seq = 2", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
}

/// Opens the file behind the engine's back, drops the guard triggers and runs `sql`.
fn tamper(path: &std::path::Path, sql: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;
         DROP TRIGGER audit_documents_no_delete;",
    )
    .unwrap();
    conn.execute_batch(sql).unwrap();
}

#[test]
fn verify_passes_on_an_untouched_trail() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine_with_history(&dir.path().join("ok.db"));
    let report = engine.verify_audit().unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.entries, 6);
    assert!(report.head_hash.is_some());
}

#[test]
fn verify_finds_an_edited_entry() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edited.db");
    drop(engine_with_history(&path));
    // Rewrite who renamed f2: the entry text changes, its stored hash does not.
    tamper(
        &path,
        "UPDATE audit SET entry = replace(entry, '\"actor\":\"admin\"', '\"actor\":\"f1\"') WHERE seq = 6",
    );
    let engine = Engine::open(
        Arc::new(SqliteStore::open(&path).unwrap()),
        Policy::from_toml(POLICY).unwrap(),
    )
    .unwrap();
    let report = engine.verify_audit().unwrap();
    let broken = report.broken.expect("tampering must be detected");
    assert_eq!(broken.seq, 6);
    assert!(broken.reason.contains("edited"), "{}", broken.reason);
}

#[test]
fn verify_finds_a_deleted_entry() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deleted.db");
    drop(engine_with_history(&path));
    tamper(
        &path,
        "DELETE FROM audit_documents WHERE seq = 3; DELETE FROM audit WHERE seq = 3",
    );
    let engine = Engine::open(
        Arc::new(SqliteStore::open(&path).unwrap()),
        Policy::from_toml(POLICY).unwrap(),
    )
    .unwrap();
    let broken = engine
        .verify_audit()
        .unwrap()
        .broken
        .expect("deletion must be detected");
    assert_eq!(broken.seq, 4);
    assert!(broken.reason.contains("missing"), "{}", broken.reason);
}

#[test]
fn verify_finds_a_rehashed_entry_that_breaks_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rehashed.db");
    let engine = engine_with_history(&path);
    // A forger who recomputes the edited entry's own hash still breaks the next link.
    let mut entry = engine.audit_trail(&Default::default()).unwrap()[2].clone();
    drop(engine);
    entry.actor = "f1".into();
    let (json, hash) = entry.sealed().unwrap();
    tamper(
        &path,
        &format!(
            "UPDATE audit SET entry = '{}', hash = '{}' WHERE seq = 3",
            json.replace('\'', "''"),
            hash
        ),
    );
    let engine = Engine::open(
        Arc::new(SqliteStore::open(&path).unwrap()),
        Policy::from_toml(POLICY).unwrap(),
    )
    .unwrap();
    let broken = engine
        .verify_audit()
        .unwrap()
        .broken
        .expect("chain break must be detected");
    assert_eq!(broken.seq, 4);
    assert!(broken.reason.contains("not chained"), "{}", broken.reason);
}

fn reopen(path: &std::path::Path) -> Engine {
    Engine::open(
        Arc::new(SqliteStore::open(path).unwrap()),
        Policy::from_toml(POLICY).unwrap(),
    )
    .unwrap()
}

/// A document edited in the table is refused when read (its checksum); edited with its
/// checksum recomputed too (the checksum is no secret), it reads, and `verify_audit`
/// reports it: its stored state is not what its last entry recorded.
#[test]
fn verify_finds_a_document_edited_behind_the_engine() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.db");
    drop(engine_with_history(&path));
    tamper(
        &path,
        "UPDATE documents SET body = replace(body, '\"Fei\"', '\"Mallory\"') WHERE collection = 'users' AND id = 'f2'",
    );
    let err = reopen(&path)
        .users(&Actor::new("admin"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("users/f2") && err.contains("checksum"),
        "{err}"
    );
    let conn = rusqlite::Connection::open(&path).unwrap();
    let (version, body): (i64, String) = conn
        .query_row(
            "SELECT version, body FROM documents WHERE collection = 'users' AND id = 'f2'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let sum = kis_core::store::Record::checksum("users", "f2", version as u64, &body);
    conn.execute(
        "UPDATE documents SET checksum = ?1 WHERE collection = 'users' AND id = 'f2'",
        [sum],
    )
    .unwrap();
    assert!(
        reopen(&path)
            .users(&Actor::new("admin"))
            .unwrap()
            .iter()
            .any(|u| u.name == "Mallory")
    );
    let report = reopen(&path).verify_audit().unwrap();
    assert!(report.broken.is_none(), "{report:?}");
    let m = &report.mismatches;
    assert_eq!(m.len(), 1, "{m:?}");
    assert_eq!(
        (m[0].collection.as_str(), m[0].id.as_str(), m[0].seq),
        ("users", "f2", 6)
    );
    assert!(!report.is_intact());
}

/// The whole chain rewritten from entry 3 on and re-hashed verifies on its own; the
/// anchor the host kept (signed) shows it, and so does a cut-off tail.
#[test]
fn an_anchor_catches_a_rehashed_chain_and_a_cut_tail() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("anchored.db");
    let engine = engine_with_history(&path);
    let key = b"kept by the host";
    let anchor = engine.audit_anchor(Some(key)).unwrap();
    assert_eq!(anchor.seq, 6);
    assert!(
        engine
            .verify_audit_against(&anchor, Some(key))
            .unwrap()
            .is_intact()
    );
    let mut forged = anchor.clone();
    forged.seq = 5;
    assert!(engine.verify_audit_against(&forged, Some(key)).is_err());
    assert!(
        engine
            .verify_audit_against(&anchor, Some(b"wrong"))
            .is_err()
    );
    let trail = engine.audit_trail(&Default::default()).unwrap();
    drop(engine);
    // Rewrite entry 3's actor and re-chain 3..6: each hash recomputed.
    let mut sql = String::new();
    let mut prev = trail[1].hash.clone();
    for (i, e) in trail.iter().enumerate().skip(2) {
        let mut e = e.clone();
        if i == 2 {
            e.actor = "f3".into();
        }
        e.prev_hash = prev;
        let (json, hash) = e.sealed().unwrap();
        sql.push_str(&format!(
            "UPDATE audit SET entry = '{}', hash = '{}' WHERE seq = {};",
            json.replace('\'', "''"),
            hash,
            e.seq
        ));
        prev = hash;
    }
    tamper(&path, &sql);
    let engine = reopen(&path);
    assert!(
        engine.verify_audit().unwrap().is_intact(),
        "re-hashed: intact on its own"
    );
    let report = engine.verify_audit_against(&anchor, Some(key)).unwrap();
    let broken = report.broken.expect("the anchor shows the rewrite");
    assert_eq!(broken.seq, 6);
    assert!(broken.reason.contains("rewritten"), "{}", broken.reason);
    drop(engine);
    // Cut the last entry off: its document (f2's rename) no longer matches the trail,
    // and the anchor says entries are gone.
    let dir2 = tempfile::tempdir().unwrap();
    let path2 = dir2.path().join("cut.db");
    drop(engine_with_history(&path2));
    let anchor = reopen(&path2).audit_anchor(None).unwrap();
    tamper(
        &path2,
        "DELETE FROM audit_documents WHERE seq = 6; DELETE FROM audit WHERE seq = 6",
    );
    let engine = reopen(&path2);
    let plain = engine.verify_audit().unwrap();
    assert!(plain.broken.is_none());
    assert_eq!(plain.mismatches.len(), 1, "{:?}", plain.mismatches);
    let broken = engine
        .verify_audit_against(&anchor, None)
        .unwrap()
        .broken
        .expect("the anchor shows the cut");
    assert!(broken.reason.contains("cut off"), "{}", broken.reason);
}
