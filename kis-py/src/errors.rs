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

/// The fields of a problem that are amounts: `decimal.Decimal` in Python.
const DECIMAL_FIELDS: [&str; 6] = [
    "limit",
    "consumed",
    "requested",
    "current",
    "delta",
    "ceiling",
];

/// A problem's field as a Python value: text, number, bool or None; amounts as Decimal.
fn field<'py>(py: Python<'py>, name: &str, value: &serde_json::Value) -> Bound<'py, PyAny> {
    use serde_json::Value as V;
    let none = || py.None().into_bound(py);
    match value {
        V::String(text) if DECIMAL_FIELDS.contains(&name) => text
            .parse::<rust_decimal::Decimal>()
            .ok()
            .and_then(|d| d.into_bound_py_any(py).ok())
            .unwrap_or_else(|| s(py, text)),
        V::String(text) => s(py, text),
        V::Bool(b) => b.into_bound_py_any(py).unwrap_or_else(|_| none()),
        V::Number(n) => match n.as_u64() {
            Some(u) => u.into_bound_py_any(py).unwrap_or_else(|_| none()),
            None => n
                .as_i64()
                .and_then(|i| i.into_bound_py_any(py).ok())
                .unwrap_or_else(none),
        },
        _ => none(),
    }
}

/// Raises a kis error as the exception of its kind ([`kis::api::Problem`]: one
/// description of every error, shared with Kotlin and the server), with core's message
/// and the kind's fields as attributes.
pub fn to_py(py: Python<'_>, e: kis::Error) -> PyErr {
    let problem = kis::api::Problem::from(&e);
    let message = problem.message.clone();
    let err = match problem.kind.as_str() {
        "InvalidInput" => INVALID_INPUT.new_err(py, message),
        "NotAuthorized" => NOT_AUTHORIZED.new_err(py, message),
        "NotFound" => NOT_FOUND.new_err(py, message),
        "AlreadyExists" => AlreadyExists::new_err(message),
        "InvalidState" => InvalidState::new_err(message),
        "Conflict" => Conflict::new_err(message),
        "LimitExceeded" => LimitExceeded::new_err(message),
        "BudgetExceeded" => BudgetExceeded::new_err(message),
        "IdempotencyKeyReused" => IdempotencyKeyReused::new_err(message),
        "CurrencyMismatch" => CurrencyMismatch::new_err(message),
        "PolicyError" => PolicyError::new_err(message),
        _ => StoreError::new_err(message),
    };
    let mut attrs: Vec<(&str, Bound<'_, PyAny>)> = problem
        .fields
        .iter()
        .filter(|(name, _)| name.as_str() != "problems")
        .map(|(name, value)| (name.as_str(), field(py, name, value)))
        .collect();
    if let kis::Error::Policy(p) = &e {
        let problems: Vec<PyPolicyProblem> = p
            .problems()
            .iter()
            .cloned()
            .map(PyPolicyProblem::from)
            .collect();
        let list = PyList::new(py, problems)
            .map(|l| l.into_any())
            .unwrap_or_else(|_| py.None().into_bound(py));
        attrs.push(("problems", list));
    }
    with(err, py, &attrs)
}

/// A store error as its Python exception.
pub fn store_error(py: Python<'_>, e: kis::StoreError) -> PyErr {
    to_py(py, kis::Error::Store(e))
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
