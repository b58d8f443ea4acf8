//! Arrow tables in and out (`__arrow_c_stream__`): scans of the store, a year's KPI
//! scoring, pricing a table of lines, and the sections of a sales report. The tables are
//! built by kis-core (`kis::columnar`); this file only moves them across, with the GIL
//! released while Rust works.

use arrow_array::RecordBatch;
use chrono::NaiveDate;
use pyo3::prelude::*;
use pyo3_arrow::PyTable;

use kis::Actor;
use kis::columnar;
use kis::kpi::Period;
use kis::report::{SalesReport, Scope};
use kis::store::AuditFilter;

use crate::engine::PyEngine;
use crate::errors::{OrRaise, invalid};
use crate::policy::PyPolicy;

/// One batch as a Python table.
pub(crate) fn to_table(batch: RecordBatch) -> PyResult<PyTable> {
    let schema = batch.schema();
    PyTable::try_new(vec![batch], schema)
}

/// The batches of an optional table argument.
fn batches(table: Option<PyTable>) -> Vec<RecordBatch> {
    table.map_or_else(Vec::new, |t| t.into_inner().0)
}

#[pymethods]
impl PyEngine {
    /// The sales facts dated `first..=last` as an Arrow table, one row per credited rep
    /// (director, finance, admin).
    fn sales_facts_table(
        &self,
        py: Python<'_>,
        actor: &str,
        first: NaiveDate,
        last: NaiveDate,
    ) -> PyResult<PyTable> {
        let batches = py
            .detach(|| {
                self.engine()?
                    .sales_facts_batches(&Actor::new(actor), first, last)
            })
            .or_raise(py)?;
        let schema = batches[0].schema();
        PyTable::try_new(batches, schema)
    }

    /// Imports a table of `table` rows (users, teams, products, customers, targets,
    /// sales; text or typed columns, as `kis import` reads a file) through the engine, in
    /// batches of `batch_size` sales, each all or nothing; the summary as JSON. A refused
    /// row raises with `row` the row of `data` (from 0); earlier batches stay committed,
    /// and importing the same table again leaves their rows unchanged.
    #[pyo3(signature = (actor, table, data, *, batch_size = 10_000))]
    fn import_table(
        &self,
        py: Python<'_>,
        actor: &str,
        table: &str,
        data: PyTable,
        #[pyo3(from_py_with = crate::convert::count)] batch_size: u64,
    ) -> PyResult<String> {
        let which = columnar::ImportTable::named(table).ok_or_else(|| {
            invalid(
                py,
                "table",
                &format!("{table:?} is not users, teams, products, customers, targets or sales"),
            )
        })?;
        let batches = data.into_inner().0;
        let actor = Actor::new(actor);
        let summary = py
            .detach(|| {
                let engine = self.engine()?;
                let currency = engine.policy().general().currency;
                let rows =
                    columnar::import_rows(which, &batches, currency).map_err(|problems| {
                        problems
                            .into_iter()
                            .next()
                            .unwrap_or_else(|| kis::Error::invalid("table", "unreadable"))
                    })?;
                let size = usize::try_from(batch_size).unwrap_or(usize::MAX);
                let mut summary = kis::import::ImportSummary::default();
                for (first, batch) in rows.batch.clone().in_batches(size) {
                    let done = engine
                        .execute(&actor, &batch)
                        .map_err(|e| rows.locate(e, first))?;
                    summary.absorb(&done);
                }
                Ok::<_, kis::Error>(summary)
            })
            .or_raise(py)?;
        serde_json::to_string(&summary).map_err(|e| invalid(py, "summary", &e.to_string()))
    }

    /// The expense claims the actor may see, one row per claim line.
    fn expense_claims_table(&self, py: Python<'_>, actor: &str) -> PyResult<PyTable> {
        let batch = py
            .detach(|| {
                let claims = self.engine()?.expense_claims(&Actor::new(actor))?;
                columnar::claim_lines_batch(&claims)
            })
            .or_raise(py)?;
        to_table(batch)
    }

