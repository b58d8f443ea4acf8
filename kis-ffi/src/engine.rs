//! `KisEngine`: the engine on a local SQLite file (or a server URL), for apps.

// Exported methods mirror the commands field by field; Kotlin and Swift callers name
// their arguments, so a long parameter list reads well there.
#![allow(clippy::too_many_arguments)]

use std::sync::Arc;

use kis::org::{AddTeam, AddUser, UpdateTeam, UpdateUser};
use kis::store::{AuditFilter, DocKey};
use kis::{Actor, Command, Engine};

use crate::clock::ManualClock;
use crate::error::KisError;
use crate::records::{AuditAnchor, AuditEntry, AuditReport, PolicyVersion, Role, Team, User};
use crate::values::Day;

/// The sales-management engine. Every command takes the acting user's id and an optional
/// idempotency key (a retried request with the same key returns the first result).
#[derive(uniffi::Object)]
pub struct KisEngine {
    inner: Engine,
}

impl KisEngine {
    /// The wrapped engine.
    pub(crate) fn engine(&self) -> &Engine {
        &self.inner
    }

    /// Runs a command for `actor`, with an optional idempotency key.
    pub(crate) fn run<C: Command>(
        &self,
        actor: &str,
        key: Option<String>,
        cmd: C,
    ) -> Result<C::Output, KisError> {
        let actor = Actor::new(actor);
        Ok(match key {
            Some(k) => self.inner.execute_idempotent(&actor, &k, &cmd)?,
            None => self.inner.execute(&actor, &cmd)?,
        })
    }

    fn open_with(
        location: &str,
        policy_toml: &str,
        clock: Arc<dyn kis::Clock>,
    ) -> Result<Arc<Self>, KisError> {
        let policy = kis::Policy::from_toml(policy_toml)?;
        let store = kis::open_store(location)?;
        Ok(Arc::new(KisEngine {
            inner: Engine::open_with_clock(store, policy, clock)?,
        }))
    }
}

#[uniffi::export]
impl KisEngine {
    /// Opens the engine: `location` is a file path (SQLite, created if missing),
    /// ":memory:", or a "postgresql://" URL; `policy_toml` is the policy text.
    #[uniffi::constructor]
    pub fn open(location: String, policy_toml: String) -> Result<Arc<Self>, KisError> {
        KisEngine::open_with(&location, &policy_toml, Arc::new(kis::SystemClock))
    }

    /// Opens the engine with a manual clock (tests, simulations).
    #[uniffi::constructor]
    pub fn open_with_clock(
        location: String,
        policy_toml: String,
        clock: Arc<ManualClock>,
    ) -> Result<Arc<Self>, KisError> {
        KisEngine::open_with(&location, &policy_toml, clock.inner.clone())
    }

    /// Runs any entry of the API declaration (see `apiSchema()`) for `actor`, with the
    /// request as JSON; the output as JSON. This is the wire the server and sync carry:
    /// every command and query of the engine, with the same names, inputs, checks and
    /// errors as in Rust and Python. A command may carry an idempotency key.
    pub fn call(
        &self,
        entry: String,
        actor: String,
        request: String,
        idempotency_key: Option<String>,
    ) -> Result<String, KisError> {
        Ok(self.inner.call(
            &Actor::new(actor),
            &entry,
            &request,
            idempotency_key.as_deref(),
        )?)
    }

    /// The store backend: "sqlite" or "postgres".
    pub fn backend(&self) -> String {
        self.inner.backend().to_string()
    }

    /// The threads one large read (a year's KPI, an export of facts) decodes stored
    /// facts on.
    pub fn reader_threads(&self) -> u32 {
        u32::try_from(self.inner.reader_threads()).unwrap_or(u32::MAX)
    }

    /// Caps the threads of one large read; 0 means one per core (at most 8). An app
    /// that must stay responsive sets 1.
    pub fn set_reader_threads(&self, threads: u32) {
        self.inner.set_reader_threads(threads as usize);
    }

    /// The current policy's content hash.
    pub fn policy_hash(&self) -> String {
        self.inner.policy().hash().to_string()
    }

    /// Today's business date in the company's time zone.
    pub fn today(&self) -> Day {
        Day::from_date(self.inner.today())
    }

    /// Creates the first administrator of an empty store.
    pub fn bootstrap_admin(&self, id: String, name: String) -> Result<User, KisError> {
        Ok(self.inner.bootstrap_admin(id, &name)?.into())
    }

    /// Adds a user (admin only); reps need a team (P2.1).
    pub fn add_user(
        &self,
        actor: String,
        id: String,
        name: String,
        role: Role,
        team: Option<String>,
        idempotency_key: Option<String>,
    ) -> Result<User, KisError> {
        let cmd = AddUser {
            id: id.into(),
            name,
            role: role.into(),
            team: team.map(Into::into),
        };
        Ok(self.run(&actor, idempotency_key, cmd)?.into())
    }

