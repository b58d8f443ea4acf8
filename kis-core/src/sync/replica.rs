//! A replica (#18): an engine on the phone's own store, seeded from a snapshot of what
//! its user may read and kept current from the change feed. Reads work offline. What the
//! rep does offline is applied locally as provisional and queued; `push` and `receive`
//! exchange it with the server, which decides.
//!
//! The outbox is the replica's own audit trail: every provisional command is an audit
//! entry with its idempotency key, its request and what it changed, committed with the
//! change itself, so a command can be neither lost nor queued twice. Receiving a reply
//! undoes every provisional change (the entries' `before` states), applies the server's
//! changes, and runs again, with their keys, the commands the reply did not settle.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::message::{Outcome, PROTOCOL, Push, QueuedCommand, Reply, Snapshot, Verdict};
use crate::api::Problem;
use crate::audit::AuditEntry;
use crate::clock::Clock;
use crate::document::{self, Document};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::facts::SalesFact;
use crate::feed::{ChangeEvent, ChangeKind, for_each_fed};
use crate::ids::UserId;
use crate::org::Actor;
use crate::policy::Policy;
use crate::store::{AuditFilter, Store};

/// The commands a replica applies offline, as provisional, and queues (#18): quotes made,
/// revised and submitted, visits logged, leads captured and worked, claims filed with
/// their receipts, complaints recorded.
pub const OFFLINE: &[&str] = &[
    "create_quote",
    "edit_quote",
    "copy_quote",
    "log_visit",
    "capture_lead",
    "log_lead_activity",
    "file_claim",
    "open_complaint",
];

/// The commands a replica queues without applying them: decisions are the server's
/// (an approval is never decided on a replica, P3), and so is everything that reserves
/// a budget (P6.3) or needs the whole company's state. `submit` of a quote is the one
/// review step applied offline too (see [`Replica::call`]).
pub const QUEUED_ONLY: &[&str] = &["submit", "decide", "recall", "sanction_claim_line"];

/// The audit name of a queued-only command's entry on the replica.
const QUEUE: &str = "sync.queue";
/// The audit name of seeding and of applying a reply.
const APPLY: &str = "sync.apply";

/// What the replica keeps about itself, in its own store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ReplicaState {
    /// Names this replica in its idempotency keys.
    replica: String,
    /// Whose replica it is.
    actor: UserId,
    /// Where it is in the server's feed.
    cursor: u64,
    /// Every local audit entry up to here is settled: nothing before it is provisional.
    settled: u64,
    /// The content hash of the server's policy at the last sync: one of the replica's
    /// policy versions, which hold its text.
    policy: String,
}

impl Document for ReplicaState {
    const COLLECTION: &'static str = "sync_state";
    const KIND: &'static str = "replica state";
    fn doc_id(&self) -> String {
        "replica".to_string()
    }
}

/// How a replica's queued command ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "resolution")]
pub enum Resolution {
    /// The server ran it and came to what the replica had.
    Accepted {
        /// The command's idempotency key.
        key: String,
        /// The API entry.
        entry: String,
    },
    /// The server ran it, with another result: repriced under the server's policy in
    /// force (a promotion ended), or decided otherwise.
    AcceptedWithChanges {
        /// The command's idempotency key.
        key: String,
        /// The API entry.
        entry: String,
        /// Each field that differs: its path, what the replica had, what the server has
        /// (a quote's totals and the trace of every rule among them).
        changes: Vec<Difference>,
    },
    /// The server refused it; the replica dropped its provisional effect.
    Rejected {
        /// The command's idempotency key.
        key: String,
        /// The API entry.
        entry: String,
        /// Why: not authorised, budget exceeded, the state changed meanwhile...
        problem: Problem,
    },
}

/// One field where the server's result differs from the replica's provisional one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Difference {
    /// Its path (`revisions[0].total.amount`).
    pub path: String,
    /// What the replica had (absent: nothing).
    pub provisional: Option<Value>,
    /// What the server has.
    pub authoritative: Option<Value>,
}

/// What a replica did with a call offline.
#[derive(Debug, Clone, PartialEq)]
pub enum Local {
    /// A query, answered from the replica: its output (JSON).
    Answered {
        /// The output, as the wire gives it.
        output: String,
    },
    /// Applied as provisional: the local output (JSON), and the key it is queued with.
    Applied {
        /// The output, as the wire gives it.
        output: String,
        /// The idempotency key it is queued with.
        key: String,
    },
    /// Queued for the server, with nothing applied locally.
    Queued {
        /// The idempotency key it is queued with.
        key: String,
    },
}

