//! A transaction on one pooled connection.

use std::ops::ControlFlow;
use std::str::FromStr;

use rusqlite::{OptionalExtension, params};
use rust_decimal::Decimal;

use crate::errors::{BACKEND, corrupt, map};
use kis_core::store::pool::Pooled;
use kis_core::store::{
    AuditFilter, AuditRecord, Blob, BlobVisitor, DocKey, Expected, Record, StoreError, Transaction,
    TxMode, check_audit_seq, check_counter_add, check_expected,
};

pub(crate) struct SqliteTx<'a> {
    conn: Pooled<'a, rusqlite::Connection>,
    mode: TxMode,
    open: bool,
    /// This process's writer turn, held until the transaction ends (dropped after the
    /// connection's COMMIT or ROLLBACK, as fields drop after `Drop::drop`).
    _turn: Option<std::sync::MutexGuard<'a, ()>>,
}

impl<'a> SqliteTx<'a> {
    pub(crate) fn begin(
        conn: Pooled<'a, rusqlite::Connection>,
        mode: TxMode,
        turn: Option<std::sync::MutexGuard<'a, ()>>,
    ) -> Result<Self, StoreError> {
        // IMMEDIATE takes the write lock now, so a write transaction never fails later on
        // a lock upgrade (which DEFERRED does under contention, despite busy_timeout).
        let sql = match mode {
            TxMode::Read => "BEGIN DEFERRED",
            TxMode::Write => "BEGIN IMMEDIATE",
        };
        conn.prepare_cached(sql)
            .and_then(|mut s| s.execute([]))
            .map_err(map)?;
        Ok(SqliteTx {
            conn,
            mode,
            open: true,
            _turn: turn,
        })
    }

    fn writable(&self) -> Result<(), StoreError> {
        match self.mode {
            TxMode::Write => Ok(()),
            TxMode::Read => Err(StoreError::ReadOnly),
        }
    }

    fn version_of(&self, collection: &str, id: &str) -> Result<Option<u64>, StoreError> {
        self.conn
            .prepare_cached("SELECT version FROM documents WHERE collection = ?1 AND id = ?2")
            .map_err(map)?
            .query_row(params![collection, id], |r| r.get::<_, i64>(0))
            .optional()
            .map_err(map)
            .map(|v| v.map(|v| v as u64))
    }
}

fn decode_docs(text: &str, seq: u64) -> Result<Vec<DocKey>, StoreError> {
    DocKey::decode_list(text).ok_or_else(|| corrupt(format!("audit {seq}: bad document list")))
}