    /// Renames, re-roles, moves or (de)activates a user (admin only); `None` keeps a field.
    pub fn update_user(
        &self,
        actor: String,
        id: String,
        name: Option<String>,
        role: Option<Role>,
        team: Option<String>,
        active: Option<bool>,
        idempotency_key: Option<String>,
    ) -> Result<User, KisError> {
        let cmd = UpdateUser {
            id: id.into(),
            name,
            role: role.map(Into::into),
            team: team.map(Into::into),
            remove_team: false,
            active,
        };
        Ok(self.run(&actor, idempotency_key, cmd)?.into())
    }

    /// Adds a team led by an active manager (admin only).
    pub fn add_team(
        &self,
        actor: String,
        id: String,
        name: String,
        manager: String,
        director: Option<String>,
        idempotency_key: Option<String>,
    ) -> Result<Team, KisError> {
        let cmd = AddTeam {
            id: id.into(),
            name,
            manager: manager.into(),
            director: director.map(Into::into),
        };
        Ok(self.run(&actor, idempotency_key, cmd)?.into())
    }

    /// Changes a team's name, manager or director (admin only); `None` keeps a field.
    pub fn update_team(
        &self,
        actor: String,
        id: String,
        name: Option<String>,
        manager: Option<String>,
        director: Option<String>,
        idempotency_key: Option<String>,
    ) -> Result<Team, KisError> {
        let cmd = UpdateTeam {
            id: id.into(),
            name,
            manager: manager.map(Into::into),
            director: director.map(Into::into),
            remove_director: false,
        };
        Ok(self.run(&actor, idempotency_key, cmd)?.into())
    }

    /// Every user.
    pub fn users(&self, actor: String) -> Result<Vec<User>, KisError> {
        Ok(self
            .inner
            .users(&Actor::new(actor))?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// One user.
    pub fn user(&self, actor: String, id: String) -> Result<User, KisError> {
        Ok(self.inner.user(&Actor::new(actor), &id.into())?.into())
    }

    /// Every team.
    pub fn teams(&self, actor: String) -> Result<Vec<Team>, KisError> {
        Ok(self
            .inner
            .teams(&Actor::new(actor))?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Installs a new policy version (admin only) and makes it current.
    pub fn install_policy(
        &self,
        actor: String,
        policy_toml: String,
        effective_from: Option<Day>,
    ) -> Result<PolicyVersion, KisError> {
        let policy = kis::Policy::from_toml(&policy_toml)?;
        let effective = effective_from
            .map(|d| d.parse("effective_from"))
            .transpose()?;
        Ok(self
            .inner
            .install_policy(&Actor::new(actor), policy, effective)?
            .into())
    }

    /// Every stored policy version, oldest effective date first.
    pub fn policy_versions(&self) -> Result<Vec<PolicyVersion>, KisError> {
        Ok(self
            .inner
            .policy_versions()?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The content hash of the policy in force on `date`.
    pub fn policy_in_force(&self, date: Day) -> Result<String, KisError> {
        Ok(self
            .inner
            .policy_in_force(date.parse("date")?)?
            .hash()
            .to_string())
    }

    /// The audit trail of one document (`collection`, `id`), or all of it.
    pub fn audit_trail(
        &self,
        collection: Option<String>,
        id: Option<String>,
        from_seq: u64,
    ) -> Result<Vec<AuditEntry>, KisError> {
        let document = match (collection, id) {
            (Some(c), Some(i)) => Some(DocKey::new(c, i)),
            (None, None) => None,
            _ => {
                return Err(KisError::invalid(
                    "collection",
                    "give both collection and id, or neither",
                ));
            }
        };
        let entries = self
            .inner
            .audit_trail(&AuditFilter { from_seq, document })?;
        Ok(entries.into_iter().map(Into::into).collect())
    }

    /// Verifies the whole audit chain (P1.3), and that every document is stored as its
    /// last entry recorded it.
    pub fn verify_audit(&self) -> Result<AuditReport, KisError> {
        Ok(self.inner.verify_audit()?.into())
    }

    /// The trail's anchor now, HMAC-signed with `key` when given: keep it elsewhere.
    pub fn audit_anchor(&self, key: Option<Vec<u8>>) -> Result<AuditAnchor, KisError> {
        Ok(self.inner.audit_anchor(key.as_deref())?.into())
    }

    /// `verifyAudit`, and that the trail still holds the anchored entry unchanged.
    pub fn verify_audit_against(
        &self,
        anchor: AuditAnchor,
        key: Option<Vec<u8>>,
    ) -> Result<AuditReport, KisError> {
        let anchor = kis::audit::AuditAnchor::from(anchor);
        Ok(self
            .inner
            .verify_audit_against(&anchor, key.as_deref())?
            .into())
    }
}
