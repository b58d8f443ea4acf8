//! The in-memory store: the reference implementation of the contract, and what unit
//! tests and pure "what if" analyses use. Transactions are serialised by a mutex and
//! rolled back with an undo log, so a failed command leaves no trace.

use std::collections::{BTreeMap, HashMap};
use std::ops::ControlFlow;
use std::sync::{Mutex, MutexGuard};

use rust_decimal::Decimal;

use super::{
    AuditFilter, AuditRecord, Blob, BlobVisitor, Expected, Record, Store, StoreError, Transaction,
    TxMode, check_audit_seq, check_counter_add, check_expected,
};

#[derive(Default)]
struct State {
    docs: BTreeMap<(String, String), (u64, String)>,
    blobs: BTreeMap<(String, String), (u64, Vec<u8>)>,
    counters: HashMap<String, Decimal>,
    audit: Vec<AuditRecord>,
}

/// A store that keeps everything in memory; nothing survives the process.
#[derive(Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

impl MemoryStore {
    /// An empty in-memory store.
    pub fn new() -> Self {
        MemoryStore::default()
    }
}

impl Store for MemoryStore {
    fn backend(&self) -> &'static str {
        "memory"
    }

    fn begin(&self, mode: TxMode) -> Result<Box<dyn Transaction + '_>, StoreError> {
        // A panic inside an earlier transaction was already undone by its Drop.
        let guard = self.state.lock().unwrap_or_else(|p| p.into_inner());
        Ok(Box::new(MemoryTx {
            state: guard,
            mode,
            undo: Vec::new(),
        }))
    }
}

enum Undo {
    Doc((String, String), Option<(u64, String)>),
    Blob((String, String), Option<(u64, Vec<u8>)>),
    Counter(String, Option<Decimal>),
    Audit,
}

struct MemoryTx<'a> {
    state: MutexGuard<'a, State>,
    mode: TxMode,
    undo: Vec<Undo>,
}

impl MemoryTx<'_> {
    fn writable(&self) -> Result<(), StoreError> {
        match self.mode {
            TxMode::Write => Ok(()),
            TxMode::Read => Err(StoreError::ReadOnly),
        }
    }
}

