//! The engine: applies the policy to commands, through a store, one transaction each.

mod command;
mod context;
mod idempotency;
mod policy_versions;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

pub use command::Command;
pub use context::CommandContext;
pub use idempotency::IdempotencyRecord;
pub use policy_versions::{InstallPolicy, PolicyVersion};

use crate::audit::{self, AuditEntry, AuditReport, NewEntry};
use crate::clock::{Clock, SystemClock};
use crate::document::{self, Document};
use crate::error::{Error, Result};
use crate::ids::UserId;
use crate::org::{Actor, User};
use crate::policy::Policy;
use crate::store::{self, AuditFilter, DocKey, Store, StoreError, Transaction};

/// The most threads one read decodes facts on, whatever is asked.
pub const MAX_READER_THREADS: usize = 64;

/// The actor name recorded for what the engine does by itself.
pub const SYSTEM_ACTOR: &str = "system";

/// The sales-management engine: one policy, one store, one clock.
///
/// Every command runs as one store transaction: authorise the actor, apply the rules,
/// write the state and one audit entry. Nothing is half-written.
///
/// ```
/// use std::sync::Arc;
/// use kis_core::admin::AddUser;
/// use kis_core::{Actor, Engine, Error, MemoryStore, Policy, Role};
///
/// let policy = Policy::from_toml(&std::fs::read_to_string("../examples/policy.toml")?)?;
/// let engine = Engine::open(Arc::new(MemoryStore::new()), policy)?;
/// engine.bootstrap_admin("admin", "Ada Admin")?;
/// let admin = Actor::new("admin");
/// let dong = AddUser { id: "dong".into(), name: "Dong Wei".into(), role: Role::Director, team: None };
/// assert_eq!(engine.execute(&admin, &dong)?.role, Role::Director);
/// // Who may do what is the engine's decision (P2): a director adds no users.
/// let refused = engine.execute(&Actor::new("dong"), &AddUser { id: "x".into(), ..dong.clone() });
/// assert!(matches!(refused, Err(Error::NotAuthorized { .. })));
/// // Any entry of the API as JSON, as the bindings and kis-server send it.
/// let user = engine.call(&admin, "user", r#"{"id": "dong"}"#, None)?;
/// assert!(user.contains("Dong Wei"));
/// assert!(engine.verify_audit()?.is_intact());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Engine {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    policy: RwLock<Arc<Policy>>,
    versions: Mutex<HashMap<String, Arc<Policy>>>,
    /// Threads that decode stored facts for one read (KPI, exports); 0: one per core.
    reader_threads: std::sync::atomic::AtomicUsize,
    /// The audit head when [`follow_installed_policy`](Self::follow_installed_policy)
    /// last looked at the stored versions.
    policy_checked_at: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("store", &self.store.backend())
            .field("policy", &self.policy().short_hash())
            .finish()
    }
}

/// A command for the engine's own bookkeeping (policy registration).
#[derive(Serialize, schemars::JsonSchema)]
struct RegisterPolicy {
    hash: String,
    effective_from: NaiveDate,
}

impl Engine {
    /// Opens an engine on `store` with `policy`, reading time from the system clock. The
    /// policy is recorded as a version in the store if it is new.
    pub fn open(store: Arc<dyn Store>, policy: Policy) -> Result<Engine> {
        Engine::open_with_clock(store, policy, Arc::new(SystemClock))
    }

    /// Opens an engine with an explicit clock (tests, simulations).
    pub fn open_with_clock(
        store: Arc<dyn Store>,
        policy: Policy,
        clock: Arc<dyn Clock>,
    ) -> Result<Engine> {
        let policy = Arc::new(policy);
        let engine = Engine {
            store,
            clock,
            policy: RwLock::new(Arc::clone(&policy)),
            versions: Mutex::new(HashMap::from([(
                policy.hash().to_string(),
                Arc::clone(&policy),
            )])),
            reader_threads: std::sync::atomic::AtomicUsize::new(0),
            policy_checked_at: std::sync::atomic::AtomicU64::new(0),
        };
        let effective = policy
            .general()
            .effective_from
            .unwrap_or_else(|| policy.business_date(engine.clock.now()));
        let already = engine.read(|tx| document::get::<PolicyVersion>(tx, policy.hash()))?;
        if already.is_none() {
            let cmd = RegisterPolicy {
                hash: policy.hash().to_string(),
                effective_from: effective,
            };
            engine.run_as(None, None, "policy.register", &cmd, |ctx| {
                policy_versions::register(ctx, &policy, effective, SYSTEM_ACTOR)
            })?;
        }
        engine.move_legacy_facts()?;
        Ok(engine)
    }

