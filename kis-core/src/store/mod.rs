//! The storage contract every backend implements, and the in-memory backend.
//!
//! The domain stores its records as JSON documents in named collections, each with a
//! version for optimistic concurrency; decimal counters with atomic conditional updates
//! (budget reservations); binary documents ([`Blob`]) for data kept in the domain's own
//! compact format (sales fact segments); and an append-only audit log. Backends:
//! [`MemoryStore`] here, `SqliteStore` (kis-sqlite), `PostgresStore` (kis-postgres). The
//! contract suite in `store::contract` (feature `contract-tests`) runs against each.
//!
//! The trait is synchronous and object-safe, so that an engine can hold any backend as
//! `Arc<dyn Store>` chosen at run time (a file path or a connection string).

mod memory;
pub mod pool;
mod record;

#[cfg(any(test, feature = "contract-tests"))]
pub mod contract;

use std::ops::ControlFlow;

use rust_decimal::Decimal;

pub use memory::MemoryStore;
pub use record::{AuditFilter, AuditRecord, Blob, DocKey, Expected, Record};

/// What [`Transaction::blob_scan`] calls for each binary document: its id, version and
/// bytes, lent for the call; `Break` stops the scan.
pub type BlobVisitor<'v> = dyn FnMut(&str, u64, &[u8]) -> ControlFlow<()> + 'v;

/// Whether a transaction only reads or also writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxMode {
    /// Reads only; never blocks writers on backends that can avoid it.
    Read,
    /// Reads and writes; takes the write lock at the start (SQLite `BEGIN IMMEDIATE`), so
    /// that a transaction never fails half-way for lock reasons.
    Write,
}

/// A storage backend: documents with versions, atomic counters, and the append-only
/// audit records, in transactions. kis ships [`MemoryStore`], `SqliteStore` and
/// `PostgresStore`; each runs the same contract suite (`store_contract_tests!`).
///
/// ```
/// use kis_core::store::{self, Expected, StoreError};
/// use kis_core::{MemoryStore, Store};
///
/// let db = MemoryStore::new();
/// let v1 = store::write(&db, |tx| tx.put("notes", "n-1", "{}", Expected::Absent))?;
/// assert_eq!(v1, 1);
/// // A write that expects an older version changes nothing: reload and decide again.
/// let stale = store::write(&db, |tx| tx.put("notes", "n-1", "{}", Expected::Absent));
/// assert!(matches!(stale, Err(StoreError::Conflict { .. })));
/// let record = store::read(&db, |tx| tx.get("notes", "n-1"))?.expect("stored");
/// assert_eq!(record.version, 1);
/// # Ok::<(), StoreError>(())
/// ```
pub trait Store: Send + Sync {
    /// A short name of the backend (`memory`, `sqlite`, `postgres`).
    fn backend(&self) -> &'static str;

    /// Starts a transaction. Dropping it without [`Transaction::commit`] rolls it back.
    fn begin(&self, mode: TxMode) -> Result<Box<dyn Transaction + '_>, StoreError>;
}

/// One atomic unit of work on a store.
pub trait Transaction {
    /// The document `id` of `collection`, if any.
    fn get(&mut self, collection: &str, id: &str) -> Result<Option<Record>, StoreError>;

    /// Writes a document if its current version is as `expected`, and returns the new
    /// version (1 for a new document). A stale `expected` is [`StoreError::Conflict`]
    /// and writes nothing.
    fn put(
        &mut self,
        collection: &str,
        id: &str,
        body: &str,
        expected: Expected,
    ) -> Result<u64, StoreError>;

    /// Removes a document that is at version `expected` (else `Conflict`). For index-like
    /// collections (an approval queue); domain records are never deleted, and the audit
    /// trail keeps what a deleted document held.
    fn delete(&mut self, collection: &str, id: &str, expected: u64) -> Result<(), StoreError>;

    /// Visits, in ascending id order (byte order), the documents of `collection` whose id
    /// starts with `prefix`, one at a time (the backend streams; it does not load all).
    fn scan(
        &mut self,
        collection: &str,
        prefix: &str,
        visit: &mut dyn FnMut(Record) -> ControlFlow<()>,
    ) -> Result<(), StoreError>;

    /// The binary document of `collection` with the greatest id that is `<= id` (byte
    /// order), if any: the segment a key falls into when segments are keyed by their
    /// lower bound.
    fn blob_floor(&mut self, collection: &str, id: &str) -> Result<Option<Blob>, StoreError>;

    /// Writes a binary document if its current version is as `expected`, and returns the
    /// new version (1 for a new one); a stale `expected` is [`StoreError::Conflict`].
    /// Binary documents live apart from JSON documents: the same id may be both.
    fn blob_put(
        &mut self,
        collection: &str,
        id: &str,
        bytes: &[u8],
        expected: Expected,
    ) -> Result<u64, StoreError>;

    /// Visits, in ascending id order, the binary documents of `collection` whose id is
    /// in `from..until`, lending each one's id, version and bytes (nothing is copied for
    /// a visitor that only reads).
    fn blob_scan(
        &mut self,
        collection: &str,
        from: &str,
        until: &str,
        visit: &mut BlobVisitor<'_>,
    ) -> Result<(), StoreError>;

    /// The value of a decimal counter (zero if it was never written).
    fn counter_get(&mut self, key: &str) -> Result<Decimal, StoreError>;

    /// Adds `delta` to a counter as one atomic step and returns the new value. If the
    /// result would exceed `ceiling`, or go below zero, nothing changes and the error is
    /// [`StoreError::LimitExceeded`]. Two transactions racing can never both pass a check
    /// that only one of them fits under.
    fn counter_add(
        &mut self,
        key: &str,
        delta: Decimal,
        ceiling: Option<Decimal>,
    ) -> Result<Decimal, StoreError>;