impl Transaction for MemoryTx<'_> {
    fn get(&mut self, collection: &str, id: &str) -> Result<Option<Record>, StoreError> {
        let key = (collection.to_string(), id.to_string());
        Ok(self.state.docs.get(&key).map(|(version, body)| Record {
            id: id.to_string(),
            version: *version,
            body: body.clone(),
        }))
    }

    fn put(
        &mut self,
        collection: &str,
        id: &str,
        body: &str,
        expected: Expected,
    ) -> Result<u64, StoreError> {
        self.writable()?;
        let key = (collection.to_string(), id.to_string());
        let previous = self.state.docs.get(&key).cloned();
        let version = check_expected(collection, id, expected, previous.as_ref().map(|(v, _)| *v))?;
        self.state
            .docs
            .insert(key.clone(), (version, body.to_string()));
        self.undo.push(Undo::Doc(key, previous));
        Ok(version)
    }

    fn delete(&mut self, collection: &str, id: &str, expected: u64) -> Result<(), StoreError> {
        self.writable()?;
        let key = (collection.to_string(), id.to_string());
        let previous = self.state.docs.get(&key).cloned();
        let actual = previous.as_ref().map(|(v, _)| *v);
        if actual != Some(expected) {
            return Err(StoreError::Conflict {
                collection: collection.to_string(),
                id: id.to_string(),
                expected: Some(expected),
                actual,
            });
        }
        self.state.docs.remove(&key);
        self.undo.push(Undo::Doc(key, previous));
        Ok(())
    }

    fn scan(
        &mut self,
        collection: &str,
        prefix: &str,
        visit: &mut dyn FnMut(Record) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        let start = (collection.to_string(), prefix.to_string());
        for ((coll, id), (version, body)) in self.state.docs.range(start..) {
            if coll != collection || !id.starts_with(prefix) {
                break;
            }
            let record = Record {
                id: id.clone(),
                version: *version,
                body: body.clone(),
            };
            if visit(record).is_break() {
                break;
            }
        }
        Ok(())
    }

    fn blob_floor(&mut self, collection: &str, id: &str) -> Result<Option<Blob>, StoreError> {
        let key = (collection.to_string(), id.to_string());
        Ok(self
            .state
            .blobs
            .range(..=key)
            .next_back()
            .filter(|((coll, _), _)| coll == collection)
            .map(|((_, id), (version, bytes))| Blob {
                id: id.clone(),
                version: *version,
                bytes: bytes.clone(),
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
        let key = (collection.to_string(), id.to_string());
        let previous = self.state.blobs.get(&key).cloned();
        let version = check_expected(collection, id, expected, previous.as_ref().map(|(v, _)| *v))?;
        self.state
            .blobs
            .insert(key.clone(), (version, bytes.to_vec()));
        self.undo.push(Undo::Blob(key, previous));
        Ok(version)
    }

    fn blob_scan(
        &mut self,
        collection: &str,
        from: &str,
        until: &str,
        visit: &mut BlobVisitor<'_>,
    ) -> Result<(), StoreError> {
        if from >= until {
            return Ok(());
        }
        let start = (collection.to_string(), from.to_string());
        let end = (collection.to_string(), until.to_string());
        for ((_, id), (version, bytes)) in self.state.blobs.range(start..end) {
            if visit(id, *version, bytes).is_break() {
                break;
            }
        }
        Ok(())
    }

    fn counter_get(&mut self, key: &str) -> Result<Decimal, StoreError> {
        Ok(self.state.counters.get(key).copied().unwrap_or_default())
    }

    fn counter_add(
        &mut self,
        key: &str,
        delta: Decimal,
        ceiling: Option<Decimal>,
    ) -> Result<Decimal, StoreError> {
        self.writable()?;
        let previous = self.state.counters.get(key).copied();
        let next = check_counter_add(key, previous.unwrap_or_default(), delta, ceiling)?;
        self.state.counters.insert(key.to_string(), next);
        self.undo.push(Undo::Counter(key.to_string(), previous));
        Ok(next)
    }

    fn audit_head(&mut self) -> Result<Option<(u64, String)>, StoreError> {
        Ok(self.state.audit.last().map(|r| (r.seq, r.hash.clone())))
    }

    fn audit_append(&mut self, record: &AuditRecord) -> Result<(), StoreError> {
        self.writable()?;
        let head = self.state.audit.last().map(|r| r.seq).unwrap_or(0);
        check_audit_seq(head, record.seq)?;
        self.state.audit.push(record.clone());
        self.undo.push(Undo::Audit);
        Ok(())
    }

    fn audit_scan(
        &mut self,
        filter: &AuditFilter,
        visit: &mut dyn FnMut(AuditRecord) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        let start = filter.from_seq.saturating_sub(1) as usize;
        for record in self.state.audit.iter().skip(start) {
            if let Some(doc) = &filter.document
                && !record.documents.contains(doc)
            {
                continue;
            }
            if visit(record.clone()).is_break() {
                break;
            }
        }
        Ok(())
    }

    fn commit(mut self: Box<Self>) -> Result<(), StoreError> {
        self.undo.clear();
        Ok(())
    }
}

impl Drop for MemoryTx<'_> {
    fn drop(&mut self) {
        // Roll back whatever was not committed, newest first.
        while let Some(undo) = self.undo.pop() {
            match undo {
                Undo::Doc(key, Some(previous)) => {
                    self.state.docs.insert(key, previous);
                }
                Undo::Doc(key, None) => {
                    self.state.docs.remove(&key);
                }
                Undo::Blob(key, Some(previous)) => {
                    self.state.blobs.insert(key, previous);
                }
                Undo::Blob(key, None) => {
                    self.state.blobs.remove(&key);
                }
                Undo::Counter(key, Some(previous)) => {
                    self.state.counters.insert(key, previous);
                }
                Undo::Counter(key, None) => {
                    self.state.counters.remove(&key);
                }
                Undo::Audit => {
                    self.state.audit.pop();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    crate::store_contract_tests!(super::MemoryStore::new());
}
