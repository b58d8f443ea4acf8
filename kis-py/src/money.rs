//! `kis.Money`: an exact amount with its currency.

use pyo3::prelude::*;
use rust_decimal::Decimal;

use crate::convert;
use crate::errors::OrRaise;

/// An exact amount of money in one currency. Adding two currencies raises
/// `kis.CurrencyMismatch`.
#[pyclass(module = "kis", name = "Money", frozen, eq, hash)]
#[derive(PartialEq, Eq, Hash, Clone)]
pub struct PyMoney {
    pub(crate) inner: kis::Money,
}

#[pymethods]
impl PyMoney {
    /// Money of `amount` (Decimal, int or str; never float) in `currency` ("CNY").
    #[new]
    fn new(py: Python<'_>, amount: &Bound<'_, PyAny>, currency: &str) -> PyResult<Self> {
        let amount = convert::decimal(amount, "amount")?;
        let currency = kis::Currency::new(currency)
            .map_err(kis::Error::from)
            .or_raise(py)?;
        Ok(PyMoney {
            inner: kis::Money::new(amount, currency),
        })
    }

    /// The exact amount, as decimal.Decimal.
    #[getter]
    fn amount(&self) -> Decimal {
        self.inner.amount
    }

    /// The currency code.
    #[getter]
    fn currency(&self) -> String {
        self.inner.currency.to_string()
    }

    fn __add__(&self, py: Python<'_>, other: &PyMoney) -> PyResult<PyMoney> {
        let sum = self
            .inner
            .checked_add(&other.inner)
            .map_err(kis::Error::from)
            .or_raise(py)?;
        Ok(PyMoney { inner: sum })
    }

    fn __sub__(&self, py: Python<'_>, other: &PyMoney) -> PyResult<PyMoney> {
        let diff = self
            .inner
            .checked_sub(&other.inner)
            .map_err(kis::Error::from)
            .or_raise(py)?;
        Ok(PyMoney { inner: diff })
    }

    fn __repr__(&self) -> String {
        format!("Money('{}', '{}')", self.inner.amount, self.inner.currency)
    }

    fn __str__(&self) -> String {
        self.inner.to_string()
    }
}
