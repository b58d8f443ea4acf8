//! The authoritative side of sync (#18): a snapshot to seed a replica, and running a
//! replica's push. The actor is always the one the host authenticated (P2): a push
//! carries no actor, so it can only carry its own user's commands.

use std::ops::ControlFlow;

use chrono::NaiveDate;

use super::message::{Message, Outcome, PROTOCOL, Push, Reply, Snapshot, Verdict};
use crate::api::{Kind, Problem};
use crate::document::{self, Document, Versioned};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::facts::SalesFact;
use crate::feed::{ChangeEvent, ChangeKind, MAX_BATCH, for_each_fed};
use crate::org::{Actor, Owned, User, may_read};
use crate::store::Transaction;

/// A `created` event of a document as of the snapshot.
fn created<T: serde::Serialize>(
    collection: &str,
    id: String,
    version: u64,
    value: &T,
    cursor: u64,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<ChangeEvent> {
    Ok(ChangeEvent {
        seq: cursor,
        at,
        actor: crate::engine::SYSTEM_ACTOR.to_string(),
        command: "sync.snapshot".to_string(),
        collection: collection.to_string(),
        id,
        version,
        kind: ChangeKind::Created,
        state: Some(
            serde_json::to_value(value).map_err(|e| Error::invalid("snapshot", e.to_string()))?,
        ),
    })
}

/// Every stored document of `T` that `viewer` may read, as snapshot events.
fn readable<T: Document + Owned>(
    tx: &mut dyn Transaction,
    viewer: &User,
    cursor: u64,
    at: chrono::DateTime<chrono::Utc>,
    out: &mut Vec<ChangeEvent>,
) -> Result<()> {
    let mut all: Vec<Versioned<T>> = Vec::new();
    document::scan::<T>(tx, "", |d| {
        all.push(d);
        ControlFlow::Continue(())
    })?;
    for d in all {
        if may_read(tx, viewer, &d.value.whose())? {
            out.push(created(
                T::COLLECTION,
                d.value.doc_id(),
                d.version,
                &d.value,
                cursor,
                at,
            )?);
        }
    }
    Ok(())
}

impl Engine {
    /// Everything `actor` may read now, to seed their replica (#18): the directory, the
    /// price book, the policy and its versions, and their own (or their team's) customers,
    /// documents, targets, scores' inputs and sales facts (P2). The replica follows the
    /// feed from the snapshot's cursor.
    pub fn snapshot(&self, actor: &Actor) -> Result<Snapshot> {
        let viewer = self.acting_user(actor)?;
        let policy = self.policy().hash().to_string();
        let at = self.now();
        self.read(|tx| {
            let cursor = crate::audit::head_seq(tx)?;
            let mut documents = Vec::new();
            macro_rules! each {
                ($($t:ty),*) => { $(
                    // Sales facts live in segments, not as documents: read below.
                    if <$t as Document>::COLLECTION != SalesFact::COLLECTION {
                        readable::<$t>(tx, &viewer, cursor, at, &mut documents)?;
                    }
                )* };
            }
            for_each_fed!(each);
            let mut facts = Vec::new();
            crate::facts::scan_facts(tx, NaiveDate::MIN, NaiveDate::MAX, |f| {
                facts.push(f);
                ControlFlow::Continue(())
            })?;
            for fact in facts {
                if may_read(tx, &viewer, &fact.whose())? {
                    documents.push(created(
                        SalesFact::COLLECTION,
                        fact.id.clone(),
                        1,
                        &fact,
                        cursor,
                        at,
                    )?);
                }
            }
            Ok(Snapshot {
                protocol: PROTOCOL,
                actor: viewer.id.clone(),
                cursor,
                policy: policy.clone(),
                documents,
            })
        })
    }

    /// Runs a replica's queued commands as `actor`, the user the host authenticated,
    /// each under this engine's policy in force and with its idempotency key, so that a
    /// retried push runs nothing twice; then the changes after the push's cursor (#18).
    /// A command the server refuses is a `rejected` outcome with its problem; a store that
    /// is unavailable fails the whole push, for the replica to retry.
    pub fn serve_push(&self, actor: &Actor, push: &Push) -> Result<Reply> {
        self.acting_user(actor)?;
        let head = self.read(crate::audit::head_seq)?;
        if push.cursor > head {
            return Err(Error::invalid(
                "cursor",
                format!(
                    "{} is past the end of this store's audit trail ({head}): the replica was seeded elsewhere",
                    push.cursor
                ),
            ));
        }
        let mut outcomes = Vec::with_capacity(push.commands.len());
        for command in &push.commands {
            let result = match crate::api::entry(&command.entry) {
                Some(entry) if entry.kind == Kind::Command => {
                    serde_json::to_string(&command.request)
                        .map_err(|e| Error::invalid("request", e.to_string()))
                        .and_then(|request| {
                            self.call(actor, &command.entry, &request, Some(&command.key))
                        })
                }
                Some(_) => Err(Error::invalid(
                    "entry",
                    format!("{} is a query: nothing to sync", command.entry),
                )),
                None => Err(Error::NotFound {
                    kind: "API entry",
                    id: command.entry.clone(),
                }),
            };
            outcomes.push(match result {
                Ok(output) => Outcome {
                    key: command.key.clone(),
                    entry: command.entry.clone(),
                    verdict: Verdict::Accepted,
                    output: Some(
                        serde_json::from_str(&output)
                            .map_err(|e| Error::invalid("output", e.to_string()))?,
                    ),
                    problem: None,
                },
                Err(e) => {
                    let problem = Problem::from(&e);
                    if problem.retryable() {
                        return Err(e);
                    }
                    Outcome {
                        key: command.key.clone(),
                        entry: command.entry.clone(),
                        verdict: Verdict::Rejected,
                        output: None,
                        problem: Some(problem),
                    }
                }
            });
        }
        Ok(Reply {
            protocol: PROTOCOL,
            outcomes,
            changes: self.changes_since(actor, push.cursor, MAX_BATCH)?,
        })
    }

    /// [`serve_push`](Self::serve_push) on the push's bytes; the reply's bytes.
    pub fn serve_sync(&self, actor: &Actor, push: &[u8]) -> Result<Vec<u8>> {
        self.serve_push(actor, &Push::from_bytes(push)?)?.to_bytes()
    }
}
