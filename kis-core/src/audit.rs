//! The append-only, hash-chained audit trail (P1.3): every command that changes state
//! records who did it, when, under which policy version, and each document's before and
//! after. Each entry's hash covers the previous entry's hash, so editing or deleting an
//! entry breaks the chain, and [`verify`] finds where.

use std::ops::ControlFlow;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::Result;
use crate::store::{AuditFilter, AuditRecord, DocKey, StoreError, Transaction};

/// One document changed by a command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The collection of the document.
    pub collection: String,
    /// The document id.
    pub id: String,
    /// Its version after the change.
    pub version: u64,
    /// The document before (`None` when created).
    pub before: Option<Value>,
    /// The document after.
    pub after: Value,
}

/// One entry of the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Position in the trail, from 1.
    pub seq: u64,
    /// When the command was applied (the engine clock).
    pub at: DateTime<Utc>,
    /// Who performed it (a user id, or `system`).
    pub actor: String,
    /// The command's name (`org.add_user`...).
    pub command: String,
    /// The command as given by the caller.
    pub input: Value,
    /// What it changed.
    pub changes: Vec<Change>,
    /// The content hash of the policy it was decided under.
    pub policy_version: String,
    /// The caller's idempotency key, if any.
    pub idempotency_key: Option<String>,
    /// The previous entry's hash (empty for the first entry).
    pub prev_hash: String,
    /// This entry's hash: SHA-256 over the entry with this field empty.
    pub hash: String,
}

impl AuditEntry {
    /// The hash this entry should have.
    pub fn compute_hash(&self) -> String {
        let mut unsigned = self.clone();
        unsigned.hash = String::new();
        // Struct fields serialise in declaration order and JSON maps sorted: canonical.
        let bytes = serde_json::to_vec(&unsigned).unwrap_or_default();
        hex::encode(Sha256::digest(&bytes))
    }

    /// The documents this entry changed.
    pub fn documents(&self) -> Vec<DocKey> {
        let mut docs: Vec<DocKey> = self
            .changes
            .iter()
            .map(|c| DocKey::new(&c.collection, &c.id))
            .collect();
        docs.sort();
        docs.dedup();
        docs
    }
}

/// What an entry is made from; [`append`] adds the sequence and the chain.
#[derive(Debug, Clone)]
pub struct NewEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: String,
    /// Which command.
    pub command: String,
    /// The command as given.
    pub input: Value,
    /// What changed.
    pub changes: Vec<Change>,
    /// The policy version.
    pub policy_version: String,
    /// The idempotency key.
    pub idempotency_key: Option<String>,
}

/// Appends an entry at the head of the trail, chained to the previous one.
pub fn append(tx: &mut dyn Transaction, new: NewEntry) -> Result<AuditEntry> {
    let (seq, prev_hash) = match tx.audit_head()? {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, String::new()),
    };
    let mut entry = AuditEntry {
        seq,
        at: new.at,
        actor: new.actor,
        command: new.command,
        input: new.input,
        changes: new.changes,
        policy_version: new.policy_version,
        idempotency_key: new.idempotency_key,
        prev_hash,
        hash: String::new(),
    };
    entry.hash = entry.compute_hash();
    let json = serde_json::to_string(&entry).map_err(|e| corrupt(e.to_string()))?;
    tx.audit_append(&AuditRecord {
        seq,
        hash: entry.hash.clone(),
        documents: entry.documents(),
        entry: json,
    })?;
    Ok(entry)
}

fn corrupt(message: String) -> StoreError {
    StoreError::Corrupt {
        backend: "audit",
        message,
    }
}

/// Decodes a stored audit record.
pub fn decode(record: &AuditRecord) -> Result<AuditEntry> {
    serde_json::from_str(&record.entry)
        .map_err(|e| corrupt(format!("audit entry {}: {e}", record.seq)).into())
}

/// Where the chain is broken, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditBreak {
    /// The first entry that does not verify.
    pub seq: u64,
    /// What is wrong with it.
    pub reason: String,
}

/// The result of verifying the trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditReport {
    /// Entries checked.
    pub entries: u64,
    /// The hash of the last entry (keep it elsewhere to detect a truncated trail).
    pub head_hash: Option<String>,
    /// The first break found, if any.
    pub broken: Option<AuditBreak>,
}

impl AuditReport {
    /// True when the whole trail verifies.
    pub fn is_intact(&self) -> bool {
        self.broken.is_none()
    }
}

/// Checks every entry: contiguous sequence, each hash correct, each chained to the
/// previous, and the store's document index matching the entry.
pub fn verify(tx: &mut dyn Transaction) -> Result<AuditReport> {
    let mut report = AuditReport {
        entries: 0,
        head_hash: None,
        broken: None,
    };
    let mut prev_hash = String::new();
    let mut expected_seq = 1;
    tx.audit_scan(&AuditFilter::default(), &mut |record| {
        report.entries += 1;
        let problem = check_record(&record, expected_seq, &prev_hash);
        if let Some(reason) = problem {
            report.broken = Some(AuditBreak {
                seq: record.seq,
                reason,
            });
            return ControlFlow::Break(());
        }
        prev_hash = record.hash.clone();
        report.head_hash = Some(record.hash);
        expected_seq += 1;
        ControlFlow::Continue(())
    })?;
    Ok(report)
}

fn check_record(record: &AuditRecord, expected_seq: u64, prev_hash: &str) -> Option<String> {
    if record.seq != expected_seq {
        return Some(format!(
            "expected entry {expected_seq}, found {}: entries are missing",
            record.seq
        ));
    }
    let entry = match decode(record) {
        Ok(e) => e,
        Err(e) => return Some(e.to_string()),
    };
    if entry.seq != record.seq {
        return Some(format!("the entry says it is number {}", entry.seq));
    }
    if entry.prev_hash != prev_hash {
        return Some(
            "not chained to the previous entry (an entry before it was removed or changed)".into(),
        );
    }
    let recomputed = entry.compute_hash();
    if recomputed != entry.hash || entry.hash != record.hash {
        return Some("its content does not match its hash (the entry was edited)".into());
    }
    if entry.documents() != record.documents {
        return Some("the document index does not match the entry".into());
    }
    None
}
