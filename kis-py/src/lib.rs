//! The Python package `kis`: thin wrappers over the Rust engine. No business logic lives
//! here: each method converts its arguments, calls kis-core, and converts the result or
//! maps the error to the `kis.KisError` hierarchy.

mod clock;
mod convert;
mod crm;
mod engine;
mod errors;
mod expense;
mod kpi;
mod leads;
mod money;
mod policy;
mod records;
mod sales;
mod sales_api;
mod tables;

use pyo3::prelude::*;

/// The native module, re-exported by the `kis` package.
#[pymodule]
mod _native {
    #[pymodule_export]
    use super::clock::PyManualClock;
    #[pymodule_export]
    use super::crm::{PyComplaint, PyGreeting, PyOverdueComplaint, PyRevisitDue};
    #[pymodule_export]
    use super::engine::PyEngine;
    #[pymodule_export]
    use super::errors::{
        AlreadyExists, BudgetExceeded, Conflict, CurrencyMismatch, IdempotencyKeyReused,
        InvalidState, KisError, LimitExceeded, PolicyError, StoreError,
    };
    #[pymodule_export]
    use super::expense::{PyBudgetStatus, PyClaimLine, PyExpenseClaim, PyReceipt};
    #[pymodule_export]
    use super::kpi::{PyMetricLine, PyScoreboard, PyScorecard};
    #[pymodule_export]
    use super::leads::{PyLead, PyLeadActivity};
    #[pymodule_export]
    use super::money::PyMoney;
    #[pymodule_export]
    use super::policy::{PyPolicy, PyPolicyProblem};
    #[pymodule_export]
    use super::records::{
        PyAuditAnchor, PyAuditEntry, PyAuditReport, PyPolicyVersion, PyTeam, PyUser,
    };
    #[pymodule_export]
    use super::sales::{
        PyContract, PyContractChange, PyCustomer, PyFulfilmentStep, PyInboxItem, PyLateStep,
        PyLine, PyOrder, PyPriceException, PyPricedLine, PyProduct, PyQuote, PyQuoteRevision,
        PyReview, PyReviewOutcome, PyReviewStep, PySalesFact, PyTerms, PyTraceStep,
    };
    #[pymodule_export]
    use super::sales_api::PyLineRequest;
    #[pymodule_export]
    use super::tables::PySalesReport;

    use pyo3::prelude::*;

    /// The exceptions that are also builtins (`InvalidInput` is a `ValueError`...).
    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        use super::errors::{INVALID_INPUT, NOT_AUTHORIZED, NOT_FOUND};
        for class in [&INVALID_INPUT, &NOT_AUTHORIZED, &NOT_FOUND] {
            let ty = class.type_object(m.py())?;
            m.add(ty.name()?, ty)?;
        }
        Ok(())
    }
}
