"""kis: an embeddable sales-management engine (pricing, approvals, KPIs, expense budgets).

The engine is written in Rust; this package is a thin layer over it. Money is
``decimal.Decimal`` (a ``float`` is refused), dates are ``datetime.date``, and every
error is a subclass of :class:`kis.KisError` carrying the fields that say what was wrong.

>>> import kis
>>> engine = kis.Engine.open(":memory:", kis.Policy.from_file("examples/policy.toml"))
>>> admin = engine.bootstrap_admin("admin", "Ada Admin")
"""

from ._native import (
    AlreadyExists,
    AuditEntry,
    AuditReport,
    Conflict,
    CurrencyMismatch,
    Engine,
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
    PolicyVersion,
    StoreError,
    Team,
    User,
)

__all__ = [
    "AlreadyExists",
    "AuditEntry",
    "AuditReport",
    "Conflict",
    "CurrencyMismatch",
    "Engine",
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
    "PolicyVersion",
    "StoreError",
    "Team",
    "User",
]