/// One pending command: its audit entry on the replica, and what it is on the wire.
struct Pending {
    entry: AuditEntry,
    command: QueuedCommand,
}

/// A replica of the company's engine for one user, on a local store.
pub struct Replica {
    engine: Engine,
    actor: Actor,
}

impl Replica {
    /// Seeds a replica on an empty `store` from `snapshot` (the server's, for this user).
    pub fn seed(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        snapshot: &Snapshot,
    ) -> Result<Replica> {
        if snapshot.protocol != PROTOCOL {
            return Err(Error::invalid(
                "protocol",
                "the snapshot is of another sync protocol: upgrade kis",
            ));
        }
        let source = snapshot
            .documents
            .iter()
            .find(|e| {
                e.collection == crate::engine::PolicyVersion::COLLECTION && e.id == snapshot.policy
            })
            .and_then(|e| e.state.as_ref()?.get("source")?.as_str())
            .ok_or_else(|| {
                Error::invalid(
                    "snapshot",
                    format!("policy {} is not among its documents", snapshot.policy),
                )
            })?
            .to_string();
        let policy = Policy::from_toml(&source)?;
        let engine = Engine::open_with_clock(Arc::clone(&store), policy, Arc::clone(&clock))?;
        if engine
            .read(|tx| document::get::<ReplicaState>(tx, "replica"))?
            .is_some()
        {
            return Err(Error::InvalidState {
                kind: "replica",
                id: snapshot.actor.to_string(),
                reason: "this store holds a replica already: open it instead".into(),
            });
        }
        let state = ReplicaState {
            replica: replica_name(&snapshot.actor, clock.now()),
            actor: snapshot.actor.clone(),
            cursor: snapshot.cursor,
            settled: 0,
            policy: snapshot.policy.clone(),
        };
        engine.run_as(
            None,
            None,
            APPLY,
            &serde_json::json!({"seed": snapshot.cursor}),
            |ctx| {
                for event in &snapshot.documents {
                    apply_event(ctx, event)?;
                }
                let mut state = state.clone();
                state.settled = ctx_head(ctx)?.saturating_add(1);
                ctx.write_raw(
                    ReplicaState::COLLECTION,
                    "replica",
                    Some(&document::encode(&state)?),
                )
            },
        )?;
        Ok(Replica {
            engine,
            actor: Actor::new(snapshot.actor.clone()),
        })
    }