    /// The audit trail from a sequence number on, as an Arrow table.
    #[pyo3(signature = (*, from_seq = 0))]
    fn audit_table(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::convert::count)] from_seq: u64,
    ) -> PyResult<PyTable> {
        let batch = py
            .detach(|| {
                let entries = self.engine()?.audit_trail(&AuditFilter {
                    from_seq,
                    document: None,
                })?;
                columnar::audit_batch(&entries)
            })
            .or_raise(py)?;
        to_table(batch)
    }

    /// Every rep's scorecards of a year from the store, months 1-12 and the year (month
    /// null), one row each, as the actor may see them.
    fn score_year_table(
        &self,
        py: Python<'_>,
        actor: &str,
        #[pyo3(from_py_with = crate::convert::year)] year: i32,
    ) -> PyResult<PyTable> {
        let batch = py
            .detach(|| self.engine()?.score_year_batch(&Actor::new(actor), year))
            .or_raise(py)?;
        to_table(batch)
    }

    /// The sales report of a month (or of the year when `month` is None) for the company,
    /// a `team` or a `rep` (P9).
    #[pyo3(signature = (actor, year, month = None, *, team = None, rep = None))]
    fn sales_report_tables(
        &self,
        py: Python<'_>,
        actor: &str,
        #[pyo3(from_py_with = crate::convert::int)] year: i128,
        #[pyo3(from_py_with = crate::convert::optional_int)] month: Option<i128>,
        team: Option<&str>,
        rep: Option<&str>,
    ) -> PyResult<PySalesReport> {
        let scope = Scope::of(team, rep).or_raise(py)?;
        let period = Period::of(year, month).map_err(|e| crate::errors::to_py(py, e.into()))?;
        let report = py
            .detach(|| {
                self.engine()?
                    .sales_report(&Actor::new(actor), period, scope)
            })
            .or_raise(py)?;
        Ok(PySalesReport { inner: report })
    }
}

#[pymethods]
impl PyPolicy {
    /// Scores a year from Arrow tables, with no store: `facts` (date, rep, amount, cost,
    /// optional share_pct), and optional `targets`, `customers`, `surveys`, `ratings`
    /// tables (see the docs). Returns one row per rep and month, and per rep for the year
    /// (month null). Runs on every core with the GIL released.
    #[pyo3(signature = (year, facts, *, targets = None, customers = None, surveys = None, ratings = None))]
    #[allow(clippy::too_many_arguments)]
    fn score_year(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::convert::year)] year: i32,
        facts: PyTable,
        targets: Option<PyTable>,
        customers: Option<PyTable>,
        surveys: Option<PyTable>,
        ratings: Option<PyTable>,
    ) -> PyResult<PyTable> {
        let facts = facts.into_inner().0;
        let (targets, customers, surveys, ratings) = (
            batches(targets),
            batches(customers),
            batches(surveys),
            batches(ratings),
        );
        let policy = &self.inner;
        let batch = py
            .detach(|| {
                let inputs = columnar::year_inputs(year, &targets, &customers, &surveys, &ratings)?;
                columnar::score_tables_batch(policy, year, &facts, &inputs)
            })
            .or_raise(py)?;
        to_table(batch)
    }

    /// Prices a table of `lines` (product, quantity, date, optional customer and
    /// customer_group) against a `products` table (product, category, list_price, cost).
    fn price_table(&self, py: Python<'_>, products: PyTable, lines: PyTable) -> PyResult<PyTable> {
        let (products, lines) = (products.into_inner().0, lines.into_inner().0);
        let policy = &self.inner;
        let batch = py
            .detach(|| columnar::price_lines(policy, &products, &lines))
            .or_raise(py)?;
        to_table(batch)
    }
}

/// A sales report (P9): its sections as Arrow tables, and the Markdown document.
#[pyclass(module = "kis", name = "SalesReport", frozen)]
pub struct PySalesReport {
    inner: SalesReport,
}

#[pymethods]
impl PySalesReport {
    /// `2026-11` or `2026`.
    #[getter]
    fn period(&self) -> String {
        self.inner.period.to_string()
    }

    /// `company`, `team east` or `rep li`.
    #[getter]
    fn scope(&self) -> String {
        self.inner.scope.to_string()
    }

    /// The currency of every amount.
    #[getter]
    fn currency(&self) -> String {
        self.inner.currency.to_string()
    }

    /// The period's revenue.
    #[getter]
    fn revenue(&self) -> rust_decimal::Decimal {
        self.inner.totals.revenue
    }

    /// The period's profit.
    #[getter]
    fn profit(&self) -> rust_decimal::Decimal {
        self.inner.totals.profit
    }

    /// The names of the sections [`table`] returns.
    #[getter]
    fn sections(&self) -> Vec<&'static str> {
        columnar::REPORT_TABLES.to_vec()
    }

    /// One section as an Arrow table: trend, completion, by_product, by_category,
    /// by_customer_group, by_region, customers, performers, open_complaints, leads.
    fn table(&self, py: Python<'_>, name: &str) -> PyResult<PyTable> {
        match columnar::report_table(&self.inner, name) {
            Some(batch) => to_table(batch.or_raise(py)?),
            None => Err(invalid(
                py,
                "name",
                &format!("{name:?} is not one of {:?}", columnar::REPORT_TABLES),
            )),
        }
    }

    /// The report as a Markdown document for the director (P9.3).
    fn to_markdown(&self) -> String {
        self.inner.to_markdown()
    }

    fn __repr__(&self) -> String {
        format!(
            "SalesReport(period='{}', scope='{}', revenue={} {})",
            self.inner.period, self.inner.scope, self.inner.totals.revenue, self.inner.currency
        )
    }
}
