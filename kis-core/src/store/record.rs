//! The plain data that crosses the store boundary.

use serde::{Deserialize, Serialize};

/// A stored document: its id, version and JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The document id (unique within its collection).
    pub id: String,
    /// Incremented by every write; starts at 1.
    pub version: u64,
    /// The document as JSON.
    pub body: String,
}

impl Record {
    /// The checksum a backend stores beside a document and checks when it reads it back
    /// (xxh3-64 over the collection, id, version and body): a bit flipped on disk, a row
    /// edited in the database, or a body moved to another key is caught on read. It is
    /// not a signature (anyone may recompute it); deliberate edits are the audit trail's
    /// to find (`verify_audit`).
    pub fn checksum(collection: &str, id: &str, version: u64, body: &str) -> i64 {
        use xxhash_rust::xxh3::Xxh3;
        let mut h = Xxh3::new();
        for part in [collection.as_bytes(), id.as_bytes()] {
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part);
        }
        h.update(&version.to_le_bytes());
        h.update(body.as_bytes());
        // Databases keep signed 64-bit integers: the same bits, as i64.
        i64::from_le_bytes(h.digest().to_le_bytes())
    }

    /// A record read back with its stored checksum: the record, or a `Corrupt` error
    /// naming the backend, the collection and the key when the checksum does not match.
    pub fn checked(
        backend: &'static str,
        collection: &str,
        record: Record,
        stored: i64,
    ) -> Result<Record, super::StoreError> {
        if Record::checksum(collection, &record.id, record.version, &record.body) != stored {
            return Err(super::StoreError::Corrupt {
                backend,
                message: format!(
                    "document {collection}/{}: its checksum does not match its content (changed on disk or in the database)",
                    record.id
                ),
            });
        }
        Ok(record)
    }
}

/// A stored binary document: its id, version and bytes, in a format its owner defines
/// (kis-core's sales fact segments); stores keep the bytes as they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    /// The id (unique within its collection).
    pub id: String,
    /// Incremented by every write; starts at 1.
    pub version: u64,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// What a writer expects to find, for optimistic concurrency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// No document with this id: an insert.
    Absent,
    /// The document at exactly this version: an update.
    Version(u64),
}

impl Expected {
    /// The expected version as an option (`None` for absent).
    pub fn as_option(self) -> Option<u64> {
        match self {
            Expected::Absent => None,
            Expected::Version(v) => Some(v),
        }
    }
}

/// A reference to one document: collection and id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DocKey {
    /// The collection.
    pub collection: String,
    /// The id within it.
    pub id: String,
}

impl DocKey {
    /// Encodes a list of keys as text for a database column: one `collection\u{1f}id`
    /// per line (ids cannot hold control characters, so this is unambiguous).
    pub fn encode_list(keys: &[DocKey]) -> String {
        keys.iter()
            .map(|d| format!("{}\u{1f}{}", d.collection, d.id))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Decodes [`encode_list`](Self::encode_list); `None` if the text is not such a list.
    pub fn decode_list(text: &str) -> Option<Vec<DocKey>> {
        if text.is_empty() {
            return Some(Vec::new());
        }
        text.split('\n')
            .map(|line| line.split_once('\u{1f}').map(|(c, i)| DocKey::new(c, i)))
            .collect()
    }

    /// A key for `collection`/`id`.
    pub fn new(collection: impl Into<String>, id: impl Into<String>) -> Self {
        DocKey {
            collection: collection.into(),
            id: id.into(),
        }
    }
}

/// An audit record as stored: the entry as JSON, plus what the store indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// Position in the trail, from 1, without gaps.
    pub seq: u64,
    /// The entry's hash (hex SHA-256), chained to the previous entry.
    pub hash: String,
    /// The documents the command changed (for a document's history).
    pub documents: Vec<DocKey>,
    /// The whole entry as JSON (see `kis_core::audit::AuditEntry`).
    pub entry: String,
}

/// Which audit records to visit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only records with `seq >= from_seq` (0 or 1: from the start).
    pub from_seq: u64,
    /// Only records that changed this document.
    pub document: Option<DocKey>,
}