    /// The sequence number and hash of the last audit record, if any.
    fn audit_head(&mut self) -> Result<Option<(u64, String)>, StoreError>;

    /// Appends an audit record; its `seq` must be the head's plus one (else `Conflict`).
    /// Audit records are never updated or deleted.
    fn audit_append(&mut self, record: &AuditRecord) -> Result<(), StoreError>;

    /// Visits audit records matching `filter` in ascending sequence order.
    fn audit_scan(
        &mut self,
        filter: &AuditFilter,
        visit: &mut dyn FnMut(AuditRecord) -> ControlFlow<()>,
    ) -> Result<(), StoreError>;

    /// Makes every write of the transaction durable and visible, atomically.
    fn commit(self: Box<Self>) -> Result<(), StoreError>;
}

/// Runs `work` in a write transaction and commits it if `work` succeeds; on error the
/// transaction is rolled back and nothing is written.
pub fn write<R, E: From<StoreError>>(
    store: &dyn Store,
    work: impl FnOnce(&mut dyn Transaction) -> Result<R, E>,
) -> Result<R, E> {
    let mut tx = store.begin(TxMode::Write)?;
    let result = work(tx.as_mut())?;
    tx.commit()?;
    Ok(result)
}

/// Runs `work` in a read transaction.
pub fn read<R, E: From<StoreError>>(
    store: &dyn Store,
    work: impl FnOnce(&mut dyn Transaction) -> Result<R, E>,
) -> Result<R, E> {
    let mut tx = store.begin(TxMode::Read)?;
    work(tx.as_mut())
}

/// What a store can refuse or fail with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The document changed since it was read (or exists when it should not): reload it
    /// and decide again.
    #[error(
        "conflict on {collection}/{id}: expected {}, found {}; reload and retry",
        version_text(*expected),
        version_text(*actual)
    )]
    Conflict {
        /// The collection.
        collection: String,
        /// The document id.
        id: String,
        /// The version the writer expected (`None`: expected no document).
        expected: Option<u64>,
        /// The version found (`None`: no document).
        actual: Option<u64>,
    },
    /// A conditional counter update would pass its limit; nothing was changed.
    #[error(
        "limit exceeded on {key}: {current} + {delta} would pass {}",
        limit_text(ceiling)
    )]
    LimitExceeded {
        /// The counter.
        key: String,
        /// Its value before the attempt.
        current: Decimal,
        /// The change attempted.
        delta: Decimal,
        /// The ceiling (`None`: the floor of zero was crossed).
        ceiling: Option<Decimal>,
    },
    /// A write was attempted in a read transaction.
    #[error("write attempted in a read-only transaction")]
    ReadOnly,
    /// The backend is busy or unreachable; the operation may be retried.
    #[error("{backend} store unavailable: {message}")]
    Unavailable {
        /// Backend name.
        backend: &'static str,
        /// Details.
        message: String,
    },
    /// The stored data is not what kis wrote (a schema from a newer version, bad JSON).
    #[error("{backend} store data is corrupt or from an unknown version: {message}")]
    Corrupt {
        /// Backend name.
        backend: &'static str,
        /// Details.
        message: String,
    },
    /// Any other backend failure.
    #[error("{backend} store error: {message}")]
    Backend {
        /// Backend name.
        backend: &'static str,
        /// Details.
        message: String,
    },
}

fn version_text(v: Option<u64>) -> String {
    match v {
        Some(v) => format!("version {v}"),
        None => "no document".to_string(),
    }
}

fn limit_text(ceiling: &Option<Decimal>) -> String {
    match ceiling {
        Some(c) => format!("the ceiling {c}"),
        None => "zero".to_string(),
    }
}

/// The check every backend applies before a versioned write, in one place: the version
/// found must be the one expected. Returns the version to write.
pub fn check_expected(
    collection: &str,
    id: &str,
    expected: Expected,
    actual: Option<u64>,
) -> Result<u64, StoreError> {
    if actual != expected.as_option() {
        return Err(StoreError::Conflict {
            collection: collection.to_string(),
            id: id.to_string(),
            expected: expected.as_option(),
            actual,
        });
    }
    Ok(actual.unwrap_or(0).saturating_add(1))
}

/// Refuses an audit record that does not follow the trail's head (`head`: its last
/// sequence number, 0 for an empty trail): the check every store makes before it appends,
/// so that two writers racing for one sequence number cannot both win.
pub fn check_audit_seq(head: u64, seq: u64) -> Result<(), StoreError> {
    let next = head.saturating_add(1);
    if seq != next {
        return Err(StoreError::Conflict {
            collection: "audit".to_string(),
            id: seq.to_string(),
            expected: Some(next),
            actual: Some(seq),
        });
    }
    Ok(())
}

/// The check every backend applies in `counter_add`, in one place.
pub fn check_counter_add(
    key: &str,
    current: Decimal,
    delta: Decimal,
    ceiling: Option<Decimal>,
) -> Result<Decimal, StoreError> {
    let exceeded = |ceiling| StoreError::LimitExceeded {
        key: key.to_string(),
        current,
        delta,
        ceiling,
    };
    let next = current
        .checked_add(delta)
        .ok_or_else(|| exceeded(ceiling))?;
    if next < Decimal::ZERO {
        return Err(exceeded(None));
    }
    match ceiling {
        Some(c) if delta > Decimal::ZERO && next > c => Err(exceeded(Some(c))),
        _ => Ok(next),
    }
}
