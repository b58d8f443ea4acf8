//! The schema and its migrations, tracked in `kis_schema_version`.

use postgres::Client;

use crate::errors::{corrupt, map};
use kis_core::store::StoreError;

/// Each migration, in order. Never edit a released migration: add a new one.
const MIGRATIONS: &[&str] = &[
    // 1: documents, counters, the append-only audit trail and its head.
    r#"
    CREATE TABLE documents (
        collection TEXT NOT NULL,
        id         TEXT COLLATE "C" NOT NULL,   -- byte order, as on every backend
        version    BIGINT NOT NULL CHECK (version >= 1),
        body       TEXT NOT NULL,
        PRIMARY KEY (collection, id)
    );

    -- NUMERIC without a fixed scale keeps exactly the scale kis wrote (the policy's money
    -- scale); rust_decimal bounds it to 28 significant digits.
    CREATE TABLE counters (
        key   TEXT PRIMARY KEY,
        value NUMERIC NOT NULL CHECK (value >= 0)
    );

    CREATE TABLE audit (
        seq       BIGINT PRIMARY KEY CHECK (seq >= 1),
        hash      TEXT NOT NULL,
        documents TEXT NOT NULL,
        entry     TEXT NOT NULL
    );

    CREATE TABLE audit_documents (
        collection TEXT NOT NULL,
        id         TEXT NOT NULL,
        seq        BIGINT NOT NULL REFERENCES audit (seq),
        PRIMARY KEY (collection, id, seq)
    );

    -- One row: the chain's head, locked by each appending transaction so that engines on
    -- several servers append one gapless chain.
    CREATE TABLE audit_head (
        singleton BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
        seq       BIGINT NOT NULL,
        hash      TEXT NOT NULL
    );
    INSERT INTO audit_head (singleton, seq, hash) VALUES (TRUE, 0, '');

    -- P1.3: nothing is silently changed or deleted.
    CREATE FUNCTION kis_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$;
    CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
        FOR EACH ROW EXECUTE FUNCTION kis_append_only();
    CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
        FOR EACH STATEMENT EXECUTE FUNCTION kis_append_only();
    CREATE TRIGGER audit_documents_append_only BEFORE UPDATE OR DELETE ON audit_documents
        FOR EACH ROW EXECUTE FUNCTION kis_append_only();
    "#,
    // 2: binary documents (sales fact segments), apart from the JSON ones.
    r#"
    CREATE TABLE blobs (
        collection TEXT NOT NULL,
        id         TEXT COLLATE "C" NOT NULL,
        version    BIGINT NOT NULL CHECK (version >= 1),
        body       BYTEA NOT NULL,
        PRIMARY KEY (collection, id)
    );
    "#,
    // 3: a checksum beside each document, checked on every read (filled in for the
    // documents already there by `fill_checksums`).
    r#"
    ALTER TABLE documents ADD COLUMN checksum BIGINT NOT NULL DEFAULT 0;
    "#,
];

/// The migration after which existing documents get their checksums.
const CHECKSUMS: usize = 3;

/// Computes the checksum of every document written before checksums existed.
fn fill_checksums(tx: &mut postgres::Transaction<'_>) -> Result<(), StoreError> {
    let rows = tx
        .query("SELECT collection, id, version, body FROM documents", &[])
        .map_err(map)?;
    let update = tx
        .prepare("UPDATE documents SET checksum = $3 WHERE collection = $1 AND id = $2")
        .map_err(map)?;
    for row in rows {
        let (collection, id, version, body): (String, String, i64, String) =
            (row.get(0), row.get(1), row.get(2), row.get(3));
        let sum = kis_core::store::Record::checksum(&collection, &id, version as u64, &body);
        tx.execute(&update, &[&collection, &id, &sum])
            .map_err(map)?;
    }
    Ok(())
}

/// The schema version this build writes.
pub const SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

/// Brings the schema to [`SCHEMA_VERSION`] in one transaction, under an advisory lock so
/// that servers starting together do not race.
pub(crate) fn migrate(client: &mut Client) -> Result<(), StoreError> {
    let mut tx = client.transaction().map_err(map)?;
    tx.batch_execute(
        "SELECT pg_advisory_xact_lock(7267400001);
         CREATE TABLE IF NOT EXISTS kis_schema_version (version INT NOT NULL);",
    )
    .map_err(map)?;
    let current: i32 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM kis_schema_version",
            &[],
        )
        .map_err(map)?
        .get(0);
    if current > SCHEMA_VERSION {
        return Err(corrupt(format!(
            "the database has schema version {current}, newer than this kis ({SCHEMA_VERSION}); upgrade kis"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        tx.batch_execute(sql).map_err(map)?;
        if i + 1 == CHECKSUMS {
            fill_checksums(&mut tx)?;
        }
        tx.execute(
            "INSERT INTO kis_schema_version (version) VALUES ($1)",
            &[&((i + 1) as i32)],
        )
        .map_err(map)?;
    }
    tx.commit().map_err(map)
}
