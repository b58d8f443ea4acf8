//! `kis.Policy`: a validated policy file.

use std::sync::Arc;

use pyo3::prelude::*;
use rust_decimal::Decimal;

use crate::convert;
use crate::errors::OrRaise;

/// A product for batch pricing: `(category, list_price, cost)`.
type CatalogueEntry<'py> = (String, Bound<'py, PyAny>, Bound<'py, PyAny>);

/// A line for batch pricing: `(product, customer, customer_group, quantity, date)`.
type BatchLine<'py> = (
    String,
    Option<String>,
    Option<String>,
    Bound<'py, PyAny>,
    chrono::NaiveDate,
);

/// One problem of an invalid policy file.
#[pyclass(module = "kis", name = "PolicyProblem", frozen, get_all)]
#[derive(Clone)]
pub struct PyPolicyProblem {
    /// Dotted key path, such as "kpi.weights" ("" for the whole file).
    pub key: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl From<kis::PolicyProblem> for PyPolicyProblem {
    fn from(p: kis::PolicyProblem) -> Self {
        PyPolicyProblem {
            key: p.key,
            line: p.line,
            column: p.column,
            message: p.message,
        }
    }
}

#[pymethods]
impl PyPolicyProblem {
    fn __repr__(&self) -> String {
        format!(
            "PolicyProblem(key={:?}, line={:?}, message={:?})",
            self.key, self.line, self.message
        )
    }
}

/// A validated policy: what a company configures (policy.md, P1..P9).
#[pyclass(module = "kis", name = "Policy", frozen)]
#[derive(Clone)]
pub struct PyPolicy {
    pub(crate) inner: Arc<kis::Policy>,
}

#[pymethods]
impl PyPolicy {
    /// Parses and validates policy TOML text; raises kis.PolicyError listing every problem.
    #[staticmethod]
    fn from_toml(py: Python<'_>, text: &str) -> PyResult<Self> {
        let policy = kis::Policy::from_toml(text).or_raise(py)?;
        Ok(PyPolicy {
            inner: Arc::new(policy),
        })
    }

    /// Reads and validates a policy file.
    #[staticmethod]
    fn from_file(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Self> {
        let text = std::fs::read_to_string(&path).map_err(|e| {
            crate::errors::invalid(py, "path", &format!("cannot read {}: {e}", path.display()))
        })?;
        PyPolicy::from_toml(py, &text)
    }

    /// The content hash: the policy's version id.
    #[getter]
    fn hash(&self) -> String {
        self.inner.hash().to_string()
    }

    /// The policy text.
    #[getter]
    fn source(&self) -> String {
        self.inner.source().to_string()
    }

    /// The company currency.
    #[getter]
    fn currency(&self) -> String {
        self.inner.general().currency.to_string()
    }

    /// Digits kept by rounding.
    #[getter]
    fn money_scale(&self) -> u32 {
        self.inner.rounding().scale
    }

    /// "half_up" or "half_even".
    #[getter]
    fn rounding(&self) -> &'static str {
        match self.inner.rounding().mode {
            kis::RoundingMode::HalfUp => "half_up",
            kis::RoundingMode::HalfEven => "half_even",
        }
    }

    /// Rounds an amount by the policy (the one place rounding happens).
    fn round(&self, amount: &Bound<'_, PyAny>) -> PyResult<Decimal> {
        Ok(self
            .inner
            .rounding()
            .round_decimal(convert::decimal(amount, "amount")?))
    }

    /// The KPI weights by metric (P5.1), as the policy gives them.
    #[getter]
    fn kpi_weights(&self) -> std::collections::HashMap<String, rust_decimal::Decimal> {
        kis::kpi::Metric::ALL
            .iter()
            .map(|m| (kis::wire_name(m), m.weight(self.inner.kpi())))
            .collect()
    }

    /// The most an indicator's achievement counts (1.5 = 150 % of target).
    #[getter]
    fn achievement_cap(&self) -> rust_decimal::Decimal {
        self.inner.kpi().achievement_cap
    }

    /// What a metric with no data scores: "redistribute" or "zero".
    #[getter]
    fn missing_metric(&self) -> String {
        match self.inner.kpi().missing_metric {
            kis::policy::MissingMetric::Redistribute => "redistribute",
            kis::policy::MissingMetric::Zero => "zero",
        }
        .to_string()
    }

    /// Warnings that do not stop loading: price rules decided only by the tie-break.
    #[getter]
    fn lints(&self) -> Vec<PyPolicyProblem> {
        self.inner.lints().iter().cloned().map(Into::into).collect()
    }

