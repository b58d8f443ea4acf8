//! The change feed (#18): every change kis committed to a document, in commit order, as
//! typed events, each shown only to who may read the document (P2). Phones follow it to
//! keep their replica current; an ERP follows it as an outbox.
//!
//! The feed is the audit trail read forward: an event's `seq` is its audit entry's, so
//! the order is the commit order on every backend, and nothing committed is missed.
//! Delivery is at least once: a consumer stores the batch's `cursor` after applying the
//! batch and resumes from it; applying an event twice is harmless when the consumer keys
//! what it applied by `(collection, id, version)`, which never repeats with other content.

mod whose;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::audit::{self, AuditEntry};
use crate::document::{Document, corrupt};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::org::{Actor, Owned, User, may_read};
use crate::store::{AuditFilter, Transaction};

pub(crate) use whose::for_each_fed;

/// The most events one batch carries, whatever is asked.
pub const MAX_BATCH: u32 = 1000;

/// The most audit entries one call reads: a reader who may see little of a long trail
/// gets a short (or empty) batch with `more`, and its cursor still moves forward.
const SCAN_LIMIT: u64 = 10_000;

/// Audit entries read per store scan, so that a batch never holds the whole trail.
const CHUNK: u64 = 256;

/// What happened to a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// It was created.
    Created,
    /// It changed: a new revision, a decision on it, a transfer...
    Updated,
    /// It was removed.
    Removed,
    /// The reader may no longer see it (a customer transferred to another team's rep):
    /// a replica drops its copy.
    Revoked,
}

/// One committed change of one document, as the reader may see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChangeEvent {
    /// The audit entry's sequence number: the commit order.
    pub seq: u64,
    /// When the command was applied (the engine clock).
    pub at: DateTime<Utc>,
    /// Who performed it (a user id, or `system`).
    pub actor: String,
    /// The command (`sales.create_quote`, `approval.decide`, `policy.install`...).
    pub command: String,
    /// The document's collection (`quotes`, `customers`...), which names its type.
    pub collection: String,
    /// The document's id.
    pub id: String,
    /// The document's version after the change.
    pub version: u64,
    /// What happened to it.
    pub kind: ChangeKind,
    /// The document after the change, as the JSON of its type (`quotes` a Quote,
    /// `customers` a Customer...); absent when removed or revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<Value>,
}

impl ChangeEvent {
    /// The document after the change as `T`, when the event is of `T`'s collection and
    /// carries a state.
    pub fn document<T: Document>(&self) -> Result<Option<T>> {
        match &self.state {
            Some(state) if self.collection == T::COLLECTION => {
                serde_json::from_value(state.clone())
                    .map(Some)
                    .map_err(|e| corrupt(format!("{} {} in the feed: {e}", T::KIND, self.id)))
            }
            _ => Ok(None),
        }
    }
}

/// A batch of the feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChangeBatch {
    /// The events, in commit order.
    pub events: Vec<ChangeEvent>,
    /// Where the feed resumes: pass it as `after` next time. It moves past every entry
    /// read, including those the reader may not see.
    pub cursor: u64,
    /// Whether more may follow at once (the batch stopped at its limit).
    pub more: bool,
}

macro_rules! readable_fn {
    ($($t:ty),*) => {
        /// Whether `viewer` may read `state`, a document of `collection` (P2); `None` for
        /// a collection the feed does not carry.
        fn readable(
            tx: &mut dyn Transaction,
            viewer: &User,
            collection: &str,
            state: &Value,
        ) -> Result<Option<bool>> {
            $(
                if collection == <$t as Document>::COLLECTION {
                    let doc: $t = serde_json::from_value(state.clone()).map_err(|e| {
                        corrupt(format!("{} in the audit trail: {e}", <$t as Document>::KIND))
                    })?;
                    return Ok(Some(may_read(tx, viewer, &doc.whose())?));
                }
            )*
            Ok(None)
        }
    };
}
for_each_fed!(readable_fn);

