//! Conversions at the boundary: every value from Python is checked here, so that a bad
//! one becomes `kis.InvalidInput` naming the argument, never a panic or a silent guess.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt, PyString};
use rust_decimal::Decimal;

use crate::errors::invalid;

/// A decimal from `decimal.Decimal`, `int` or `str`. A `float` is refused: 0.1 as a
/// binary float is not 0.1, and money must be exact.
pub fn decimal(value: &Bound<'_, PyAny>, field: &str) -> PyResult<Decimal> {
    let py = value.py();
    if value.is_instance_of::<PyFloat>() {
        return Err(invalid(
            py,
            field,
            &format!(
                "{} is a float; pass decimal.Decimal(\"{}\") or a string so the amount stays exact",
                value.repr()?,
                value.str()?
            ),
        ));
    }
    if value.is_instance_of::<PyBool>() {
        return Err(invalid(py, field, "a bool is not an amount"));
    }
    // Decimal, int and str all go through their text, parsed by kis-core exactly: a
    // value kis cannot hold digit for digit is refused, never rounded.
    if value.is_instance_of::<PyString>()
        || value.is_instance_of::<PyInt>()
        || value.get_type().name()? == "Decimal"
    {
        let text = value.str()?;
        return kis::input::parse_decimal(field, &text.to_cow()?)
            .map_err(|e| crate::errors::to_py(py, e.into()));
    }
    Err(invalid(
        py,
        field,
        &format!(
            "expected decimal.Decimal, int or str, got {}",
            value.get_type().name()?
        ),
    ))
}

/// A Python `int` argument as an `i128`, for kis-core to check (`kis::input::year`,
/// `month`, `count`): an int past 128 bits saturates, so that the check refuses it as
/// `kis.InvalidInput` naming the field (never `OverflowError`). A bool or a non-int is a
/// `TypeError`, as Python's own functions raise.
pub fn int(value: &Bound<'_, PyAny>) -> PyResult<i128> {
    if value.is_instance_of::<PyBool>() || !value.is_instance_of::<PyInt>() {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "expected an int, got {}",
            value.get_type().name()?
        )));
    }
    match value.extract::<i128>() {
        Ok(v) => Ok(v),
        Err(_) => Ok(if value.lt(0)? { i128::MIN } else { i128::MAX }),
    }
}

/// [`int`] for an optional argument (`None` stays `None`).
pub fn optional_int(value: &Bound<'_, PyAny>) -> PyResult<Option<i128>> {
    if value.is_none() {
        return Ok(None);
    }
    int(value).map(Some)
}

/// A year argument, checked by kis-core (`kis::input::year`).
pub fn year(value: &Bound<'_, PyAny>) -> PyResult<i32> {
    let v = int(value)?;
    kis::input::year("year", v).map_err(|e| crate::errors::to_py(value.py(), e.into()))
}

/// A count or sequence argument (0 or more), checked by kis-core.
pub fn count(value: &Bound<'_, PyAny>) -> PyResult<u64> {
    let v = int(value)?;
    kis::input::count("count", v).map_err(|e| crate::errors::to_py(value.py(), e.into()))
}

/// A kis-core value as the `kis` package's class of the same name (generated in
/// `kis/_api.py` from the API declaration), built by the package's one decoder from the
/// value's JSON: the same conversion every entry's output goes through.
pub fn decoded<'py, T: serde::Serialize>(
    py: Python<'py>,
    type_name: &str,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    static DECODE: pyo3::sync::PyOnceLock<Py<PyAny>> = pyo3::sync::PyOnceLock::new();
    let text = serde_json::to_string(value)
        .map_err(|e| invalid(py, "output", &format!("cannot be encoded: {e}")))?;
    let decode = DECODE.get_or_try_init(py, || {
        py.import("kis._api")?
            .getattr("_decode_json")
            .map(Bound::unbind)
    })?;
    decode.bind(py).call1((type_name, text))
}