    /// Opens an engine on a store that already holds policy versions, under the one most
    /// recently installed (a server restarting, a second server on the same database).
    /// `NotFound` when the store has none: open it with a policy first.
    pub fn open_installed(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Result<Engine> {
        let versions = store::read(store.as_ref(), |tx| document::all::<PolicyVersion>(tx))?;
        let latest = latest_installed(&versions).ok_or(Error::NotFound {
            kind: "installed policy",
            id: store.backend().to_string(),
        })?;
        let policy = Policy::from_toml(&latest.source)?;
        Engine::open_with_clock(store, policy, clock)
    }

    /// Moves sales facts that an earlier kis stored as JSON documents into segments, in one
    /// transaction. Not an audited change: the facts, their ids and the audit entries
    /// that created them stay as they were; only their storage form changes.
    fn move_legacy_facts(&self) -> Result<()> {
        let mut any = false;
        self.read(|tx| {
            Ok::<_, Error>(tx.scan(crate::facts::SalesFact::COLLECTION, "", &mut |_| {
                any = true;
                std::ops::ControlFlow::Break(())
            })?)
        })?;
        if any {
            crate::store::write(self.store.as_ref(), |tx| {
                crate::facts::move_fact_documents(tx).map(|_| ())
            })?;
        }
        // Segments of an earlier kis carry no checksum: rewrite them with one, once.
        if self.read(|tx| crate::facts::has_format_1_segments(tx))? {
            crate::store::write(self.store.as_ref(), |tx| {
                crate::facts::upgrade_segments(tx).map(|_| ())
            })?;
        }
        Ok(())
    }

    /// Caps the threads that one large read (a year's KPI, an export of facts) decodes
    /// stored facts on; 0, the default, is one per core (at most 8). A server that
    /// embeds kis next to other work sets a smaller number. More than
    /// [`MAX_READER_THREADS`] reads on that many.
    pub fn set_reader_threads(&self, threads: usize) {
        self.reader_threads
            .store(threads, std::sync::atomic::Ordering::Relaxed);
    }

    /// The threads a large read decodes facts on (see [`set_reader_threads`]).
    ///
    /// [`set_reader_threads`]: Self::set_reader_threads
    pub fn reader_threads(&self) -> usize {
        match self
            .reader_threads
            .load(std::sync::atomic::Ordering::Relaxed)
        {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get().min(8)),
            n => n.min(MAX_READER_THREADS),
        }
    }

