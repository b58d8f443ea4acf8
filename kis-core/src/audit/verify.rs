//! Verifying the trail: the chain (sequence, hashes, links, document index), then the
//! documents (each stored as its last entry recorded it), then, with an anchor, that
//! the trail still holds the entry the host anchored.

use std::collections::HashMap;
use std::ops::ControlFlow;

use serde_json::Value;

use super::{AuditAnchor, AuditEntry, body_hash, decode, hash_matches};
use crate::error::{Error, Result};
use crate::store::{AuditFilter, AuditRecord, DocKey, Transaction};

/// Where the chain is broken, and how.
#[derive(
    Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct AuditBreak {
    /// The first entry that does not verify.
    pub seq: u64,
    /// What is wrong with it.
    pub reason: String,
}

/// A document not stored as the audit trail last recorded it: edited or removed
/// outside kis, or written without an entry.
#[derive(
    Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct DocumentMismatch {
    /// The collection.
    pub collection: String,
    /// The document id.
    pub id: String,
    /// The last entry that changed it (0: no entry ever did).
    pub seq: u64,
    /// What differs.
    pub reason: String,
}

/// The result of verifying the trail.
#[derive(
    Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct AuditReport {
    /// Entries checked.
    pub entries: u64,
    /// The hash of the last entry (keep it elsewhere, with [`AuditAnchor`], to detect a
    /// rewritten or truncated trail).
    pub head_hash: Option<String>,
    /// The first break of the chain found, if any.
    pub broken: Option<AuditBreak>,
    /// Each document whose stored state is not what its last entry recorded, in
    /// collection and id order (checked only when the chain itself is intact).
    pub mismatches: Vec<DocumentMismatch>,
}

impl AuditReport {
    /// True when the whole trail verifies and every document matches it.
    pub fn is_intact(&self) -> bool {
        self.broken.is_none() && self.mismatches.is_empty()
    }
}

/// Documents that a store keeps in another form than JSON documents (sales facts, in
/// segments): the verifier asks for each one's JSON body as the audit recorded it.
pub trait DerivedDocuments {
    /// The collection the audit trail names them by.
    fn collection(&self) -> &'static str;

    /// Visits every stored document of the collection: its id and its JSON body.
    fn visit(
        &self,
        tx: &mut dyn Transaction,
        visit: &mut dyn FnMut(&str, &str) -> Result<()>,
    ) -> Result<()>;
}

/// What the last entry that changed a document says it became.
enum LastState {
    /// Its stored body's SHA-256.
    Hash(String),
    /// Its content (entries of kis before 0.2, which carry no hash).
    Value(Value),
    /// Removed.
    Removed,
}

/// Checks every entry (contiguous sequence, each hash correct, each chained to the
/// previous, the store's document index matching the entry), then every document the
/// trail names against its last entry. `derived` gives the documents kept in another
/// form (sales facts).
pub fn verify(tx: &mut dyn Transaction, derived: &[&dyn DerivedDocuments]) -> Result<AuditReport> {
    walk(tx, derived, None)
}

/// [`verify`], and checks that the trail still holds the entry `anchor` was taken at,
/// with the same hash: a trail rewritten and re-hashed from some entry on, or cut off
/// after it, is reported as broken. A signed anchor needs the `key` it was signed with.
pub fn verify_against(
    tx: &mut dyn Transaction,
    derived: &[&dyn DerivedDocuments],
    anchor: &AuditAnchor,
    key: Option<&[u8]>,
) -> Result<AuditReport> {
    anchor.check_signature(key)?;
    walk(tx, derived, Some(anchor))
}

fn walk(
    tx: &mut dyn Transaction,
    derived: &[&dyn DerivedDocuments],
    anchor: Option<&AuditAnchor>,
) -> Result<AuditReport> {
    let mut report = AuditReport {
        entries: 0,
        head_hash: None,
        broken: None,
        mismatches: Vec::new(),
    };
    let mut prev_hash = String::new();
    let mut expected_seq = 1u64;
    let mut states: HashMap<DocKey, (u64, LastState)> = HashMap::new();
    let mut anchored: Option<String> = None;
    tx.audit_scan(&AuditFilter::default(), &mut |record| {
        report.entries = report.entries.saturating_add(1);
        match check_record(&record, expected_seq, &prev_hash) {
            Err(reason) => {
                report.broken = Some(AuditBreak {
                    seq: record.seq,
                    reason,
                });
                return ControlFlow::Break(());
            }
            Ok(entry) => remember(&mut states, entry),
        }
        if anchor.is_some_and(|a| a.seq == record.seq) {
            anchored = Some(record.hash.clone());
        }
        prev_hash = record.hash.clone();
        report.head_hash = Some(record.hash);
        expected_seq = expected_seq.saturating_add(1);
        ControlFlow::Continue(())
    })?;
    if let Some(a) = anchor {
        check_anchor(&mut report, a, anchored.as_deref());
    }
    if report.broken.is_none() {
        report.mismatches = check_documents(tx, derived, states)?;
    }
    Ok(report)
}

