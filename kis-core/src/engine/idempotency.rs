//! Idempotency keys: a repeated command (a phone that lost its connection, a job that ran
//! twice) returns the first result instead of acting twice. Keys live in the store, so
//! they survive restarts.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::document::Document;

/// What is remembered for an idempotency key.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IdempotencyRecord {
    /// The caller's key.
    pub key: String,
    /// Hash of command name, actor and content: a replay must match it.
    pub request_hash: String,
    /// The command's name.
    pub command: String,
    /// The first result, as JSON.
    pub output: serde_json::Value,
    /// The audit entry that the first run wrote.
    pub audit_seq: u64,
    /// When it first ran.
    pub at: DateTime<Utc>,
}

impl Document for IdempotencyRecord {
    const COLLECTION: &'static str = "idempotency";
    const KIND: &'static str = "idempotency key";
    fn doc_id(&self) -> String {
        self.key.clone()
    }
}

/// The hash a replay must match: the command, who sent it, and its content.
pub fn request_hash(command: &str, actor: &str, input: &serde_json::Value) -> String {
    let mut h = Sha256::new();
    h.update(command.as_bytes());
    h.update([0]);
    h.update(actor.as_bytes());
    h.update([0]);
    h.update(input.to_string().as_bytes());
    hex::encode(h.finalize())
}
