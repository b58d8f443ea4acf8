//! The `kis.KisError` hierarchy: one class per kind of failure a caller acts on, each
//! carrying the fields that say what was wrong. Never a bare RuntimeError.

use pyo3::IntoPyObjectExt;
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyTuple, PyType};

use crate::policy::PyPolicyProblem;

create_exception!(
    kis,
    BudgetExceeded,
    KisError,
    "A claim would pass its budget and the policy says stop; `.budget`, `.scope`, `.limit`, `.consumed`, `.requested`."
);
create_exception!(
    kis,
    KisError,
    PyException,
    "Base class of every error kis raises."
);
create_exception!(
    kis,
    PolicyError,
    KisError,
    "A policy file is invalid; `.problems` lists each (key, line, message)."
);
create_exception!(
    kis,
    AlreadyExists,
    KisError,
    "A record with this id exists; `.kind`, `.id`."
);
create_exception!(
    kis,
    InvalidState,
    KisError,
    "Not allowed in the record's current state; `.kind`, `.id`, `.reason`."
);
create_exception!(
    kis,
    Conflict,
    KisError,
    "A concurrent change won; reload and retry. `.collection`, `.id`, `.expected`, `.actual`."
);
create_exception!(
    kis,
    LimitExceeded,
    KisError,
    "A limit (such as a budget) would be passed; `.key`, `.current`, `.delta`, `.ceiling`."
);
create_exception!(
    kis,
    IdempotencyKeyReused,
    KisError,
    "An idempotency key was reused for a different command; `.key`."
);
create_exception!(
    kis,
    CurrencyMismatch,
    KisError,
    "Two amounts in different currencies were combined; `.left`, `.right`."
);
create_exception!(
    kis,
    StoreError,
    KisError,
    "The database failed or is unreachable; `.backend`, `.retryable`."
);

/// An exception class that is both a `kis.KisError` and a builtin exception, so that
/// code written against the builtin (`except ValueError:`) catches it too. Created once
/// per interpreter as `type(name, (KisError, builtin), ...)`: pyo3's `create_exception!`
/// takes one base only.
pub struct DualException {
    name: &'static str,
    doc: &'static str,
    builtin: fn(Python<'_>) -> Bound<'_, PyType>,
    cell: PyOnceLock<Py<PyType>>,
}

impl DualException {
    /// The class, created on first use.
    pub fn type_object<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyType>> {
        let ty = self.cell.get_or_try_init(py, || -> PyResult<Py<PyType>> {
            let bases = PyTuple::new(
                py,
                [
                    py.get_type::<KisError>().into_any(),
                    (self.builtin)(py).into_any(),
                ],
            )?;
            let dict = PyDict::new(py);
            dict.set_item("__doc__", self.doc)?;
            dict.set_item("__module__", "kis")?;
            let made = py
                .get_type::<PyType>()
                .call1((self.name, bases, dict))?
                .cast_into::<PyType>()?;
            Ok(made.unbind())
        })?;
        Ok(ty.bind(py).clone())
    }

    /// An instance carrying `msg`.
    pub fn new_err(&self, py: Python<'_>, msg: String) -> PyErr {
        match self.type_object(py) {
            Ok(ty) => PyErr::from_type(ty, msg),
            Err(e) => e,
        }
    }
}

/// `kis.InvalidInput`, also a `ValueError`.
pub static INVALID_INPUT: DualException = DualException {
    name: "InvalidInput",
    doc: "An argument is not acceptable; `.field` and `.reason` say which and why. Also a ValueError.",
    builtin: |py| py.get_type::<pyo3::exceptions::PyValueError>(),
    cell: PyOnceLock::new(),
};

/// `kis.NotAuthorized`, also a `PermissionError`.
pub static NOT_AUTHORIZED: DualException = DualException {
    name: "NotAuthorized",
    doc: "The acting user may not do this; `.actor`, `.action`, `.reason`. Also a PermissionError.",
    builtin: |py| py.get_type::<pyo3::exceptions::PyPermissionError>(),
    cell: PyOnceLock::new(),
};

/// `kis.NotFound`, also a `LookupError`.
pub static NOT_FOUND: DualException = DualException {
    name: "NotFound",
    doc: "A referenced record does not exist; `.kind`, `.id`. Also a LookupError.",
    builtin: |py| py.get_type::<pyo3::exceptions::PyLookupError>(),
    cell: PyOnceLock::new(),
};

fn with<'py>(err: PyErr, py: Python<'py>, attrs: &[(&str, Bound<'py, PyAny>)]) -> PyErr {
    let value = err.value(py);
    for (name, v) in attrs {
        // Setting an attribute on a fresh exception instance cannot fail in practice; if
        // it did, the exception would still carry its message.
        let _ = value.setattr(*name, v);
    }
    err
}

fn s<'py>(py: Python<'py>, text: &str) -> Bound<'py, PyAny> {
    pyo3::types::PyString::new(py, text).into_any()
}

