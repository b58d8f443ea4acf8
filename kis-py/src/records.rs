//! Plain records returned to Python.

use chrono::{DateTime, NaiveDate, Utc};
use pyo3::prelude::*;

/// An optional string as Python would print it.
fn py_opt(v: &Option<String>) -> String {
    v.as_ref().map_or("None".to_string(), |s| format!("{s:?}"))
}

/// A member of the sales organisation.
#[pyclass(module = "kis", name = "User", frozen, get_all, eq)]
#[derive(Clone, PartialEq)]
pub struct PyUser {
    /// Unique id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Role name: rep, manager, director, marketing, finance, legal or admin.
    pub role: String,
    /// Team id, if any.
    pub team: Option<String>,
    /// Whether the user may act.
    pub active: bool,
    /// When the user was added.
    pub created_at: DateTime<Utc>,
}

impl From<kis::User> for PyUser {
    fn from(u: kis::User) -> Self {
        PyUser {
            id: u.id.0,
            name: u.name,
            role: u.role.as_str().to_string(),
            team: u.team.map(|t| t.0),
            active: u.active,
            created_at: u.created_at,
        }
    }
}

#[pymethods]
impl PyUser {
    fn __repr__(&self) -> String {
        format!(
            "User(id={:?}, role={:?}, team={})",
            self.id,
            self.role,
            py_opt(&self.team)
        )
    }
}

/// A sales team.
#[pyclass(module = "kis", name = "Team", frozen, get_all, eq)]
#[derive(Clone, PartialEq)]
pub struct PyTeam {
    /// Unique id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The leading manager's user id.
    pub manager: String,
    /// The director's user id, if any.
    pub director: Option<String>,
}

impl From<kis::Team> for PyTeam {
    fn from(t: kis::Team) -> Self {
        PyTeam {
            id: t.id.0,
            name: t.name,
            manager: t.manager.0,
            director: t.director.map(|d| d.0),
        }
    }
}

#[pymethods]
impl PyTeam {
    fn __repr__(&self) -> String {
        format!(
            "Team(id={:?}, manager={:?}, director={})",
            self.id,
            self.manager,
            py_opt(&self.director)
        )
    }
}

/// One entry of the audit trail.
#[pyclass(module = "kis", name = "AuditEntry", frozen, get_all)]
pub struct PyAuditEntry {
    /// Position in the trail, from 1.
    pub seq: u64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who (user id or "system").
    pub actor: String,
    /// Which command.
    pub command: String,
    /// The command's input, as a dict.
    pub input: Py<PyAny>,
    /// What changed: a list of dicts with collection, id, version, before, after.
    pub changes: Py<PyAny>,
    /// The policy version the command was decided under.
    pub policy_version: String,
    /// The idempotency key, if any.
    pub idempotency_key: Option<String>,
    /// This entry's hash.
    pub hash: String,
    /// The previous entry's hash.
    pub prev_hash: String,
}

impl PyAuditEntry {
    pub(crate) fn from_entry(py: Python<'_>, e: kis::audit::AuditEntry) -> PyResult<Self> {
        let json = py.import("json")?;
        let loads = |v: String| json.call_method1("loads", (v,)).map(|o| o.unbind());
        Ok(PyAuditEntry {
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            command: e.command,
            input: loads(e.input.to_string())?,
            changes: loads(serde_json::to_string(&e.changes).unwrap_or_else(|_| "[]".into()))?,
            policy_version: e.policy_version,
            idempotency_key: e.idempotency_key,
            hash: e.hash,
            prev_hash: e.prev_hash,
        })
    }
}

#[pymethods]
impl PyAuditEntry {
    fn __repr__(&self) -> String {
        format!(
            "AuditEntry(seq={}, actor={:?}, command={:?})",
            self.seq, self.actor, self.command
        )
    }
}

/// The result of verifying the audit chain.
#[pyclass(module = "kis", name = "AuditReport", frozen, get_all)]
pub struct PyAuditReport {
    /// Entries checked.
    pub entries: u64,
    /// Hash of the last entry (keep it elsewhere to detect truncation).
    pub head_hash: Option<String>,
    /// True when the chain verifies and every document matches it.
    pub intact: bool,
    /// The first broken entry's sequence number, if any.
    pub broken_seq: Option<u64>,
    /// Why it is broken, if it is.
    pub broken_reason: Option<String>,
    /// Documents not stored as their last entry recorded: `(collection, id, seq, reason)`.
    pub mismatches: Vec<(String, String, u64, String)>,
}

impl From<kis::audit::AuditReport> for PyAuditReport {
    fn from(r: kis::audit::AuditReport) -> Self {
        PyAuditReport {
            entries: r.entries,
            intact: r.is_intact(),
            broken_seq: r.broken.as_ref().map(|b| b.seq),
            broken_reason: r.broken.map(|b| b.reason),
            head_hash: r.head_hash,
            mismatches: r
                .mismatches
                .into_iter()
                .map(|m| (m.collection, m.id, m.seq, m.reason))
                .collect(),
        }
    }
}

/// The audit trail's position and head hash at a moment, optionally HMAC-signed: keep it
/// outside the store, and check the trail against it later.
#[pyclass(module = "kis", name = "AuditAnchor", frozen, get_all, eq)]
#[derive(Clone, PartialEq)]
pub struct PyAuditAnchor {
    /// The last entry's sequence number when it was taken.
    pub seq: u64,
    /// That entry's hash.
    pub head_hash: String,
    /// HMAC-SHA256 (hex) under the host's key, if it was signed.
    pub mac: Option<String>,
}

#[pymethods]
impl PyAuditAnchor {
    /// An anchor from its parts (as kept elsewhere).
    #[new]
    #[pyo3(signature = (seq, head_hash, mac = None))]
    fn new(seq: u64, head_hash: String, mac: Option<String>) -> Self {
        PyAuditAnchor {
            seq,
            head_hash,
            mac,
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "AuditAnchor(seq={}, head_hash='{}', signed={})",
            self.seq,
            self.head_hash,
            self.mac.is_some()
        )
    }
}

impl From<kis::audit::AuditAnchor> for PyAuditAnchor {
    fn from(a: kis::audit::AuditAnchor) -> Self {
        PyAuditAnchor {
            seq: a.seq,
            head_hash: a.head_hash,
            mac: a.mac,
        }
    }
}

impl From<&PyAuditAnchor> for kis::audit::AuditAnchor {
    fn from(a: &PyAuditAnchor) -> Self {
        kis::audit::AuditAnchor {
            seq: a.seq,
            head_hash: a.head_hash.clone(),
            mac: a.mac.clone(),
        }
    }
}

/// A stored policy version.
#[pyclass(module = "kis", name = "PolicyVersion", frozen, get_all)]
pub struct PyPolicyVersion {
    /// Content hash (version id).
    pub hash: String,
    /// First day it applies to.
    pub effective_from: NaiveDate,
    /// When it was installed.
    pub installed_at: DateTime<Utc>,
    /// Who installed it.
    pub installed_by: String,
}

impl From<kis::PolicyVersion> for PyPolicyVersion {
    fn from(v: kis::PolicyVersion) -> Self {
        PyPolicyVersion {
            hash: v.hash,
            effective_from: v.effective_from,
            installed_at: v.installed_at,
            installed_by: v.installed_by,
        }
    }
}
