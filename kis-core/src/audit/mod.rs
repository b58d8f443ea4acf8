//! The append-only, hash-chained audit trail (P1.3): every command that changes state
//! records who did it, when, under which policy version, and each document's before and
//! after, with a hash of the document as stored. Each entry's hash covers the previous
//! entry's hash, so editing or deleting an entry breaks the chain, and [`verify`] finds
//! where; it also checks that every document is stored as its last entry recorded it.
//! An [`AuditAnchor`] kept by the host elsewhere (optionally signed) catches what a
//! chain alone cannot: a trail rewritten and re-hashed from some entry on, or its tail
//! cut off.
//!
//! Hashes are taken over the exact bytes stored (SHA-256 of the entry's JSON as written;
//! of each document's body as written), so they do not depend on how a JSON library
//! orders or formats anything. Entries written before kis 0.2 carry their hash inside
//! and are checked the way they were made.

mod anchor;
mod verify;

pub use anchor::AuditAnchor;
pub use verify::{
    AuditBreak, AuditReport, DerivedDocuments, DocumentMismatch, verify, verify_against,
};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::Result;
use crate::store::{AuditRecord, DocKey, StoreError, Transaction};

/// One document changed by a command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
    /// SHA-256 (hex) of the document's body exactly as stored after the change; `None`
    /// for a removal, and in entries of kis before 0.2 (checked against `after` then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// The hex SHA-256 of a document's stored body: what [`Change::sha256`] records.
pub fn body_hash(body: &str) -> String {
    hex::encode(Sha256::digest(body.as_bytes()))
}

/// One entry of the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
    /// This entry's hash: SHA-256 over the entry's stored JSON, which leaves this field
    /// out. (Entries of kis before 0.2 store it inside, over a re-serialisation of the
    /// entry with it empty.)
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub hash: String,
}

impl AuditEntry {
    /// The JSON kis stores for this entry (without its hash), and that JSON's hash.
    pub fn sealed(&self) -> Result<(String, String)> {
        let mut unsigned = self.clone();
        unsigned.hash = String::new();
        let json = serde_json::to_string(&unsigned).map_err(|e| corrupt(e.to_string()))?;
        let hash = hex::encode(Sha256::digest(json.as_bytes()));
        Ok((json, hash))
    }

    /// The hash of a pre-0.2 entry, which stores its hash inside: SHA-256 over the entry
    /// re-serialised with that field empty (as it was made then).
    fn legacy_hash(&self) -> String {
        // The stored form without the hash, to which the old form added it as the last
        // field.
        let mut bytes = self
            .sealed()
            .map(|(json, _)| json.into_bytes())
            .unwrap_or_default();
        if bytes.last() == Some(&b'}') {
            bytes.pop();
            bytes.extend_from_slice(br#","hash":""}"#);
        }
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
        Some((seq, hash)) => (seq.saturating_add(1), hash),
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
    // The hash is over the bytes stored, which leave the hash itself out.
    let (json, hash) = entry.sealed()?;
    entry.hash = hash;
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

/// The sequence number of the trail's last entry (0 for an empty trail).
pub fn head_seq(tx: &mut dyn Transaction) -> Result<u64> {
    Ok(tx.audit_head()?.map_or(0, |(seq, _)| seq))
}

/// The entries matching `filter`, in sequence order, at most `limit` of them (all when
/// `None`); an entry that does not decode is an error, not skipped.
pub fn read(
    tx: &mut dyn Transaction,
    filter: &crate::store::AuditFilter,
    limit: Option<usize>,
) -> Result<Vec<AuditEntry>> {
    let mut out = Vec::new();
    if limit == Some(0) {
        return Ok(out);
    }
    let mut failure = None;
    tx.audit_scan(filter, &mut |record| match decode(&record) {
        Ok(entry) => {
            out.push(entry);
            if limit.is_some_and(|n| out.len() >= n) {
                std::ops::ControlFlow::Break(())
            } else {
                std::ops::ControlFlow::Continue(())
            }
        }
        Err(e) => {
            failure = Some(e);
            std::ops::ControlFlow::Break(())
        }
    })?;
    failure.map_or(Ok(out), Err)
}

/// Decodes a stored audit record (its hash comes from the record when the entry does
/// not carry it inside).
pub fn decode(record: &AuditRecord) -> Result<AuditEntry> {
    let mut entry: AuditEntry = serde_json::from_str(&record.entry)
        .map_err(|e| corrupt(format!("audit entry {}: {e}", record.seq)))?;
    if entry.hash.is_empty() {
        entry.hash = record.hash.clone();
    }
    Ok(entry)
}

/// Whether a stored record's content matches its hash: SHA-256 of the stored bytes, or
/// for an entry of kis before 0.2 (hash inside), the way it was made then.
fn hash_matches(record: &AuditRecord, entry: &AuditEntry) -> bool {
    let stored_inside = serde_json::from_str::<serde_json::Value>(&record.entry)
        .ok()
        .and_then(|v| v.get("hash").and_then(|h| h.as_str()).map(str::to_string));
    match stored_inside {
        Some(inside) => inside == record.hash && entry.legacy_hash() == record.hash,
        None => hex::encode(Sha256::digest(record.entry.as_bytes())) == record.hash,
    }
}