impl Transaction for SqliteTx<'_> {
    fn get(&mut self, collection: &str, id: &str) -> Result<Option<Record>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT version, body, checksum FROM documents WHERE collection = ?1 AND id = ?2",
            )
            .map_err(map)?
            .query_row(params![collection, id], |r| {
                let record = Record {
                    id: id.to_string(),
                    version: r.get::<_, i64>(0)? as u64,
                    body: r.get(1)?,
                };
                Ok((record, r.get::<_, i64>(2)?))
            })
            .optional()
            .map_err(map)?
            .map(|(record, sum)| Record::checked(BACKEND, collection, record, sum))
            .transpose()
    }

    fn put(
        &mut self,
        collection: &str,
        id: &str,
        body: &str,
        expected: Expected,
    ) -> Result<u64, StoreError> {
        self.writable()?;
        let version = check_expected(collection, id, expected, self.version_of(collection, id)?)?;
        self.conn
            .prepare_cached(
                "INSERT INTO documents (collection, id, version, body, checksum) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (collection, id) DO UPDATE
                 SET version = excluded.version, body = excluded.body, checksum = excluded.checksum",
            )
            .map_err(map)?
            .execute(params![
                collection,
                id,
                version as i64,
                body,
                Record::checksum(collection, id, version, body)
            ])
            .map_err(map)?;
        Ok(version)
    }

    fn delete(&mut self, collection: &str, id: &str, expected: u64) -> Result<(), StoreError> {
        self.writable()?;
        let deleted = self
            .conn
            .prepare_cached(
                "DELETE FROM documents WHERE collection = ?1 AND id = ?2 AND version = ?3",
            )
            .map_err(map)?
            .execute(params![collection, id, expected as i64])
            .map_err(map)?;
        if deleted == 1 {
            return Ok(());
        }
        Err(StoreError::Conflict {
            collection: collection.to_string(),
            id: id.to_string(),
            expected: Some(expected),
            actual: self.version_of(collection, id)?,
        })
    }

    fn scan(
        &mut self,
        collection: &str,
        prefix: &str,
        visit: &mut dyn FnMut(Record) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        // Ids with the prefix are contiguous in byte order, starting at the prefix itself.
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, version, body, checksum FROM documents WHERE collection = ?1 AND id >= ?2 ORDER BY id",
            )
            .map_err(map)?;
        let mut rows = stmt.query(params![collection, prefix]).map_err(map)?;
        while let Some(row) = rows.next().map_err(map)? {
            let id: String = row.get(0).map_err(map)?;
            if !id.starts_with(prefix) {
                break;
            }
            let record = Record {
                id,
                version: row.get::<_, i64>(1).map_err(map)? as u64,
                body: row.get(2).map_err(map)?,
            };
            let record = Record::checked(BACKEND, collection, record, row.get(3).map_err(map)?)?;
            if visit(record).is_break() {
                break;
            }
        }
        Ok(())
    }

    fn blob_floor(&mut self, collection: &str, id: &str) -> Result<Option<Blob>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT id, version, body FROM blobs WHERE collection = ?1 AND id <= ?2
                 ORDER BY id DESC LIMIT 1",
            )
            .map_err(map)?
            .query_row(params![collection, id], |r| {
                Ok(Blob {
                    id: r.get(0)?,
                    version: r.get::<_, i64>(1)? as u64,
                    bytes: r.get(2)?,
                })
            })
            .optional()
            .map_err(map)
    }

    fn blob_put(
        &mut self,
        collection: &str,
        id: &str,
        bytes: &[u8],
        expected: Expected,
    ) -> Result<u64, StoreError> {
        self.writable()?;
        let actual = self
            .conn
            .prepare_cached("SELECT version FROM blobs WHERE collection = ?1 AND id = ?2")
            .map_err(map)?
            .query_row(params![collection, id], |r| r.get::<_, i64>(0))
            .optional()
            .map_err(map)?
            .map(|v| v as u64);
        let version = check_expected(collection, id, expected, actual)?;
        self.conn
            .prepare_cached(
                "INSERT INTO blobs (collection, id, version, body) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (collection, id) DO UPDATE SET version = excluded.version, body = excluded.body",
            )
            .map_err(map)?
            .execute(params![collection, id, version as i64, bytes])
            .map_err(map)?;
        Ok(version)
    }

    fn blob_scan(
        &mut self,
        collection: &str,
        from: &str,
        until: &str,
        visit: &mut BlobVisitor<'_>,
    ) -> Result<(), StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, version, body FROM blobs WHERE collection = ?1 AND id >= ?2 AND id < ?3
                 ORDER BY id",
            )
            .map_err(map)?;
        let mut rows = stmt.query(params![collection, from, until]).map_err(map)?;
        while let Some(row) = rows.next().map_err(map)? {
            let typed = |e: rusqlite::types::FromSqlError| corrupt(format!("blobs: {e}"));
            let id = row.get_ref(0).map_err(map)?.as_str().map_err(typed)?;
            let version = row.get::<_, i64>(1).map_err(map)? as u64;
            let bytes = row.get_ref(2).map_err(map)?.as_blob().map_err(typed)?;
            if visit(id, version, bytes).is_break() {
                break;
            }
        }
        Ok(())
    }

    fn counter_get(&mut self, key: &str) -> Result<Decimal, StoreError> {
        let text: Option<String> = self
            .conn
            .prepare_cached("SELECT value FROM counters WHERE key = ?1")
            .map_err(map)?
            .query_row(params![key], |r| r.get(0))
            .optional()
            .map_err(map)?;
        match text {
            None => Ok(Decimal::ZERO),
            Some(t) => {
                Decimal::from_str(&t).map_err(|_| corrupt(format!("counter {key:?} holds {t:?}")))
            }
        }
    }

    fn counter_add(
        &mut self,
        key: &str,
        delta: Decimal,
        ceiling: Option<Decimal>,
    ) -> Result<Decimal, StoreError> {
        self.writable()?;
        // Safe as read-then-write: BEGIN IMMEDIATE holds the database's write lock.
        let current = self.counter_get(key)?;
        let next = check_counter_add(key, current, delta, ceiling)?;
        self.conn
            .prepare_cached(
                "INSERT INTO counters (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .map_err(map)?
            .execute(params![key, next.to_string()])
            .map_err(map)?;
        Ok(next)
    }

    fn audit_head(&mut self) -> Result<Option<(u64, String)>, StoreError> {
        self.conn
            .prepare_cached("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
            .map_err(map)?
            .query_row([], |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)))
            .optional()
            .map_err(map)
    }

    fn audit_append(&mut self, record: &AuditRecord) -> Result<(), StoreError> {
        self.writable()?;
        let head = self.audit_head()?.map_or(0, |(seq, _)| seq);
        check_audit_seq(head, record.seq)?;
        self.conn
            .prepare_cached(
                "INSERT INTO audit (seq, hash, documents, entry) VALUES (?1, ?2, ?3, ?4)",
            )
            .map_err(map)?
            .execute(params![
                record.seq as i64,
                record.hash,
                DocKey::encode_list(&record.documents),
                record.entry
            ])
            .map_err(map)?;
        let mut stmt = self
            .conn
            .prepare_cached(
                "INSERT OR IGNORE INTO audit_documents (collection, id, seq) VALUES (?1, ?2, ?3)",
            )
            .map_err(map)?;
        for doc in &record.documents {
            stmt.execute(params![doc.collection, doc.id, record.seq as i64])
                .map_err(map)?;
        }
        Ok(())
    }

    fn audit_scan(
        &mut self,
        filter: &AuditFilter,
        visit: &mut dyn FnMut(AuditRecord) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        let (sql, doc) = match &filter.document {
            None => (
                "SELECT seq, hash, documents, entry FROM audit WHERE seq >= ?1 ORDER BY seq",
                None,
            ),
            Some(d) => (
                "SELECT a.seq, a.hash, a.documents, a.entry FROM audit_documents d
                 JOIN audit a ON a.seq = d.seq
                 WHERE d.seq >= ?1 AND d.collection = ?2 AND d.id = ?3 ORDER BY d.seq",
                Some(d),
            ),
        };
        let mut stmt = self.conn.prepare_cached(sql).map_err(map)?;
        let from = filter.from_seq as i64;
        let mut rows = match doc {
            None => stmt.query(params![from]),
            Some(d) => stmt.query(params![from, d.collection, d.id]),
        }
        .map_err(map)?;
        while let Some(row) = rows.next().map_err(map)? {
            let seq = row.get::<_, i64>(0).map_err(map)? as u64;
            let docs: String = row.get(2).map_err(map)?;
            let record = AuditRecord {
                seq,
                hash: row.get(1).map_err(map)?,
                documents: decode_docs(&docs, seq)?,
                entry: row.get(3).map_err(map)?,
            };
            if visit(record).is_break() {
                break;
            }
        }
        Ok(())
    }

    fn commit(mut self: Box<Self>) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("COMMIT")
            .and_then(|mut s| s.execute([]))
            .map_err(map)?;
        self.open = false;
        Ok(())
    }
}

impl Drop for SqliteTx<'_> {
    fn drop(&mut self) {
        if self.open {
            // Nothing to report to: the caller already has the error that led here.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}
