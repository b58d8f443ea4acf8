//! `kis.Engine`: the engine on a store, with every command and query.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use pyo3::prelude::*;
use pyo3::types::PyString;

use kis::org::{AddTeam, AddUser, UpdateTeam, UpdateUser};
use kis::store::{AuditFilter, DocKey};
use kis::{Actor, Command, Engine};

use crate::clock::PyManualClock;
use crate::convert;
use crate::errors::OrRaise;
use crate::policy::PyPolicy;
use crate::records::{PyAuditAnchor, PyAuditEntry, PyAuditReport, PyPolicyVersion, PyTeam, PyUser};

/// The sales-management engine: one policy, one store, one clock. Every command takes
/// the acting user's id first, and may take an `idempotency_key` so that a retry after a
/// lost connection returns the first result instead of acting twice.
#[pyclass(module = "kis", name = "Engine", frozen)]
pub struct PyEngine {
    inner: Engine,
}

fn policy_arg(py: Python<'_>, policy: &Bound<'_, PyAny>) -> PyResult<Arc<kis::Policy>> {
    if let Ok(p) = policy.cast::<PyPolicy>() {
        return Ok(Arc::clone(&p.get().inner));
    }
    if let Ok(text) = policy.cast::<PyString>() {
        let text: String = text.extract()?;
        return Ok(Arc::new(kis::Policy::from_toml(&text).or_raise(py)?));
    }
    Err(crate::errors::invalid(
        py,
        "policy",
        "expected a kis.Policy or the policy's TOML text",
    ))
}

impl PyEngine {
    /// The wrapped engine.
    pub(crate) fn engine(&self) -> &Engine {
        &self.inner
    }

    /// Runs a command for `actor`, with the GIL released.
    pub(crate) fn run<C>(
        &self,
        py: Python<'_>,
        actor: &str,
        key: Option<&str>,
        cmd: C,
    ) -> PyResult<C::Output>
    where
        C: Command + Send + Sync,
        C::Output: Send,
    {
        let actor = Actor::new(actor);
        py.detach(|| match key {
            Some(k) => self.inner.execute_idempotent(&actor, k, &cmd),
            None => self.inner.execute(&actor, &cmd),
        })
        .or_raise(py)
    }
}

#[pymethods]
impl PyEngine {
    /// Opens the engine on a store: a file path (SQLite, created if missing), ":memory:",
    /// or a "postgresql://" URL; with a kis.Policy or its TOML text; and optionally a
    /// kis.ManualClock (the system clock otherwise).
    #[staticmethod]
    #[pyo3(signature = (location, policy, *, clock = None))]
    fn open(
        py: Python<'_>,
        location: &str,
        policy: &Bound<'_, PyAny>,
        clock: Option<&PyManualClock>,
    ) -> PyResult<Self> {
        let policy = policy_arg(py, policy)?;
        let clock: Arc<dyn kis::Clock> = match clock {
            Some(c) => c.inner.clone(),
            None => Arc::new(kis::SystemClock),
        };
        let location = location.to_string();
        let engine = py
            .detach(move || {
                let store = kis::open_store(&location)?;
                Engine::open_with_clock(store, (*policy).clone(), clock)
            })
            .or_raise(py)?;
        Ok(PyEngine { inner: engine })
    }