    /// Opens the replica a store holds (seeded before).
    pub fn open(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Result<Replica> {
        let (state, version) = {
            let mut tx = store.begin(crate::store::TxMode::Read)?;
            let state = document::get::<ReplicaState>(tx.as_mut(), "replica")?
                .ok_or_else(|| Error::NotFound {
                    kind: "replica",
                    id: "replica".into(),
                })?
                .value;
            let version =
                document::load::<crate::engine::PolicyVersion>(tx.as_mut(), &state.policy)?;
            (state, version.value)
        };
        let policy = Policy::from_toml(&version.source)?;
        let engine = Engine::open_with_clock(Arc::clone(&store), policy, Arc::clone(&clock))?;
        // The policy the replica was last given is the one in force at open, unless a
        // version it holds took effect since.
        if let Ok(in_force) = engine.policy_in_force(engine.today())
            && in_force.hash() != engine.policy().hash()
        {
            engine.adopt((*in_force).clone());
        }
        Ok(Replica {
            engine,
            actor: Actor::new(state.actor),
        })
    }

    /// The engine on the replica's store: every query works offline (prices under the
    /// replica's policy, the rep's quotes and customers, visits due, the care calendar,
    /// the scorecard).
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Whose replica this is.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// Where the replica is in the server's feed: what to follow `changes_since` from.
    pub fn cursor(&self) -> Result<u64> {
        Ok(self.state()?.cursor)
    }

    fn state(&self) -> Result<ReplicaState> {
        Ok(self
            .engine
            .read(|tx| document::load::<ReplicaState>(tx, "replica"))?
            .value)
    }

    /// Runs API entry `entry` on the replica, as its user: a query is answered from the
    /// replica; an offline command ([`OFFLINE`], and `submit` of a quote) is applied as
    /// provisional and queued; a decision or a budget step ([`QUEUED_ONLY`]) is queued
    /// only. Anything else needs the server and is refused.
    pub fn call(&self, entry: &str, request: &str) -> Result<Local> {
        let declared = crate::api::entry(entry).ok_or_else(|| Error::NotFound {
            kind: "API entry",
            id: entry.to_string(),
        })?;
        let state = self.state()?;
        let key = format!("{}:{}", state.replica, self.head()?.saturating_add(1));
        if declared.kind == crate::api::Kind::Query {
            return Ok(Local::Answered {
                output: self.engine.call(&self.actor, entry, request, None)?,
            });
        }
        if applies_offline(entry, request)? {
            let output = self.engine.call(&self.actor, entry, request, Some(&key))?;
            return Ok(Local::Applied { output, key });
        }
        if QUEUED_ONLY.contains(&entry) {
            self.queue(&QueuedCommand {
                key: key.clone(),
                entry: entry.to_string(),
                request: crate::api::decode(request)?,
            })?;
            return Ok(Local::Queued { key });
        }
        Err(Error::InvalidState {
            kind: "replica",
            id: entry.to_string(),
            reason: format!("{entry} runs on the server only: sync, then ask it there"),
        })
    }

    /// The commands queued since the last sync, oldest first.
    pub fn outbox(&self) -> Result<Vec<QueuedCommand>> {
        Ok(self.pending()?.into_iter().map(|p| p.command).collect())
    }

    /// The push to send the server now: the outbox and the replica's cursor.
    pub fn push(&self) -> Result<Push> {
        Ok(Push {
            protocol: PROTOCOL,
            cursor: self.cursor()?,
            commands: self.outbox()?,
        })
    }

    /// Takes the server's reply: the provisional state is replaced by the server's, the
    /// settled commands leave the outbox, and those the reply does not settle (made after
    /// the push) are run again on top of the server's state. Receiving the same reply
    /// twice changes nothing the second time. Returns how each settled command ended.
    pub fn receive(&self, reply: &Reply) -> Result<Vec<Resolution>> {
        if reply.protocol != PROTOCOL {
            return Err(Error::invalid(
                "protocol",
                "the reply is of another sync protocol: upgrade kis",
            ));
        }
        let state = self.state()?;
        let pending = self.pending()?;
        let settles = |p: &Pending| reply.outcomes.iter().any(|o| o.key == p.command.key);
        if reply.changes.cursor <= state.cursor && !pending.iter().any(settles) {
            // An old reply, received again after a newer one: nothing left to learn.
            return Ok(Vec::new());
        }
        let policy_changed = reply
            .changes
            .events
            .iter()
            .any(|e| e.collection == crate::engine::PolicyVersion::COLLECTION);
        self.engine.run_as(
            None,
            None,
            APPLY,
            &serde_json::json!({"cursor": reply.changes.cursor}),
            |ctx| {
                // The provisional state goes, newest first, with the local records of the
                // keys (a replay must run again, not return the provisional result)...
                for p in pending.iter().rev() {
                    let idempotency = crate::engine::IdempotencyRecord::COLLECTION;
                    if let Some(record) = ctx.tx().get(idempotency, &p.command.key)? {
                        ctx.tx()
                            .delete(idempotency, &p.command.key, record.version)?;
                    }
                    for change in p.entry.changes.iter().rev() {
                        let before = change
                            .before
                            .as_ref()
                            .map(serde_json::to_string)
                            .transpose()
                            .map_err(|e| Error::invalid("before", e.to_string()))?;
                        ctx.write_raw(&change.collection, &change.id, before.as_deref())?;
                    }
                }
                // ...the server's comes in...
                for event in &reply.changes.events {
                    apply_event(ctx, event)?;
                }
                let mut state = state.clone();
                state.cursor = reply.changes.cursor.max(state.cursor);
                state.settled = ctx_head(ctx)?.saturating_add(1);
                if policy_changed
                    && let Some(v) = reply
                        .changes
                        .events
                        .iter()
                        .rev()
                        .find(|e| e.collection == crate::engine::PolicyVersion::COLLECTION)
                {
                    state.policy = v.id.clone();
                }
                ctx.write_raw(
                    ReplicaState::COLLECTION,
                    "replica",
                    Some(&document::encode(&state)?),
                )
            },
        )?;
        if policy_changed
            && let Ok(in_force) = self.engine.policy_in_force(self.engine.today())
            && in_force.hash() != self.engine.policy().hash()
        {
            self.engine.adopt((*in_force).clone());
        }
        // ...and what the server has not settled runs again, with its own key.
        let mut resolutions = Vec::new();
        for p in pending {
            match reply.outcomes.iter().find(|o| o.key == p.command.key) {
                Some(outcome) => resolutions.push(resolve(&p, outcome)),
                None => self.replay(&p.command)?,
            }
        }
        Ok(resolutions)
    }

    /// Queues a command for the server without a local effect: an audit entry of the
    /// replica's user with the command's key, and no changes.
    fn queue(&self, command: &QueuedCommand) -> Result<()> {
        self.engine.run_as(
            Some(&self.actor.user),
            Some(&command.key),
            QUEUE,
            command,
            |_| Ok(()),
        )
    }

    /// Runs a command the reply did not settle again on the replica, with its key.
    fn replay(&self, command: &QueuedCommand) -> Result<()> {
        let request = serde_json::to_string(&command.request)
            .map_err(|e| Error::invalid("request", e.to_string()))?;
        if !applies_offline(&command.entry, &request)? {
            return self.queue(command);
        }
        match self
            .engine
            .call(&self.actor, &command.entry, &request, Some(&command.key))
        {
            Ok(_) => Ok(()),
            // It no longer applies on the server's state (the quote was approved
            // meanwhile): it stays queued without a local effect, and the server says why.
            Err(e) if !Problem::from(&e).retryable() => self.queue(command),
            Err(e) => Err(e),
        }
    }

    /// The local audit entries not yet settled that are queued commands.
    fn pending(&self) -> Result<Vec<Pending>> {
        let state = self.state()?;
        let entries = self.engine.audit_trail(&AuditFilter {
            from_seq: state.settled.max(1),
            document: None,
        })?;
        let mut out = Vec::new();
        for entry in entries {
            if entry.actor != self.actor.user.as_str() || entry.command == APPLY {
                continue;
            }
            let Some(key) = entry.idempotency_key.clone() else {
                continue;
            };
            let command = if entry.command == QUEUE {
                serde_json::from_value::<QueuedCommand>(entry.input.clone())
                    .map_err(|e| document::corrupt(format!("queued command {key}: {e}")))?
            } else {
                let Some(declared) = crate::api::ENTRIES
                    .iter()
                    .find(|e| e.audit_name == Some(entry.command.as_str()))
                else {
                    continue;
                };
                QueuedCommand {
                    key,
                    entry: declared.name.to_string(),
                    request: entry.input.clone(),
                }
            };
            out.push(Pending { entry, command });
        }
        Ok(out)
    }

    fn head(&self) -> Result<u64> {
        self.engine.read(crate::audit::head_seq)
    }
}

/// The audit head as a running command sees it.
fn ctx_head(ctx: &mut crate::engine::CommandContext<'_>) -> Result<u64> {
    crate::audit::head_seq(ctx.tx())
}

/// Whether the replica applies `entry` with `request` as provisional: the [`OFFLINE`]
/// commands, and the `submit` of a quote (the one review step a phone takes itself).
fn applies_offline(entry: &str, request: &str) -> Result<bool> {
    if OFFLINE.contains(&entry) {
        return Ok(true);
    }
    if entry != "submit" {
        return Ok(false);
    }
    let value: Value = crate::api::decode(request)?;
    Ok(value.get("kind").and_then(Value::as_str) == Some("quote"))
}

/// A name for a new replica: its user, and a hash of the instant it was seeded and of
/// the process's random hasher seed, so that two phones of one user seeded in the same
/// second still get keys of their own.
fn replica_name(actor: &UserId, now: chrono::DateTime<chrono::Utc>) -> String {
    use sha2::{Digest, Sha256};
    use std::hash::{BuildHasher, Hasher};
    let noise = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    let digest = Sha256::digest(format!("{actor}@{}#{noise}", now.to_rfc3339()).as_bytes());
    let short: String = hex::encode(digest).chars().take(12).collect();
    format!("{actor}-{short}")
}

/// Writes the server's state of one document into the replica, decoded as its type
/// first (so that what is stored is a valid document, in kis's own encoding).
fn apply_event(ctx: &mut crate::engine::CommandContext<'_>, event: &ChangeEvent) -> Result<()> {
    if event.collection == SalesFact::COLLECTION {
        // Facts are append-only, in segments: one the replica has stays as it is.
        if let (ChangeKind::Created | ChangeKind::Updated, Some(state)) = (event.kind, &event.state)
        {
            let fact: SalesFact = serde_json::from_value(state.clone())
                .map_err(|e| document::corrupt(format!("sales fact {}: {e}", event.id)))?;
            match ctx.append_facts(std::slice::from_ref(&fact)) {
                Ok(()) | Err(Error::AlreadyExists { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        return Ok(());
    }
    let body = match (event.kind, &event.state) {
        (ChangeKind::Created | ChangeKind::Updated, Some(state)) => {
            Some(canonical(&event.collection, &event.id, state)?)
        }
        (ChangeKind::Removed | ChangeKind::Revoked, _) => None,
        (_, None) => {
            return Err(document::corrupt(format!(
                "{} {}: an event without its state",
                event.collection, event.id
            )));
        }
    };
    ctx.write_raw(&event.collection, &event.id, body.as_deref())
}

macro_rules! canonical_fn {
    ($($t:ty),*) => {
        /// The stored encoding of a fed document's JSON, decoded as its type first.
        fn canonical(collection: &str, id: &str, state: &Value) -> Result<String> {
            $(
                if collection == <$t as Document>::COLLECTION {
                    let doc: $t = serde_json::from_value(state.clone()).map_err(|e| {
                        document::corrupt(format!("{} {id} from the server: {e}", <$t as Document>::KIND))
                    })?;
                    return document::encode(&doc);
                }
            )*
            Err(document::corrupt(format!("{collection} {id}: not a collection the feed carries")))
        }
    };
}
for_each_fed!(canonical_fn);

/// How a settled command ended, from the server's outcome and the replica's own
/// provisional result (its audit entry's last state of the output's document).
fn resolve(p: &Pending, outcome: &Outcome) -> Resolution {
    let (key, entry) = (p.command.key.clone(), p.command.entry.clone());
    match (&outcome.verdict, &outcome.output) {
        (Verdict::Rejected, _) | (_, None) => Resolution::Rejected {
            key,
            entry,
            problem: outcome.problem.clone().unwrap_or(Problem {
                kind: "InvalidState".into(),
                message: "refused by the server".into(),
                fields: Default::default(),
            }),
        },
        (Verdict::Accepted, Some(output)) => {
            let id = output.get("id").and_then(Value::as_str);
            let provisional = p
                .entry
                .changes
                .iter()
                .rev()
                .find(|c| Some(c.id.as_str()) == id && same_shape(&c.after, output))
                .map(|c| &c.after);
            let mut changes = Vec::new();
            if let Some(provisional) = provisional {
                differences("", Some(provisional), Some(output), &mut changes);
            }
            if changes.is_empty() {
                Resolution::Accepted { key, entry }
            } else {
                Resolution::AcceptedWithChanges {
                    key,
                    entry,
                    changes,
                }
            }
        }
    }
}

/// Whether a command's output is the document it changed (a quote for `create_quote`),
/// not a report about it (a review outcome for `submit`): only then are they compared.
fn same_shape(document: &Value, output: &Value) -> bool {
    match (document, output) {
        (Value::Object(d), Value::Object(o)) => o.keys().all(|k| d.contains_key(k)),
        _ => false,
    }
}

/// Whether a field only says when something happened (the phone's clock and the
/// server's differ; that is no change of substance).
fn is_time(key: &str) -> bool {
    key == "at" || key.ends_with("_at") || key == "respond_by" || key == "resolve_by"
}

/// Every path where `a` and `b` differ, leaves first.
fn differences(path: &str, a: Option<&Value>, b: Option<&Value>, out: &mut Vec<Difference>) {
    match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                if is_time(k) {
                    continue;
                }
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                differences(
                    &p,
                    x.get(k).filter(|v| !v.is_null()),
                    y.get(k).filter(|v| !v.is_null()),
                    out,
                );
            }
        }
        (Some(Value::Array(x)), Some(Value::Array(y))) if x.len() == y.len() => {
            for (i, (u, v)) in x.iter().zip(y).enumerate() {
                differences(&format!("{path}[{i}]"), Some(u), Some(v), out);
            }
        }
        (a, b) if a != b => out.push(Difference {
            path: path.to_string(),
            provisional: a.cloned(),
            authoritative: b.cloned(),
        }),
        _ => {}
    }
}
