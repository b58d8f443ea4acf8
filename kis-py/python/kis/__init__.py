"""kis: an embeddable sales-management engine (pricing, approvals, KPIs, expense budgets).

The engine is written in Rust; this package is a thin layer over it. Its records and
the methods of :class:`kis.Engine` are generated from the API declaration in kis-core
(``kis/_api.py``), so every command and query of the engine is here under the same name,
with the same inputs and errors as in Kotlin and over HTTP. Money is ``decimal.Decimal``
(a ``float`` is refused), dates are ``datetime.date``, and every error is a subclass of
:class:`kis.KisError` carrying the fields that say what was wrong.

>>> import kis
>>> engine = kis.Engine.open(":memory:", kis.Policy.from_file("examples/policy.toml"))
>>> admin = engine.bootstrap_admin("admin", "Ada Admin")
"""

from . import _api
from ._api import *  # noqa: F403 (the generated records and Engine)
from ._arrow import ArrowStream, ArrowTable
from ._native import (
    AlreadyExists,
    BudgetExceeded,
    Conflict,
    CurrencyMismatch,
    IdempotencyKeyReused,
    InvalidInput,
    InvalidState,
    KisError,
    LimitExceeded,
    ManualClock,
    Money,
    NotAuthorized,
    NotFound,
    Policy,
    PolicyError,
    PolicyProblem,
    SalesReport as SalesReportTables,
    StoreError,
    api_schema,
)

__all__ = [
    *_api.__all__,
    "AlreadyExists",
    "ArrowStream",
    "ArrowTable",
    "BudgetExceeded",
    "Conflict",
    "CurrencyMismatch",
    "IdempotencyKeyReused",
    "InvalidInput",
    "InvalidState",
    "KisError",
    "LimitExceeded",
    "ManualClock",
    "Money",
    "NotAuthorized",
    "NotFound",
    "Policy",
    "PolicyError",
    "PolicyProblem",
    "SalesReportTables",
    "StoreError",
    "api_schema",
]