    /// The store backend: "sqlite", "postgres" or "memory".
    #[getter]
    fn backend(&self) -> &'static str {
        self.inner.backend()
    }

    /// The threads one large read (a year's KPI, an export of facts) decodes stored
    /// facts on; setting 0 means one per core (at most 8).
    #[getter]
    fn reader_threads(&self) -> usize {
        self.inner.reader_threads()
    }

    #[setter]
    fn set_reader_threads(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::convert::int)] threads: i128,
    ) -> PyResult<()> {
        let threads = kis::input::count("reader_threads", threads)
            .map_err(|e| crate::errors::to_py(py, e.into()))?;
        self.inner
            .set_reader_threads(usize::try_from(threads).unwrap_or(usize::MAX));
        Ok(())
    }

    /// The policy commands are decided under now.
    #[getter]
    fn policy(&self) -> PyPolicy {
        PyPolicy {
            inner: self.inner.policy(),
        }
    }

    /// The engine clock's instant.
    fn now(&self) -> DateTime<Utc> {
        self.inner.now()
    }

    /// Today's business date in the company's time zone.
    fn today(&self) -> NaiveDate {
        self.inner.today()
    }

    /// Creates the first administrator of an empty store.
    fn bootstrap_admin(&self, py: Python<'_>, id: &str, name: &str) -> PyResult<PyUser> {
        Ok(py
            .detach(|| self.inner.bootstrap_admin(id, name))
            .or_raise(py)?
            .into())
    }

    /// Adds a user (admin only). Reps need a team (P2.1).
    #[pyo3(signature = (actor, id, name, role, team = None, *, idempotency_key = None))]
    #[allow(clippy::too_many_arguments)]
    fn add_user(
        &self,
        py: Python<'_>,
        actor: &str,
        id: &str,
        name: &str,
        role: &str,
        team: Option<&str>,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyUser> {
        let cmd = AddUser {
            id: id.into(),
            name: name.into(),
            role: convert::role(py, role)?,
            team: team.map(Into::into),
        };
        Ok(self.run(py, actor, idempotency_key, cmd)?.into())
    }

    /// Changes a user (admin only); arguments left out stay as they are.
    #[pyo3(signature = (actor, id, *, name = None, role = None, team = None, remove_team = false, active = None, idempotency_key = None))]
    #[allow(clippy::too_many_arguments)]
    fn update_user(
        &self,
        py: Python<'_>,
        actor: &str,
        id: &str,
        name: Option<String>,
        role: Option<&str>,
        team: Option<&str>,
        remove_team: bool,
        active: Option<bool>,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyUser> {
        let team = match (team, remove_team) {
            (Some(_), true) => {
                return Err(crate::errors::invalid(
                    py,
                    "team",
                    "give team or remove_team, not both",
                ));
            }
            (Some(t), false) => Some(Some(t.into())),
            (None, true) => Some(None),
            (None, false) => None,
        };
        let role = role.map(|r| convert::role(py, r)).transpose()?;
        let cmd = UpdateUser {
            id: id.into(),
            name,
            role,
            team,
            active,
        };
        Ok(self.run(py, actor, idempotency_key, cmd)?.into())
    }

    /// Adds a team led by an active manager, optionally under a director (admin only).
    #[pyo3(signature = (actor, id, name, manager, director = None, *, idempotency_key = None))]
    #[allow(clippy::too_many_arguments)]
    fn add_team(
        &self,
        py: Python<'_>,
        actor: &str,
        id: &str,
        name: &str,
        manager: &str,
        director: Option<&str>,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyTeam> {
        let cmd = AddTeam {
            id: id.into(),
            name: name.into(),
            manager: manager.into(),
            director: director.map(Into::into),
        };
        Ok(self.run(py, actor, idempotency_key, cmd)?.into())
    }

    /// Changes a team (admin only); arguments left out stay as they are.
    #[pyo3(signature = (actor, id, *, name = None, manager = None, director = None, remove_director = false, idempotency_key = None))]
    #[allow(clippy::too_many_arguments)]
    fn update_team(
        &self,
        py: Python<'_>,
        actor: &str,
        id: &str,
        name: Option<String>,
        manager: Option<&str>,
        director: Option<&str>,
        remove_director: bool,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyTeam> {
        let director = match (director, remove_director) {
            (Some(_), true) => {
                return Err(crate::errors::invalid(
                    py,
                    "director",
                    "give director or remove_director, not both",
                ));
            }
            (Some(d), false) => Some(Some(d.into())),
            (None, true) => Some(None),
            (None, false) => None,
        };
        let cmd = UpdateTeam {
            id: id.into(),
            name,
            manager: manager.map(Into::into),
            director,
        };
        Ok(self.run(py, actor, idempotency_key, cmd)?.into())
    }

    /// Every user.
    fn users(&self, py: Python<'_>, actor: &str) -> PyResult<Vec<PyUser>> {
        let users = py
            .detach(|| self.inner.users(&Actor::new(actor)))
            .or_raise(py)?;
        Ok(users.into_iter().map(Into::into).collect())
    }

    /// One user.
    fn user(&self, py: Python<'_>, actor: &str, id: &str) -> PyResult<PyUser> {
        Ok(py
            .detach(|| self.inner.user(&Actor::new(actor), &id.into()))
            .or_raise(py)?
            .into())
    }

    /// Every team.
    fn teams(&self, py: Python<'_>, actor: &str) -> PyResult<Vec<PyTeam>> {
        let teams = py
            .detach(|| self.inner.teams(&Actor::new(actor)))
            .or_raise(py)?;
        Ok(teams.into_iter().map(Into::into).collect())
    }

    /// One team.
    fn team(&self, py: Python<'_>, actor: &str, id: &str) -> PyResult<PyTeam> {
        Ok(py
            .detach(|| self.inner.team(&Actor::new(actor), &id.into()))
            .or_raise(py)?
            .into())
    }

    /// Installs a new policy version (admin only) and makes it current.
    #[pyo3(signature = (actor, policy, effective_from = None))]
    fn install_policy(
        &self,
        py: Python<'_>,
        actor: &str,
        policy: &Bound<'_, PyAny>,
        effective_from: Option<NaiveDate>,
    ) -> PyResult<PyPolicyVersion> {
        let policy = policy_arg(py, policy)?;
        let v = py
            .detach(|| {
                self.inner
                    .install_policy(&Actor::new(actor), (*policy).clone(), effective_from)
            })
            .or_raise(py)?;
        Ok(v.into())
    }

    /// Every stored policy version, oldest effective date first.
    fn policy_versions(&self, py: Python<'_>) -> PyResult<Vec<PyPolicyVersion>> {
        let versions = py.detach(|| self.inner.policy_versions()).or_raise(py)?;
        Ok(versions.into_iter().map(Into::into).collect())
    }

    /// The policy in force on a date (for judging a past period by its own rules).
    fn policy_in_force(&self, py: Python<'_>, date: NaiveDate) -> PyResult<PyPolicy> {
        Ok(PyPolicy {
            inner: py
                .detach(|| self.inner.policy_in_force(date))
                .or_raise(py)?,
        })
    }

    /// The audit trail, optionally only the entries that changed one document
    /// (`collection`, `id`), from a sequence number on.
    #[pyo3(signature = (*, collection = None, id = None, from_seq = 0))]
    fn audit_trail(
        &self,
        py: Python<'_>,
        collection: Option<&str>,
        id: Option<&str>,
        #[pyo3(from_py_with = crate::convert::count)] from_seq: u64,
    ) -> PyResult<Vec<PyAuditEntry>> {
        let document = match (collection, id) {
            (Some(c), Some(i)) => Some(DocKey::new(c, i)),
            (None, None) => None,
            _ => {
                return Err(crate::errors::invalid(
                    py,
                    "collection",
                    "give both collection and id, or neither",
                ));
            }
        };
        let filter = AuditFilter { from_seq, document };
        let entries = py.detach(|| self.inner.audit_trail(&filter)).or_raise(py)?;
        entries
            .into_iter()
            .map(|e| PyAuditEntry::from_entry(py, e))
            .collect()
    }

    /// Verifies the whole audit chain (P1.3), and that every document is stored as its
    /// last entry recorded it (`report.mismatches`).
    fn verify_audit(&self, py: Python<'_>) -> PyResult<PyAuditReport> {
        Ok(py.detach(|| self.inner.verify_audit()).or_raise(py)?.into())
    }

    /// The trail's anchor now, HMAC-signed with `key` (bytes) when given: keep it
    /// outside the store.
    #[pyo3(signature = (key = None))]
    fn audit_anchor(&self, py: Python<'_>, key: Option<Vec<u8>>) -> PyResult<PyAuditAnchor> {
        Ok(self.inner.audit_anchor(key.as_deref()).or_raise(py)?.into())
    }

    /// `verify_audit`, and that the trail still holds the anchored entry unchanged (a
    /// re-hashed or cut-off trail is reported broken). A signed anchor needs its `key`.
    #[pyo3(signature = (anchor, key = None))]
    fn verify_audit_against(
        &self,
        py: Python<'_>,
        anchor: &PyAuditAnchor,
        key: Option<Vec<u8>>,
    ) -> PyResult<PyAuditReport> {
        let anchor = kis::audit::AuditAnchor::from(anchor);
        Ok(py
            .detach(|| self.inner.verify_audit_against(&anchor, key.as_deref()))
            .or_raise(py)?
            .into())
    }

    fn __repr__(&self) -> String {
        format!(
            "Engine(backend='{}', policy='{}')",
            self.inner.backend(),
            self.inner.policy().short_hash()
        )
    }
}