fn remember(states: &mut HashMap<DocKey, (u64, LastState)>, entry: AuditEntry) {
    for change in entry.changes {
        let state = match (change.sha256, change.after) {
            (_, Value::Null) => LastState::Removed,
            (Some(hash), _) => LastState::Hash(hash),
            (None, after) => LastState::Value(after),
        };
        states.insert(
            DocKey::new(change.collection, change.id),
            (entry.seq, state),
        );
    }
}

fn check_anchor(report: &mut AuditReport, anchor: &AuditAnchor, found: Option<&str>) {
    let problem = match found {
        _ if report.broken.as_ref().is_some_and(|b| b.seq <= anchor.seq) => None,
        None => Some(AuditBreak {
            seq: report.entries.saturating_add(1),
            reason: format!(
                "the trail ends at entry {}, but the anchor was taken at entry {}: entries were cut off",
                report.entries, anchor.seq
            ),
        }),
        Some(hash) if hash != anchor.head_hash => Some(AuditBreak {
            seq: anchor.seq,
            reason: "its hash differs from the anchor kept elsewhere: the trail was rewritten and re-hashed".into(),
        }),
        Some(_) => None,
    };
    if let Some(p) = problem {
        report.broken = Some(p);
    }
}

fn check_record(
    record: &AuditRecord,
    expected_seq: u64,
    prev_hash: &str,
) -> Result<AuditEntry, String> {
    if record.seq != expected_seq {
        return Err(format!(
            "expected entry {expected_seq}, found {}: entries are missing",
            record.seq
        ));
    }
    let entry = decode(record).map_err(|e| e.to_string())?;
    if entry.seq != record.seq {
        return Err(format!("the entry says it is number {}", entry.seq));
    }
    if entry.prev_hash != prev_hash {
        return Err(
            "not chained to the previous entry (an entry before it was removed or changed)".into(),
        );
    }
    if !hash_matches(record, &entry) {
        return Err("its content does not match its hash (the entry was edited)".into());
    }
    if entry.documents() != record.documents {
        return Err("the document index does not match the entry".into());
    }
    Ok(entry)
}

/// Compares each document the trail names with its stored state.
fn check_documents(
    tx: &mut dyn Transaction,
    derived: &[&dyn DerivedDocuments],
    mut states: HashMap<DocKey, (u64, LastState)>,
) -> Result<Vec<DocumentMismatch>> {
    let mut out = Vec::new();
    // Documents kept in another form are visited whole: each must be one the trail
    // recorded, as recorded.
    for d in derived {
        let collection = d.collection();
        d.visit(tx, &mut |id, body| {
            let key = DocKey::new(collection, id);
            match states.remove(&key) {
                Some((seq, state)) => {
                    if let Some(reason) = differs(&state, body) {
                        out.push(mismatch(key, seq, reason));
                    }
                }
                None => out.push(mismatch(
                    key,
                    0,
                    "is stored but no audit entry created it".into(),
                )),
            }
            Ok(())
        })?;
        let missing: Vec<DocKey> = states
            .keys()
            .filter(|k| k.collection == collection)
            .cloned()
            .collect();
        for key in missing {
            if let Some((seq, state)) = states.remove(&key)
                && !matches!(state, LastState::Removed)
            {
                out.push(mismatch(key, seq, "is missing from the store".into()));
            }
        }
    }
    for (key, (seq, state)) in states {
        let reason = match tx.get(&key.collection, &key.id) {
            Err(e) => Some(format!("does not read: {}", Error::from(e))),
            Ok(None) if matches!(state, LastState::Removed) => None,
            Ok(None) => Some("is missing from the store".into()),
            Ok(Some(_)) if matches!(state, LastState::Removed) => {
                Some("was removed by its last entry but is stored".into())
            }
            Ok(Some(record)) => differs(&state, &record.body),
        };
        if let Some(reason) = reason {
            out.push(mismatch(key, seq, reason));
        }
    }
    out.sort_by(|a, b| (&a.collection, &a.id).cmp(&(&b.collection, &b.id)));
    Ok(out)
}

fn differs(state: &LastState, body: &str) -> Option<String> {
    let edited = || Some("its stored content is not what its last audit entry recorded".into());
    match state {
        LastState::Hash(hash) if *hash != body_hash(body) => edited(),
        LastState::Value(after) => match serde_json::from_str::<Value>(body) {
            Ok(v) if v == *after => None,
            _ => edited(),
        },
        LastState::Removed => Some("was removed by its last entry but is stored".into()),
        LastState::Hash(_) => None,
    }
}

fn mismatch(key: DocKey, seq: u64, reason: String) -> DocumentMismatch {
    DocumentMismatch {
        collection: key.collection,
        id: key.id,
        seq,
        reason,
    }
}