/// The events of one audit entry that `viewer` may see.
fn events_of(
    tx: &mut dyn Transaction,
    viewer: &User,
    entry: AuditEntry,
) -> Result<Vec<ChangeEvent>> {
    let mut out = Vec::new();
    for change in entry.changes {
        let after = if change.after.is_null() {
            None
        } else {
            Some(change.after)
        };
        let sees_after = match &after {
            Some(state) => match readable(tx, viewer, &change.collection, state)? {
                Some(sees) => sees,
                None => continue, // not a fed collection
            },
            None => false,
        };
        let sees_before = match &change.before {
            Some(state) => readable(tx, viewer, &change.collection, state)?.unwrap_or(false),
            None => false,
        };
        let (kind, state) = match (&after, sees_after, sees_before) {
            (Some(_), true, false) if change.before.is_none() => (ChangeKind::Created, after),
            // Newly visible (a customer transferred to the reader): the whole state.
            (Some(_), true, _) => (ChangeKind::Updated, after),
            (Some(_), false, true) => (ChangeKind::Revoked, None),
            (None, _, true) => (ChangeKind::Removed, None),
            _ => continue,
        };
        out.push(ChangeEvent {
            seq: entry.seq,
            at: entry.at,
            actor: entry.actor.clone(),
            command: entry.command.clone(),
            collection: change.collection,
            id: change.id,
            version: change.version,
            kind,
            state,
        });
    }
    Ok(out)
}

impl Engine {
    /// The changes committed after audit entry `after` that `actor` may see, at most
    /// `limit` events (1 to [`MAX_BATCH`]), in commit order (#18). Any active user may
    /// follow the feed; each sees their own documents, their team's as its manager,
    /// everything as director, finance or admin, and everyone the directory, the price
    /// book and the policy (P2).
    pub fn changes_since(&self, actor: &Actor, after: u64, limit: u32) -> Result<ChangeBatch> {
        if limit == 0 || limit > MAX_BATCH {
            return Err(Error::invalid(
                "limit",
                format!("must be 1 to {MAX_BATCH}, not {limit}"),
            ));
        }
        let viewer = self.acting_user(actor)?;
        let limit = limit as usize;
        self.read(|tx| {
            let head = audit::head_seq(tx)?;
            if after > head {
                // A cursor this store never gave (another store's, or a restored backup's):
                // an empty batch would hide that the reader's copy is not this store's.
                return Err(Error::invalid(
                    "after",
                    format!("{after} is past the end of the audit trail ({head})"),
                ));
            }
            let mut events = Vec::new();
            let mut cursor = after;
            let end = after.saturating_add(SCAN_LIMIT);
            loop {
                let want = CHUNK.min(end.saturating_sub(cursor));
                if want == 0 {
                    return Ok(ChangeBatch {
                        events,
                        cursor,
                        more: true,
                    });
                }
                let chunk = read_entries(tx, cursor, want)?;
                let exhausted = (chunk.len() as u64) < want;
                for entry in chunk {
                    cursor = entry.seq;
                    events.extend(events_of(tx, &viewer, entry)?);
                    if events.len() >= limit {
                        return Ok(ChangeBatch {
                            events,
                            cursor,
                            more: true,
                        });
                    }
                }
                if exhausted {
                    return Ok(ChangeBatch {
                        events,
                        cursor,
                        more: false,
                    });
                }
            }
        })
    }
}

/// Up to `count` audit entries after `after`, in order.
fn read_entries(tx: &mut dyn Transaction, after: u64, count: u64) -> Result<Vec<AuditEntry>> {
    let filter = AuditFilter {
        from_seq: after.saturating_add(1),
        document: None,
    };
    audit::read(
        tx,
        &filter,
        Some(usize::try_from(count).unwrap_or(usize::MAX)),
    )
}