fn opt<'py, T: IntoPyObject<'py>>(py: Python<'py>, v: Option<T>) -> Bound<'py, PyAny> {
    match v {
        Some(v) => v
            .into_bound_py_any(py)
            .unwrap_or_else(|_| py.None().into_bound(py)),
        None => py.None().into_bound(py),
    }
}

/// Maps a kis error to its Python exception, with its fields as attributes.
pub fn to_py(py: Python<'_>, e: kis::Error) -> PyErr {
    use kis::Error as E;
    let msg = e.to_string();
    match e {
        E::Policy(p) => {
            let problems: Vec<PyPolicyProblem> = p
                .problems()
                .iter()
                .cloned()
                .map(PyPolicyProblem::from)
                .collect();
            let list = PyList::new(py, problems)
                .map(|l| l.into_any())
                .unwrap_or_else(|_| py.None().into_bound(py));
            with(PolicyError::new_err(msg), py, &[("problems", list)])
        }
        E::Invalid(i) => invalid(py, &i.field, &i.reason),
        E::NotAuthorized {
            actor,
            action,
            reason,
        } => with(
            NOT_AUTHORIZED.new_err(py, msg),
            py,
            &[
                ("actor", s(py, &actor)),
                ("action", s(py, &action)),
                ("reason", s(py, &reason)),
            ],
        ),
        E::NotFound { kind, id } => with(
            NOT_FOUND.new_err(py, msg),
            py,
            &[("kind", s(py, kind)), ("id", s(py, &id))],
        ),
        E::AlreadyExists { kind, id } => with(
            AlreadyExists::new_err(msg),
            py,
            &[("kind", s(py, kind)), ("id", s(py, &id))],
        ),
        E::InvalidState { kind, id, reason } => with(
            InvalidState::new_err(msg),
            py,
            &[
                ("kind", s(py, kind)),
                ("id", s(py, &id)),
                ("reason", s(py, &reason)),
            ],
        ),
        E::BudgetExceeded {
            budget,
            scope,
            limit,
            consumed,
            requested,
        } => with(
            BudgetExceeded::new_err(msg),
            py,
            &[
                ("budget", s(py, &budget)),
                ("scope", s(py, &scope)),
                ("limit", opt(py, Some(limit))),
                ("consumed", opt(py, Some(consumed))),
                ("requested", opt(py, Some(requested))),
            ],
        ),
        E::IdempotencyKeyReused { key } => with(
            IdempotencyKeyReused::new_err(msg),
            py,
            &[("key", s(py, &key))],
        ),
        E::Money(kis::MoneyError::CurrencyMismatch { left, right, .. }) => with(
            CurrencyMismatch::new_err(msg),
            py,
            &[("left", s(py, left.code())), ("right", s(py, right.code()))],
        ),
        E::Money(m) => invalid(py, "amount", &m.to_string()),
        E::Store(st) => store_error(py, st),
    }
}

/// A store error as its Python exception.
pub fn store_error(py: Python<'_>, e: kis::StoreError) -> PyErr {
    use kis::StoreError as S;
    let msg = e.to_string();
    match e {
        S::Conflict {
            collection,
            id,
            expected,
            actual,
        } => with(
            Conflict::new_err(msg),
            py,
            &[
                ("collection", s(py, &collection)),
                ("id", s(py, &id)),
                ("expected", opt(py, expected)),
                ("actual", opt(py, actual)),
            ],
        ),
        S::LimitExceeded {
            key,
            current,
            delta,
            ceiling,
        } => with(
            LimitExceeded::new_err(msg),
            py,
            &[
                ("key", s(py, &key)),
                ("current", opt(py, Some(current))),
                ("delta", opt(py, Some(delta))),
                ("ceiling", opt(py, ceiling)),
            ],
        ),
        S::Unavailable { backend, .. } => with(
            StoreError::new_err(msg),
            py,
            &[
                ("backend", s(py, backend)),
                ("retryable", opt(py, Some(true))),
            ],
        ),
        S::ReadOnly => with(
            StoreError::new_err(msg),
            py,
            &[("backend", s(py, "")), ("retryable", opt(py, Some(false)))],
        ),
        S::Corrupt { backend, .. } | S::Backend { backend, .. } => with(
            StoreError::new_err(msg),
            py,
            &[
                ("backend", s(py, backend)),
                ("retryable", opt(py, Some(false))),
            ],
        ),
    }
}

/// `kis.InvalidInput` for `field`.
pub fn invalid(py: Python<'_>, field: &str, reason: &str) -> PyErr {
    with(
        INVALID_INPUT.new_err(py, format!("invalid {field}: {reason}")),
        py,
        &[("field", s(py, field)), ("reason", s(py, reason))],
    )
}

/// Converts a kis result, mapping its error.
pub trait OrRaise<T> {
    /// The value, or the error as a Python exception.
    fn or_raise(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> OrRaise<T> for Result<T, kis::Error> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py(py, e))
    }
}

impl<T> OrRaise<T> for Result<T, kis::StoreError> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| store_error(py, e))
    }
}

impl<T> OrRaise<T> for Result<T, kis::PolicyError> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py(py, e.into()))
    }
}
