//! A store that fails the first attempt of every command after the command has done all
//! its work (#16: a command computes everything before it commits).
//!
//! It wraps a real store (SQLite). On the first write transaction of a command it notes
//! a fingerprint of the stored data (every collection's documents, the fact segments, the
//! audit head), lets the command run, and fails its audit append with a retryable
//! `Unavailable`, after the command's own writes and before anything commits. The engine
//! rolls back and runs the command again; that second attempt first checks that the
//! fingerprint is what it was: the failed attempt wrote nothing. A mismatch panics, so
//! the scenario test running on this backend fails and names it.

use std::cell::RefCell;
use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use kis::store::{
    AuditFilter, AuditRecord, Blob, BlobVisitor, Expected, Record, Store, StoreError, Transaction,
    TxMode,
};
use rust_decimal::Decimal;

/// Every collection kis-core writes.
const COLLECTIONS: &[&str] = &[
    "approval_queue",
    "budgets",
    "complaints",
    "contract_changes",
    "contracts",
    "customers",
    "delegations",
    "expense_claims",
    "idempotency",
    "kpi_targets",
    "leads",
    "orders",
    "policy_versions",
    "price_exceptions",
    "products",
    "quotes",
    "ratings",
    "receipts",
    "sales_facts",
    "surveys",
    "teams",
    "users",
    "visits",
];

/// The wrapper store.
pub struct Flaky {
    inner: Arc<dyn Store>,
    commits: Arc<AtomicU64>,
    injected: Arc<AtomicU64>,
}

thread_local! {
    /// On this thread, the audit head and the fingerprint before the attempt that was
    /// failed on purpose.
    static PENDING: RefCell<Option<(Head, String)>> = const { RefCell::new(None) };
}

impl Flaky {
    /// Wraps `inner`.
    pub fn new(inner: Arc<dyn Store>) -> Self {
        Flaky {
            inner,
            commits: Arc::new(AtomicU64::new(0)),
            injected: Arc::new(AtomicU64::new(0)),
        }
    }
}

/// The audit chain's head: every command that commits moves it.
type Head = Option<(u64, String)>;

/// The stored data, as one string to compare (small stores only: it is a test).
fn fingerprint(tx: &mut dyn Transaction) -> Result<String, StoreError> {
    let mut out = String::new();
    for c in COLLECTIONS {
        tx.scan(c, "", &mut |r| {
            out.push_str(&format!("{c}/{}@{}={}\n", r.id, r.version, r.body));
            ControlFlow::Continue(())
        })?;
    }
    tx.blob_scan("fact_segments", "", "\u{10FFFF}", &mut |id, v, bytes| {
        out.push_str(&format!("seg/{id}@{v}={}\n", bytes.len()));
        ControlFlow::Continue(())
    })?;
    out.push_str(&format!("head={:?}", tx.audit_head()?));
    Ok(out)
}

impl Flaky {
    /// How many attempts were failed on purpose (each then retried and checked).
    pub fn injected(&self) -> u64 {
        self.injected.load(Ordering::SeqCst)
    }
}

impl Store for Flaky {
    fn backend(&self) -> &'static str {
        self.inner.backend()
    }

    fn begin(&self, mode: TxMode) -> Result<Box<dyn Transaction + '_>, StoreError> {
        let mut tx = self.inner.begin(mode)?;
        let mut fail = false;
        if mode == TxMode::Write {
            let head = tx.audit_head()?;
            let now = fingerprint(tx.as_mut())?;
            match PENDING.with(|p| p.borrow_mut().take()) {
                // The retry of a failed attempt: nothing may have changed, unless another
                // command committed in between (the head moved).
                Some((then, before)) => {
                    if then == head {
                        assert_eq!(before, now, "a failed attempt left writes behind");
                    }
                }
                None => {
                    PENDING.with(|p| *p.borrow_mut() = Some((head, now)));
                    fail = true;
                }
            }
        }
        Ok(Box::new(FlakyTx {
            inner: Some(tx),
            fail,
            commits: Arc::clone(&self.commits),
            injected: Arc::clone(&self.injected),
        }))
    }
}

struct FlakyTx<'a> {
    inner: Option<Box<dyn Transaction + 'a>>,
    /// This attempt fails at its audit append.
    fail: bool,
    commits: Arc<AtomicU64>,
    injected: Arc<AtomicU64>,
}

impl FlakyTx<'_> {
    fn tx(&mut self) -> &mut dyn Transaction {
        self.inner.as_deref_mut().expect("open until commit")
    }
}

impl Drop for FlakyTx<'_> {
    fn drop(&mut self) {
        // An attempt meant to fail that never reached its append (a domain error, or a
        // write without an audit entry) has nothing to retry: forget it.
        if self.fail {
            PENDING.with(|p| *p.borrow_mut() = None);
        }
    }
}

impl Transaction for FlakyTx<'_> {
    fn get(&mut self, c: &str, id: &str) -> Result<Option<Record>, StoreError> {
        self.tx().get(c, id)
    }
    fn put(&mut self, c: &str, id: &str, body: &str, e: Expected) -> Result<u64, StoreError> {
        self.tx().put(c, id, body, e)
    }
    fn delete(&mut self, c: &str, id: &str, expected: u64) -> Result<(), StoreError> {
        self.tx().delete(c, id, expected)
    }
    fn scan(
        &mut self,
        c: &str,
        prefix: &str,
        visit: &mut dyn FnMut(Record) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        self.tx().scan(c, prefix, visit)
    }
    fn blob_floor(&mut self, c: &str, id: &str) -> Result<Option<Blob>, StoreError> {
        self.tx().blob_floor(c, id)
    }
    fn blob_put(&mut self, c: &str, id: &str, b: &[u8], e: Expected) -> Result<u64, StoreError> {
        self.tx().blob_put(c, id, b, e)
    }
    fn blob_scan(
        &mut self,
        c: &str,
        from: &str,
        until: &str,
        visit: &mut BlobVisitor<'_>,
    ) -> Result<(), StoreError> {
        self.tx().blob_scan(c, from, until, visit)
    }
    fn counter_get(&mut self, key: &str) -> Result<Decimal, StoreError> {
        self.tx().counter_get(key)
    }
    fn counter_add(
        &mut self,
        key: &str,
        delta: Decimal,
        ceiling: Option<Decimal>,
    ) -> Result<Decimal, StoreError> {
        self.tx().counter_add(key, delta, ceiling)
    }
    fn audit_head(&mut self) -> Result<Option<(u64, String)>, StoreError> {
        self.tx().audit_head()
    }
    fn audit_append(&mut self, record: &AuditRecord) -> Result<(), StoreError> {
        if self.fail {
            // Keep PENDING for the retry to check; this attempt is rolled back.
            self.fail = false;
            self.injected.fetch_add(1, Ordering::SeqCst);
            return Err(StoreError::Unavailable {
                backend: "flaky",
                message: "injected after the command's writes".into(),
            });
        }
        self.tx().audit_append(record)
    }
    fn audit_scan(
        &mut self,
        filter: &AuditFilter,
        visit: &mut dyn FnMut(AuditRecord) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        self.tx().audit_scan(filter, visit)
    }
    fn commit(mut self: Box<Self>) -> Result<(), StoreError> {
        let tx = self.inner.take().expect("open until commit");
        tx.commit()?;
        self.commits.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}