    /// The policy commands are decided under now.
    pub fn policy(&self) -> Arc<Policy> {
        Arc::clone(&self.policy.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// The store backend's name.
    pub fn backend(&self) -> &'static str {
        self.store.backend()
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The engine clock's current instant.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Today's business date in the company's time zone.
    pub fn today(&self) -> NaiveDate {
        self.policy().business_date(self.clock.now())
    }

    /// Runs a command for `actor`.
    pub fn execute<C: Command>(&self, actor: &Actor, command: &C) -> Result<C::Output> {
        check_text(command, C::TEXT_LIMIT)?;
        let output = self.run_as(Some(&actor.user), None, C::NAME, command, |ctx| {
            command.authorize(ctx)?;
            command.execute(ctx)
        })?;
        command.committed(self);
        Ok(output)
    }

    /// Runs a command with an idempotency key: if the key was used before for the same
    /// command, actor and content, returns the first result and writes nothing; if it
    /// was used for anything else, [`Error::IdempotencyKeyReused`].
    pub fn execute_idempotent<C: Command>(
        &self,
        actor: &Actor,
        key: &str,
        command: &C,
    ) -> Result<C::Output> {
        crate::ids::validate_id("idempotency key", key)?;
        if !C::REPLAYABLE {
            return Err(Error::invalid(
                "idempotency_key",
                format!(
                    "{} shows its output once and takes no idempotency key",
                    C::NAME
                ),
            ));
        }
        check_text(command, C::TEXT_LIMIT)?;
        let output = self.run_as(Some(&actor.user), Some(key), C::NAME, command, |ctx| {
            command.authorize(ctx)?;
            command.execute(ctx)
        })?;
        command.committed(self);
        Ok(output)
    }

    /// Installs a new policy version (admin only) and makes it current. A policy that
    /// fails validation never reaches this point: parse it with [`Policy::from_toml`].
    pub fn install_policy(
        &self,
        actor: &Actor,
        policy: Policy,
        effective_from: Option<NaiveDate>,
    ) -> Result<PolicyVersion> {
        let cmd = InstallPolicy {
            hash: policy.hash().to_string(),
            policy,
            effective_from,
        };
        self.execute(actor, &cmd)
    }

    /// Makes `policy` the engine's current one (after it was installed).
    pub(crate) fn adopt(&self, policy: Policy) {
        let policy = Arc::new(policy);
        self.cache(Arc::clone(&policy));
        *self.policy.write().unwrap_or_else(|p| p.into_inner()) = policy;
    }

    /// Adopts the policy most recently installed in the store when it is not the current
    /// one, and returns its hash. This is how several processes on one store (servers on
    /// one PostgreSQL database) keep in step: a policy installed through one becomes
    /// current in the others when they next call this. Cheap when nothing was written
    /// since the last call (one read of the audit head).
    pub fn follow_installed_policy(&self) -> Result<Option<String>> {
        use std::sync::atomic::Ordering;
        let head = self.read(|tx| crate::audit::head_seq(tx))?;
        if head != 0 && self.policy_checked_at.load(Ordering::Acquire) == head {
            return Ok(None);
        }
        let versions = self.read(|tx| document::all::<PolicyVersion>(tx))?;
        self.policy_checked_at.store(head, Ordering::Release);
        let Some(latest) = latest_installed(&versions) else {
            return Ok(None);
        };
        if latest.hash == self.policy().hash() {
            return Ok(None);
        }
        let policy = self.policy_by_hash_from(latest)?;
        *self.policy.write().unwrap_or_else(|p| p.into_inner()) = policy;
        Ok(Some(latest.hash.clone()))
    }

    /// Every stored policy version, oldest effective date first.
    pub fn policy_versions(&self) -> Result<Vec<PolicyVersion>> {
        let mut versions = self.read(|tx| document::all::<PolicyVersion>(tx))?;
        versions.sort_by(|a, b| {
            (a.effective_from, a.installed_at).cmp(&(b.effective_from, b.installed_at))
        });
        Ok(versions)
    }

    /// The policy in force on `date`: the stored version with the latest effective date
    /// on or before it (for judging a past period under its own rules).
    pub fn policy_in_force(&self, date: NaiveDate) -> Result<Arc<Policy>> {
        let versions = self.policy_versions()?;
        let chosen = versions
            .iter()
            .filter(|v| v.effective_from <= date)
            .reduce(|best, v| if v.supersedes(best) { v } else { best })
            .ok_or_else(|| Error::NotFound {
                kind: "policy in force on",
                id: date.to_string(),
            })?;
        self.policy_by_hash_from(chosen)
    }

    /// A stored policy version by its hash.
    pub fn policy_version(&self, hash: &str) -> Result<Arc<Policy>> {
        if let Some(p) = self
            .versions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(hash)
        {
            return Ok(Arc::clone(p));
        }
        let version = self.read(|tx| document::load::<PolicyVersion>(tx, hash))?;
        self.policy_by_hash_from(&version.value)
    }

    fn policy_by_hash_from(&self, version: &PolicyVersion) -> Result<Arc<Policy>> {
        if let Some(p) = self
            .versions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&version.hash)
        {
            return Ok(Arc::clone(p));
        }
        let policy = Arc::new(Policy::from_toml(&version.source)?);
        self.cache(Arc::clone(&policy));
        Ok(policy)
    }

    fn cache(&self, policy: Arc<Policy>) {
        self.versions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(policy.hash().to_string(), policy);
    }

    /// Runs read-only work in one consistent read transaction.
    pub fn read<R>(&self, work: impl FnOnce(&mut dyn Transaction) -> Result<R>) -> Result<R> {
        store::read(self.store.as_ref(), work)
    }

    /// Runs `work` as a command of `actor` would run (the acting user loaded, the policy,
    /// the clock), in a write transaction that is then rolled back: what a command would
    /// do, with nothing written. For checks that report every problem of a batch.
    pub(crate) fn rehearse<R>(
        &self,
        actor: &Actor,
        work: impl FnOnce(&mut CommandContext<'_>) -> Result<R>,
    ) -> Result<R> {
        let policy = self.policy();
        let now = crate::input::instant("clock", self.clock.now())?;
        let mut tx = self.store.begin(store::TxMode::Write)?;
        let user = load_actor(tx.as_mut(), &actor.user)?;
        let mut ctx = CommandContext::new(tx.as_mut(), Some(user), &policy, now);
        // The transaction is dropped without a commit: every backend rolls it back.
        work(&mut ctx)
    }

    /// Checks that `actor` is a known, active user, and returns them (for queries).
    pub fn acting_user(&self, actor: &Actor) -> Result<User> {
        self.read(|tx| load_actor(tx, &actor.user))
    }

    /// The audit trail, optionally for one document, from a sequence number on.
    pub fn audit_trail(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        self.read(|tx| audit::read(tx, filter, None))
    }

    /// The full history of one document (every audit entry that changed it).
    pub fn history(&self, collection: &str, id: &str) -> Result<Vec<AuditEntry>> {
        self.audit_trail(&AuditFilter {
            from_seq: 0,
            document: Some(DocKey::new(collection, id)),
        })
    }

    /// Verifies the whole audit chain (P1.3), and that every document (sales facts
    /// included) is stored as its last audit entry recorded it.
    pub fn verify_audit(&self) -> Result<AuditReport> {
        self.read(|tx| audit::verify(tx, &[&crate::facts::FactDocuments]))
    }

    /// The trail's anchor now: its last sequence number and head hash, signed with
    /// `key` (HMAC-SHA256) when one is given. Keep it outside the store; a later
    /// [`verify_audit_against`](Self::verify_audit_against) detects a trail rewritten
    /// and re-hashed, or cut off, since.
    pub fn audit_anchor(&self, key: Option<&[u8]>) -> Result<audit::AuditAnchor> {
        let head = self.read(|tx| Ok(tx.audit_head()?))?;
        let (seq, hash) = head.unwrap_or((0, String::new()));
        audit::AuditAnchor::new(seq, hash, key)
    }

    /// [`verify_audit`](Self::verify_audit), and that the trail still holds the entry
    /// `anchor` was taken at, unchanged. A signed anchor needs its `key`; a wrong key or
    /// an altered anchor is `InvalidInput` on `anchor`.
    pub fn verify_audit_against(
        &self,
        anchor: &audit::AuditAnchor,
        key: Option<&[u8]>,
    ) -> Result<AuditReport> {
        self.read(|tx| audit::verify_against(tx, &[&crate::facts::FactDocuments], anchor, key))
    }

    /// The engine's transaction pipeline, shared by every command.
    ///
    /// An attempt that fails for a reason a second attempt can cure is rolled back and run
    /// again from the start (re-reading, re-authorising, re-validating), a few times:
    /// a busy database, a serialization failure, a deadlock, a lost connection, or a
    /// version conflict with a command that committed in between. (A caller's own stale
    /// version is a domain error, not a store conflict, so it is never retried.)
    pub(crate) fn run_as<I: Serialize, R: Serialize + serde::de::DeserializeOwned>(
        &self,
        actor: Option<&UserId>,
        key: Option<&str>,
        name: &str,
        input: &I,
        work: impl Fn(&mut CommandContext<'_>) -> Result<R>,
    ) -> Result<R> {
        const ATTEMPTS: u32 = 8;
        let mut attempt = 1;
        loop {
            match self.attempt(actor, key, name, input, &work) {
                Err(Error::Store(StoreError::Unavailable { .. } | StoreError::Conflict { .. }))
                    if attempt < ATTEMPTS =>
                {
                    // Back off a little more each time, so that racers spread out.
                    let pause =
                        (1u64 << attempt.min(5)).saturating_add(u64::from(std::process::id() % 3));
                    std::thread::sleep(std::time::Duration::from_millis(pause));
                    attempt = attempt.saturating_add(1);
                }
                result => return result,
            }
        }
    }

    fn attempt<I: Serialize, R: Serialize + serde::de::DeserializeOwned>(
        &self,
        actor: Option<&UserId>,
        key: Option<&str>,
        name: &str,
        input: &I,
        work: &impl Fn(&mut CommandContext<'_>) -> Result<R>,
    ) -> Result<R> {
        let policy = self.policy();
        // Every date a command derives (deadlines, periods) starts here: a clock outside
        // the years kis holds is refused before anything is written.
        let now = crate::input::instant("clock", self.clock.now())?;
        let input =
            serde_json::to_value(input).map_err(|e| Error::invalid("command", e.to_string()))?;
        let actor_name = actor.map_or(SYSTEM_ACTOR.to_string(), |a| a.to_string());
        // Only a keyed command is compared with its first run; hashing a large input (an
        // import batch) for nothing would cost a serialisation of it.
        let request_hash = key.map(|_| idempotency::request_hash(name, &actor_name, &input));
        store::write(self.store.as_ref(), |tx| {
            if let Some(key) = key
                && let Some(seen) = document::get::<IdempotencyRecord>(tx, key)?
            {
                if Some(&seen.value.request_hash) != request_hash.as_ref() {
                    return Err(Error::IdempotencyKeyReused {
                        key: key.to_string(),
                    });
                }
                return serde_json::from_value(seen.value.output).map_err(|e| {
                    StoreError::Corrupt {
                        backend: "idempotency",
                        message: e.to_string(),
                    }
                    .into()
                });
            }
            let user = actor.map(|a| load_actor(tx, a)).transpose()?;
            let mut ctx = CommandContext::new(tx, user, &policy, now);
            let output = work(&mut ctx)?;
            let changes = ctx.into_changes();
            let entry = audit::append(
                tx,
                NewEntry {
                    at: now,
                    actor: actor_name.clone(),
                    command: name.to_string(),
                    input,
                    changes,
                    policy_version: policy.hash().to_string(),
                    idempotency_key: key.map(str::to_string),
                },
            )?;
            if let Some(key) = key {
                let record = IdempotencyRecord {
                    key: key.to_string(),
                    request_hash: request_hash.clone().unwrap_or_default(),
                    command: name.to_string(),
                    output: serde_json::to_value(&output)
                        .map_err(|e| Error::invalid("command output", e.to_string()))?,
                    audit_seq: entry.seq,
                    at: now,
                };
                tx.put(
                    IdempotencyRecord::COLLECTION,
                    key,
                    &document::encode(&record)?,
                    store::Expected::Absent,
                )?;
            }
            Ok(output)
        })
    }
}

/// Bounds every text of a command before it runs (see [`crate::input::command_text`]).
fn check_text<C: Command>(command: &C, limit: Option<usize>) -> Result<()> {
    let Some(limit) = limit else {
        return Ok(());
    };
    let value =
        serde_json::to_value(command).map_err(|e| Error::invalid("command", e.to_string()))?;
    Ok(crate::input::command_text(&value, limit)?)
}

/// Loads the acting user; unknown or deactivated users may not act.
fn load_actor(tx: &mut dyn Transaction, id: &UserId) -> Result<User> {
    match document::get::<User>(tx, id.as_str())? {
        Some(user) if user.value.active => Ok(user.value),
        Some(_) => Err(Error::not_authorized(id, "act", "the user is deactivated")),
        None => Err(Error::not_authorized(id, "act", "no such user")),
    }
}

/// The version installed last (on the same instant, the greater hash, so every process
/// picks the same one).
fn latest_installed(versions: &[PolicyVersion]) -> Option<&PolicyVersion> {
    versions
        .iter()
        .max_by(|a, b| (a.installed_at, &a.hash).cmp(&(b.installed_at, &b.hash)))
}
