//! A transaction on one pooled connection.

use std::ops::ControlFlow;

use postgres::types::ToSql;
use rust_decimal::Decimal;

use crate::conn::PgConn;
use crate::errors::{BACKEND, corrupt};
use kis_core::store::pool::Pooled;
use kis_core::store::{
    AuditFilter, AuditRecord, Blob, BlobVisitor, DocKey, Expected, Record, StoreError, Transaction,
    TxMode, check_audit_seq, check_counter_add,
};

pub(crate) struct PgTx<'a> {
    conn: Option<Pooled<'a, PgConn>>,
    mode: TxMode,
    /// The audit head, read under its lock when a write transaction began.
    head: Option<(u64, String)>,
}

impl<'a> PgTx<'a> {
    pub(crate) fn begin(mut conn: Pooled<'a, PgConn>, mode: TxMode) -> Result<Self, StoreError> {
        // A writer queues on the audit chain's head row first. Every write ends by
        // appending to the chain anyway, so writers are serialised there regardless;
        // taking the lock at the start means each one reads what the previous committed
        // (READ COMMITTED), wastes no work on a lost race, and the FIFO lock queue is
        // fair under load. The head read here serves the append. Reads get one
        // consistent snapshot and never wait.
        let begun = match mode {
            TxMode::Write => conn
                .with(|c| {
                    c.simple_query(
                        "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT seq, hash FROM audit_head FOR UPDATE",
                    )
                })
                .map(|messages| {
                    messages.into_iter().find_map(|m| match m {
                        postgres::SimpleQueryMessage::Row(row) => {
                            let seq = row.get(0).and_then(|v| v.parse::<u64>().ok())?;
                            Some((seq, row.get(1).unwrap_or_default().to_string()))
                        }
                        _ => None,
                    })
                }),
            TxMode::Read => conn
                .batch("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .map(|()| None),
        };
        match begun {
            Ok(head) => Ok(PgTx {
                conn: Some(conn),
                mode,
                head,
            }),
            Err(e) => {
                conn.discard();
                Err(e)
            }
        }
    }

    fn conn(&mut self) -> &mut PgConn {
        self.conn
            .as_mut()
            .expect("connection held until commit or drop")
    }

    fn writable(&self) -> Result<(), StoreError> {
        match self.mode {
            TxMode::Write => Ok(()),
            TxMode::Read => Err(StoreError::ReadOnly),
        }
    }

    fn query_opt(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<postgres::Row>, StoreError> {
        self.conn().query_opt(sql, params)
    }

    fn execute(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<u64, StoreError> {
        self.conn().execute(sql, params)
    }

    fn version_of(&mut self, collection: &str, id: &str) -> Result<Option<u64>, StoreError> {
        Ok(self
            .query_opt(
                "SELECT version FROM documents WHERE collection = $1 AND id = $2",
                &[&collection, &id],
            )?
            .map(|r| r.get::<_, i64>(0) as u64))
    }
}

impl Transaction for PgTx<'_> {
    fn get(&mut self, collection: &str, id: &str) -> Result<Option<Record>, StoreError> {
        self.query_opt(
            "SELECT version, body, checksum FROM documents WHERE collection = $1 AND id = $2",
            &[&collection, &id],
        )?
        .map(|r| {
            let record = Record {
                id: id.to_string(),
                version: r.get::<_, i64>(0) as u64,
                body: r.get(1),
            };
            Record::checked(BACKEND, collection, record, r.get(2))
        })
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
        // One conditional statement each: PostgreSQL re-checks the condition after waiting
        // for a concurrent writer's row lock, so two writers of one version never both win.
        let next = expected.as_option().unwrap_or(0) + 1;
        let sum = Record::checksum(collection, id, next, body);
        let written = match expected {
            Expected::Absent => self.execute(
                "INSERT INTO documents (collection, id, version, body, checksum) VALUES ($1, $2, 1, $3, $4)
                 ON CONFLICT (collection, id) DO NOTHING",
                &[&collection, &id, &body, &sum],
            )?,
            Expected::Version(v) => self.execute(
                "UPDATE documents SET version = version + 1, body = $4, checksum = $5
                 WHERE collection = $1 AND id = $2 AND version = $3",
                &[&collection, &id, &(v as i64), &body, &sum],
            )?,
        };
        if written == 1 {
            return Ok(next);
        }
        Err(StoreError::Conflict {
            collection: collection.to_string(),
            id: id.to_string(),
            expected: expected.as_option(),
            actual: self.version_of(collection, id)?,
        })
    }

    fn delete(&mut self, collection: &str, id: &str, expected: u64) -> Result<(), StoreError> {
        self.writable()?;
        let deleted = self.execute(
            "DELETE FROM documents WHERE collection = $1 AND id = $2 AND version = $3",
            &[&collection, &id, &(expected as i64)],
        )?;
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
        // Rows stream from the server as they are read (see `PgConn::rows`).
        self.conn().rows(
            "SELECT id, version, body, checksum FROM documents WHERE collection = $1 AND id >= $2 ORDER BY id",
            &[&collection, &prefix],
            &mut |row| {
                let id: String = row.get(0);
                if !id.starts_with(prefix) {
                    return Ok(ControlFlow::Break(()));
                }
                let record = Record {
                    id,
                    version: row.get::<_, i64>(1) as u64,
                    body: row.get(2),
                };
                Ok(visit(Record::checked(BACKEND, collection, record, row.get(3))?))
            },
        )
    }

    fn blob_floor(&mut self, collection: &str, id: &str) -> Result<Option<Blob>, StoreError> {
        Ok(self
            .query_opt(
                "SELECT id, version, body FROM blobs WHERE collection = $1 AND id <= $2
                 ORDER BY id DESC LIMIT 1",
                &[&collection, &id],
            )?
            .map(|r| Blob {
                id: r.get(0),
                version: r.get::<_, i64>(1) as u64,
                bytes: r.get(2),
            }))
    }

    fn blob_put(
        &mut self,
        collection: &str,
        id: &str,
        bytes: &[u8],
        expected: Expected,
    ) -> Result<u64, StoreError> {
        self.writable()?;
        // Conditional statements, as for documents: a concurrent writer never both wins.
        let written = match expected {
            Expected::Absent => self.execute(
                "INSERT INTO blobs (collection, id, version, body) VALUES ($1, $2, 1, $3)
                 ON CONFLICT (collection, id) DO NOTHING",
                &[&collection, &id, &bytes],
            )?,
            Expected::Version(v) => self.execute(
                "UPDATE blobs SET version = version + 1, body = $4
                 WHERE collection = $1 AND id = $2 AND version = $3",
                &[&collection, &id, &(v as i64), &bytes],
            )?,
        };
        if written == 1 {
            return Ok(expected.as_option().unwrap_or(0) + 1);
        }
        let actual = self
            .query_opt(
                "SELECT version FROM blobs WHERE collection = $1 AND id = $2",
                &[&collection, &id],
            )?
            .map(|r| r.get::<_, i64>(0) as u64);
        Err(StoreError::Conflict {
            collection: collection.to_string(),
            id: id.to_string(),
            expected: expected.as_option(),
            actual,
        })
    }

    fn blob_scan(
        &mut self,
        collection: &str,
        from: &str,
        until: &str,
        visit: &mut BlobVisitor<'_>,
    ) -> Result<(), StoreError> {
        self.conn().rows(
            "SELECT id, version, body FROM blobs WHERE collection = $1 AND id >= $2 AND id < $3
             ORDER BY id",
            &[&collection, &from, &until],
            &mut |row| {
                let id: &str = row.get(0);
                let bytes: &[u8] = row.get(2);
                Ok(visit(id, row.get::<_, i64>(1) as u64, bytes))
            },
        )
    }

    fn counter_get(&mut self, key: &str) -> Result<Decimal, StoreError> {
        Ok(self
            .query_opt("SELECT value FROM counters WHERE key = $1", &[&key])?
            .map_or(Decimal::ZERO, |r| r.get(0)))
    }

    fn counter_add(
        &mut self,
        key: &str,
        delta: Decimal,
        ceiling: Option<Decimal>,
    ) -> Result<Decimal, StoreError> {
        self.writable()?;
        // The row lock makes concurrent reservations on one counter take turns; each sees
        // the value the previous one committed. A new counter is created, then locked.
        let locked = "SELECT value FROM counters WHERE key = $1 FOR UPDATE";
        let current: Decimal = match self.query_opt(locked, &[&key])? {
            Some(row) => row.get(0),
            None => {
                self.execute(
                    "INSERT INTO counters (key, value) VALUES ($1, 0) ON CONFLICT (key) DO NOTHING",
                    &[&key],
                )?;
                self.query_opt(locked, &[&key])?
                    .map(|r| r.get(0))
                    .ok_or_else(|| corrupt(format!("counter {key:?} vanished")))?
            }
        };
        let next = check_counter_add(key, current, delta, ceiling)?;
        self.execute(
            "UPDATE counters SET value = $2 WHERE key = $1",
            &[&key, &next],
        )?;
        Ok(next)
    }

    fn audit_head(&mut self) -> Result<Option<(u64, String)>, StoreError> {
        if self.mode == TxMode::Write {
            // Read under the lock taken at BEGIN; kept current by `audit_append`.
            return Ok(self.head.clone().filter(|(seq, _)| *seq > 0));
        }
        let row = self
            .query_opt("SELECT seq, hash FROM audit_head", &[])?
            .ok_or_else(|| corrupt("audit_head row missing"))?;
        let seq = row.get::<_, i64>(0) as u64;
        Ok((seq > 0).then(|| (seq, row.get(1))))
    }

    fn audit_append(&mut self, record: &AuditRecord) -> Result<(), StoreError> {
        self.writable()?;
        let head = self.head.as_ref().map_or(0, |(seq, _)| *seq);
        check_audit_seq(head, record.seq)?;
        let seq = record.seq as i64;
        let docs = DocKey::encode_list(&record.documents);
        let collections: Vec<&str> = record
            .documents
            .iter()
            .map(|d| d.collection.as_str())
            .collect();
        let ids: Vec<&str> = record.documents.iter().map(|d| d.id.as_str()).collect();
        // The entry, its document index and the new head: one round trip.
        self.execute(
            "WITH entry AS (
                 INSERT INTO audit (seq, hash, documents, entry) VALUES ($1, $2, $3, $4) RETURNING seq
             ), refs AS (
                 INSERT INTO audit_documents (collection, id, seq)
                 SELECT DISTINCT d.c, d.i, entry.seq FROM entry, unnest($5::text[], $6::text[]) AS d (c, i)
                 ON CONFLICT DO NOTHING
             )
             UPDATE audit_head SET seq = (SELECT seq FROM entry), hash = $2",
            &[&seq, &record.hash, &docs, &record.entry, &collections, &ids],
        )?;
        self.head = Some((record.seq, record.hash.clone()));
        Ok(())
    }

    fn audit_scan(
        &mut self,
        filter: &AuditFilter,
        visit: &mut dyn FnMut(AuditRecord) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        let from = filter.from_seq as i64;
        let mut each = |row: &postgres::Row| {
            let seq = row.get::<_, i64>(0) as u64;
            let docs: String = row.get(2);
            let record = AuditRecord {
                seq,
                hash: row.get(1),
                documents: DocKey::decode_list(&docs)
                    .ok_or_else(|| corrupt(format!("audit {seq}: bad document list")))?,
                entry: row.get(3),
            };
            Ok(visit(record))
        };
        match &filter.document {
            None => self.conn().rows(
                "SELECT seq, hash, documents, entry FROM audit WHERE seq >= $1 ORDER BY seq",
                &[&from],
                &mut each,
            ),
            Some(d) => self.conn().rows(
                "SELECT a.seq, a.hash, a.documents, a.entry FROM audit_documents d
                 JOIN audit a ON a.seq = d.seq
                 WHERE d.seq >= $1 AND d.collection = $2 AND d.id = $3 ORDER BY d.seq",
                &[&from, &d.collection, &d.id],
                &mut each,
            ),
        }
    }

    fn commit(mut self: Box<Self>) -> Result<(), StoreError> {
        let mut conn = self.conn.take().expect("connection held until commit");
        match conn.batch("COMMIT") {
            Ok(()) => Ok(()),
            Err(e) => {
                conn.discard();
                Err(e)
            }
        }
    }
}

impl Drop for PgTx<'_> {
    fn drop(&mut self) {
        if let Some(mut conn) = self.conn.take()
            && conn.batch("ROLLBACK").is_err()
        {
            // A connection that cannot roll back is in an unknown state: do not reuse it.
            conn.discard();
        }
    }
}