    /// Prices one line under this policy (pure: no store needed), with the trace of how
    /// the price came about unless `explain` is False (faster when only the price
    /// matters). Amounts are Decimal, int or str in the policy currency.
    #[pyo3(signature = (product, category, list_price, cost, quantity, date, customer = None, customer_group = None, *, explain = true))]
    #[allow(clippy::too_many_arguments)]
    fn price<'py>(
        &self,
        product: &str,
        category: &str,
        list_price: &Bound<'py, PyAny>,
        cost: &Bound<'py, PyAny>,
        quantity: &Bound<'py, PyAny>,
        date: chrono::NaiveDate,
        customer: Option<&str>,
        customer_group: Option<&str>,
        explain: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let req = kis::pricing::PriceRequest {
            product,
            category,
            list_price: convert::decimal(list_price, "list_price")?,
            cost: convert::decimal(cost, "cost")?,
            currency: self.inner.general().currency,
            customer,
            customer_group,
            quantity: convert::decimal(quantity, "quantity")?,
            date,
        };
        let priced = self
            .inner
            .price_book()
            .price(&req, explain)
            .map_err(kis::Error::from)
            .or_raise(quantity.py())?;
        convert::decoded(quantity.py(), "PricedLine", &priced)
    }

    /// Prices many lines at once (pure, GIL released while pricing), for analysis.
    /// `products` maps a product id to `(category, list_price, cost)`; each line is
    /// `(product, customer, customer_group, quantity, date)`. Returns columns:
    /// `unit_price`, `line_total`, `free_units` (Decimal) and `rule` (the first rule
    /// applied, or None).
    fn price_batch<'py>(
        &self,
        py: Python<'py>,
        products: std::collections::HashMap<String, CatalogueEntry<'py>>,
        lines: Vec<BatchLine<'py>>,
    ) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
        let mut catalogue = std::collections::HashMap::with_capacity(products.len());
        for (id, (category, list, cost)) in products {
            let prices = (
                convert::decimal(&list, "list_price")?,
                convert::decimal(&cost, "cost")?,
            );
            catalogue.insert(id, (category, prices));
        }
        let mut rows = Vec::with_capacity(lines.len());
        for (i, (product, customer, group, qty, date)) in lines.into_iter().enumerate() {
            let quantity = convert::decimal(&qty, "quantity")?;
            if !catalogue.contains_key(&product) {
                return Err(crate::errors::invalid(
                    py,
                    &format!("lines[{i}].product"),
                    &format!("{product:?} is not in products"),
                ));
            }
            rows.push((product, customer, group, quantity, date));
        }
        let policy = &self.inner;
        let priced: Result<Vec<kis::pricing::PricedLine>, kis::InvalidInput> = py.detach(|| {
            let currency = policy.general().currency;
            rows.iter()
                .enumerate()
                .map(|(i, (product, customer, group, quantity, date))| {
                    let Some((category, (list, cost))) = catalogue.get(product) else {
                        return Err(kis::InvalidInput::new(
                            format!("lines[{i}].product"),
                            "not in products",
                        ));
                    };
                    let req = kis::pricing::PriceRequest {
                        product,
                        category,
                        list_price: *list,
                        cost: *cost,
                        currency,
                        customer: customer.as_deref(),
                        customer_group: group.as_deref(),
                        quantity: *quantity,
                        date: *date,
                    };
                    policy
                        .price_book()
                        .price(&req, false)
                        .map_err(|e| e.under(&format!("lines[{i}]")))
                })
                .collect()
        });
        let priced = priced.map_err(kis::Error::from).or_raise(py)?;
        let out = pyo3::types::PyDict::new(py);
        out.set_item(
            "unit_price",
            priced.iter().map(|p| p.unit_price).collect::<Vec<_>>(),
        )?;
        out.set_item(
            "line_total",
            priced.iter().map(|p| p.line_total).collect::<Vec<_>>(),
        )?;
        out.set_item(
            "free_units",
            priced.iter().map(|p| p.free_units).collect::<Vec<_>>(),
        )?;
        out.set_item(
            "rule",
            priced
                .into_iter()
                .map(|p| p.applied.into_iter().next())
                .collect::<Vec<_>>(),
        )?;
        Ok(out)
    }

    fn __repr__(&self) -> String {
        format!(
            "Policy(hash='{}', currency='{}')",
            self.inner.short_hash(),
            self.inner.general().currency
        )
    }
}
