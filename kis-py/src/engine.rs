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
    /// `None` once closed; calls in flight hold their own `Arc`, so closing waits for no
    /// one and the store is released when the last of them ends.
    inner: std::sync::RwLock<Option<Arc<Engine>>>,
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
    /// The wrapped engine; `InvalidState` once closed.
    pub(crate) fn engine(&self) -> kis::Result<Arc<Engine>> {
        self.inner
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| kis::Error::InvalidState {
                kind: "engine",
                id: String::new(),
                reason: "the engine is closed".into(),
            })
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
        Ok(PyEngine {
            inner: std::sync::RwLock::new(Some(Arc::new(engine))),
        })
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
        py.detach(|| self.engine()?.call(&actor, entry, request, idempotency_key))
            .or_raise(py)
    }

    /// Creates the first admin of an empty store; the user as JSON.
    fn bootstrap_admin(&self, py: Python<'_>, id: &str, name: &str) -> PyResult<String> {
        let user = py
            .detach(|| self.engine()?.bootstrap_admin(id, name))
            .or_raise(py)?;
        json(py, &user)
    }

    /// The store backend: "sqlite", "postgres" or "memory".
    #[getter]
    fn backend(&self, py: Python<'_>) -> PyResult<&'static str> {
        Ok(self.engine().or_raise(py)?.backend())
    }

    /// Threads that decode large reads (a year's KPI, an export of facts).
    #[getter]
    fn reader_threads(&self, py: Python<'_>) -> PyResult<usize> {
        Ok(self.engine().or_raise(py)?.reader_threads())
    }

    #[setter]
    fn set_reader_threads(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::convert::int)] threads: i128,
    ) -> PyResult<()> {
        let threads = kis::input::count("reader_threads", threads)
            .map_err(|e| crate::errors::to_py(py, e.into()))?;
        self.engine()
            .or_raise(py)?
            .set_reader_threads(usize::try_from(threads).unwrap_or(usize::MAX));
        Ok(())
    }

    /// The policy in force today.
    #[getter]
    fn policy(&self, py: Python<'_>) -> PyResult<PyPolicy> {
        Ok(PyPolicy {
            inner: self.engine().or_raise(py)?.policy(),
        })
    }

    /// The engine's clock now.
    fn now(&self, py: Python<'_>) -> PyResult<DateTime<Utc>> {
        Ok(self.engine().or_raise(py)?.now())
    }

    /// Today in the company's time zone.
    fn today(&self, py: Python<'_>) -> PyResult<NaiveDate> {
        Ok(self.engine().or_raise(py)?.today())
    }

    /// The policy in force on a date (for judging a past period by its own rules).
    fn policy_in_force(&self, py: Python<'_>, date: NaiveDate) -> PyResult<PyPolicy> {
        Ok(PyPolicy {
            inner: py
                .detach(|| self.engine()?.policy_in_force(date))
                .or_raise(py)?,
        })
    }

    /// The trail's anchor now as JSON, HMAC-signed with `key` (bytes) when given: keep
    /// it outside the store.
    #[pyo3(signature = (key = None))]
    fn audit_anchor(&self, py: Python<'_>, key: Option<Vec<u8>>) -> PyResult<String> {
        let anchor = self
            .engine()
            .and_then(|e| e.audit_anchor(key.as_deref()))
            .or_raise(py)?;
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
            .detach(|| self.engine()?.verify_audit_against(&anchor, key.as_deref()))
            .or_raise(py)?;
        json(py, &report)
    }

    /// Closes the engine: its store is released once calls in flight end, and every
    /// later call raises `InvalidState`. Closing twice is harmless.
    fn close(&self) {
        self.inner.write().unwrap_or_else(|p| p.into_inner()).take();
    }

    /// Whether `close` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.inner
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .is_none()
    }

    fn __repr__(&self) -> String {
        match self.engine() {
            Ok(e) => format!(
                "Engine(backend='{}', policy='{}')",
                e.backend(),
                e.policy().short_hash()
            ),
            Err(_) => "Engine(closed)".into(),
        }
    }
}
