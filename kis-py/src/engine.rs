//! `kis._native.Engine`: the engine on a store. Every command and query of the API goes
//! through one method, [`call`](PyEngine::call), with JSON in and out; the `kis` package
//! expands the API declaration into typed methods over it (`kis/_api.py`, generated).
//! What is here is only what the declaration does not carry: opening, the first admin,
//! the clock and policy in force, audit anchors (a host secret never crosses the wire)
//! and the Arrow tables (`tables.rs`).

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use pyo3::prelude::*;
use pyo3::types::PyString;

use kis::{Actor, Engine};

use crate::clock::PyManualClock;
use crate::errors::OrRaise;
use crate::policy::PyPolicy;

/// The sales-management engine: one policy, one store, one clock.
#[pyclass(module = "kis._native", name = "Engine", frozen)]
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

fn json<T: serde::Serialize>(py: Python<'_>, value: &T) -> PyResult<String> {
    serde_json::to_string(value)
        .map_err(|e| crate::errors::invalid(py, "output", &format!("cannot be encoded: {e}")))
}

impl PyEngine {
    /// The wrapped engine.
    pub(crate) fn engine(&self) -> &Engine {
        &self.inner
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

    /// Runs the API entry `entry` for `actor` with a JSON request; its output as JSON
    /// (see `kis.api_schema()`). The GIL is released while the engine works.
    #[pyo3(signature = (entry, actor, request, idempotency_key = None))]
    fn call(
        &self,
        py: Python<'_>,
        entry: &str,
        actor: &str,
        request: &str,
        idempotency_key: Option<&str>,
    ) -> PyResult<String> {
        let actor = Actor::new(actor);
        py.detach(|| self.inner.call(&actor, entry, request, idempotency_key))
            .or_raise(py)
    }

    /// Creates the first admin of an empty store; the user as JSON.
    fn bootstrap_admin(&self, py: Python<'_>, id: &str, name: &str) -> PyResult<String> {
        let user = py
            .detach(|| self.inner.bootstrap_admin(id, name))
            .or_raise(py)?;
        json(py, &user)
    }

    /// The store backend: "sqlite", "postgres" or "memory".
    #[getter]
    fn backend(&self) -> &'static str {
        self.inner.backend()
    }

    /// Threads that decode large reads (a year's KPI, an export of facts).
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

    /// The policy in force today.
    #[getter]
    fn policy(&self) -> PyPolicy {
        PyPolicy {
            inner: self.inner.policy(),
        }
    }

    /// The engine's clock now.
    fn now(&self) -> DateTime<Utc> {
        self.inner.now()
    }

    /// Today in the company's time zone.
    fn today(&self) -> NaiveDate {
        self.inner.today()
    }

    /// The policy in force on a date (for judging a past period by its own rules).
    fn policy_in_force(&self, py: Python<'_>, date: NaiveDate) -> PyResult<PyPolicy> {
        Ok(PyPolicy {
            inner: py
                .detach(|| self.inner.policy_in_force(date))
                .or_raise(py)?,
        })
    }

    /// The trail's anchor now as JSON, HMAC-signed with `key` (bytes) when given: keep
    /// it outside the store.
    #[pyo3(signature = (key = None))]
    fn audit_anchor(&self, py: Python<'_>, key: Option<Vec<u8>>) -> PyResult<String> {
        let anchor = self.inner.audit_anchor(key.as_deref()).or_raise(py)?;
        json(py, &anchor)
    }

    /// `verify_audit`, and that the trail still holds the anchored entry unchanged; the
    /// anchor and the report as JSON. A signed anchor needs its `key`.
    #[pyo3(signature = (anchor, key = None))]
    fn verify_audit_against(
        &self,
        py: Python<'_>,
        anchor: &str,
        key: Option<Vec<u8>>,
    ) -> PyResult<String> {
        let anchor: kis::audit::AuditAnchor = kis::api::decode(anchor).or_raise(py)?;
        let report = py
            .detach(|| self.inner.verify_audit_against(&anchor, key.as_deref()))
            .or_raise(py)?;
        json(py, &report)
    }

    fn __repr__(&self) -> String {
        format!(
            "Engine(backend='{}', policy='{}')",
            self.inner.backend(),
            self.inner.policy().short_hash()
        )
    }
}
