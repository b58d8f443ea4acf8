//! The schema and its migrations, tracked with `PRAGMA user_version`.

use rusqlite::Connection;

use crate::errors::{corrupt, map};
use kis_core::store::StoreError;

/// Each migration, in order; version N is `MIGRATIONS[N - 1]`. Never edit a released
/// migration: add a new one.
const MIGRATIONS: &[&str] = &[
    // 1: documents, counters, the append-only audit trail.
    r#"
    CREATE TABLE documents (
        collection TEXT NOT NULL,
        id         TEXT NOT NULL,
        version    INTEGER NOT NULL CHECK (version >= 1),
        body       TEXT NOT NULL,
        PRIMARY KEY (collection, id)
    ) STRICT, WITHOUT ROWID;

    -- Exact decimals as TEXT: SQLite has no decimal type, and REAL would round.
    CREATE TABLE counters (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE audit (
        seq       INTEGER PRIMARY KEY CHECK (seq >= 1),
        hash      TEXT NOT NULL,
        documents TEXT NOT NULL,
        entry     TEXT NOT NULL
    ) STRICT;

    CREATE TABLE audit_documents (
        collection TEXT NOT NULL,
        id         TEXT NOT NULL,
        seq        INTEGER NOT NULL REFERENCES audit (seq),
        PRIMARY KEY (collection, id, seq)
    ) STRICT, WITHOUT ROWID;

    -- P1.3: nothing is silently changed or deleted.
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    CREATE TRIGGER audit_documents_no_update BEFORE UPDATE ON audit_documents
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    CREATE TRIGGER audit_documents_no_delete BEFORE DELETE ON audit_documents
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    "#,
    // 2: binary documents (sales fact segments), apart from the JSON ones. A rowid table:
    // its rows are large (tens of kilobytes), which WITHOUT ROWID tables handle badly.
    r#"
    CREATE TABLE blobs (
        collection TEXT NOT NULL,
        id         TEXT NOT NULL,
        version    INTEGER NOT NULL CHECK (version >= 1),
        body       BLOB NOT NULL,
        PRIMARY KEY (collection, id)
    ) STRICT;
    "#,
    // 3: a checksum beside each document, checked on every read (filled in for the
    // documents already there by `fill_checksums`).
    r#"
    ALTER TABLE documents ADD COLUMN checksum INTEGER NOT NULL DEFAULT 0;
    "#,
];

/// The migration after which existing documents get their checksums.
const CHECKSUMS: usize = 3;

/// Computes the checksum of every document written before checksums existed.
fn fill_checksums(tx: &rusqlite::Transaction<'_>) -> Result<(), StoreError> {
    let rows: Vec<(String, String, i64, String)> = {
        let mut stmt = tx
            .prepare("SELECT collection, id, version, body FROM documents")
            .map_err(map)?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .map_err(map)?
            .collect::<Result<_, _>>()
            .map_err(map)?
    };
    let mut update = tx
        .prepare("UPDATE documents SET checksum = ?3 WHERE collection = ?1 AND id = ?2")
        .map_err(map)?;
    for (collection, id, version, body) in rows {
        let sum = kis_core::store::Record::checksum(&collection, &id, version as u64, &body);
        update
            .execute(rusqlite::params![collection, id, sum])
            .map_err(map)?;
    }
    Ok(())
}

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the database to [`SCHEMA_VERSION`], in one transaction.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(map)?;
    let current: i64 = tx
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(map)?;
    if current > SCHEMA_VERSION {
        return Err(corrupt(format!(
            "the database has schema version {current}, newer than this kis ({SCHEMA_VERSION}); upgrade kis"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        tx.execute_batch(sql).map_err(map)?;
        if i + 1 == CHECKSUMS {
            fill_checksums(&tx)?;
        }
        tx.pragma_update(None, "user_version", (i + 1) as i64)
            .map_err(map)?;
    }
    tx.commit().map_err(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database at schema version 1 (documents only) gains the blob table and keeps
    /// its documents; one from a newer kis is refused, untouched.
    #[test]
    fn an_older_database_is_migrated_and_a_newer_one_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO documents (collection, id, version, body) VALUES ('users', 'li', 1, '{}')",
            [],
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let sum: i64 = conn
            .query_row("SELECT checksum FROM documents WHERE id = 'li'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(
            sum,
            kis_core::store::Record::checksum("users", "li", 1, "{}")
        );
        let kept: i64 = conn
            .query_row("SELECT count(*) FROM documents", [], |r| r.get(0))
            .unwrap();
        assert_eq!(kept, 1);
        conn.execute(
            "INSERT INTO blobs (collection, id, version, body) VALUES ('s', 'a', 1, x'00ff')",
            [],
        )
        .unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        let err = migrate(&mut conn).unwrap_err().to_string();
        assert!(err.contains("newer than this kis"), "{err}");
    }
}
