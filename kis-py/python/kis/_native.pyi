"""Type stubs of the native module (checked against it by mypy.stubtest in the tests).

The records and the API's methods are not here: they are generated Python (kis._api),
annotated as they are written. The native module is what the declaration does not carry."""

import datetime
import decimal
import os
from typing import Any, Optional, Union, final

from kis._arrow import ArrowStream, ArrowTable

_AmountLike = Union[decimal.Decimal, int, str]

class KisError(Exception):
    """Base class of every error kis raises."""

class PolicyError(KisError):
    """A policy file is invalid; `.problems` lists each (key, line, message)."""
    problems: list[PolicyProblem]

class InvalidInput(KisError, ValueError):
    """An argument is not acceptable; `.field` and `.reason` say which and why. Also a ValueError."""
    field: str
    reason: str

class NotAuthorized(KisError, PermissionError):
    """The acting user may not do this; `.actor`, `.action`, `.reason`. Also a PermissionError."""
    actor: str
    action: str
    reason: str

class NotFound(KisError, LookupError):
    """A referenced record does not exist; `.kind`, `.id`. Also a LookupError."""
    kind: str
    id: str

class AlreadyExists(KisError):
    """A record with this id exists; `.kind`, `.id`."""
    kind: str
    id: str

class InvalidState(KisError):
    """Not allowed in the record's current state; `.kind`, `.id`, `.reason`."""
    kind: str
    id: str
    reason: str

class Conflict(KisError):
    """A concurrent change won; reload and retry. `.collection`, `.id`, `.expected`, `.actual`."""
    collection: str
    id: str
    expected: Optional[int]
    actual: Optional[int]

class LimitExceeded(KisError):
    """A limit (such as a budget) would be passed; `.key`, `.current`, `.delta`, `.ceiling`."""
    key: str
    current: decimal.Decimal
    delta: decimal.Decimal
    ceiling: Optional[decimal.Decimal]

class BudgetExceeded(KisError):
    """A claim would pass its budget and the policy says stop; `.budget`, `.scope`, `.limit`, `.consumed`, `.requested`."""
    budget: str
    scope: str
    limit: decimal.Decimal
    consumed: decimal.Decimal
    requested: decimal.Decimal

class IdempotencyKeyReused(KisError):
    """An idempotency key was reused for a different command; `.key`."""
    key: str

class CurrencyMismatch(KisError):
    """Two amounts in different currencies were combined; `.left`, `.right`."""
    left: str
    right: str

class StoreError(KisError):
    """The database failed or is unreachable; `.backend`, `.retryable`."""
    backend: str
    retryable: bool

@final
class PolicyProblem:
    """One problem of an invalid policy file."""
    @property
    def key(self) -> str:
        """Dotted key path, such as "kpi.weights" ("" for the whole file)."""
    @property
    def line(self) -> Optional[int]:
        """1-based line, when known."""
    @property
    def column(self) -> Optional[int]:
        """1-based column, when known."""
    @property
    def message(self) -> str:
        """What is wrong."""

@final
class Policy:
    """A validated policy: what a company configures (policy.md, P1..P9)."""
    @staticmethod
    def from_toml(text: str) -> Policy:
        """Parses and validates policy TOML text; raises kis.PolicyError listing every problem."""
    @staticmethod
    def from_file(path: Union[str, "os.PathLike[str]"]) -> Policy:
        """Reads and validates a policy file."""
    @property
    def hash(self) -> str:
        """The content hash: the policy's version id."""
    @property
    def source(self) -> str:
        """The policy text."""
    @property
    def currency(self) -> str:
        """The company currency."""
    @property
    def money_scale(self) -> int:
        """Digits kept by rounding."""
    @property
    def rounding(self) -> str:
        """"half_up" or "half_even"."""
    def round(self, amount: _AmountLike) -> decimal.Decimal:
        """Rounds an amount by the policy (the one place rounding happens)."""
    @property
    def lints(self) -> list[PolicyProblem]:
        """Warnings that do not stop loading: price rules decided only by the tie-break."""
    def price(
        self,
        product: str,
        category: str,
        list_price: _AmountLike,
        cost: _AmountLike,
        quantity: _AmountLike,
        date: datetime.date,
        customer: Optional[str] = None,
        customer_group: Optional[str] = None,
        *,
        explain: bool = True,
    ) -> Any:  # kis.PricedLine (generated in kis._api)
        """Prices one line under this policy (pure: no store needed), with the trace of how
        the price came about unless `explain` is False (faster when only the price
        matters). Amounts are Decimal, int or str in the policy currency.
        """
    def price_batch(
        self,
        products: dict[str, tuple[str, _AmountLike, _AmountLike]],
        lines: list[tuple[str, Optional[str], Optional[str], _AmountLike, datetime.date]],
    ) -> dict[str, list[Any]]:
        """Prices many lines at once (pure, GIL released while pricing), for analysis.
        `products` maps a product id to `(category, list_price, cost)`; each line is
        `(product, customer, customer_group, quantity, date)`. Returns columns:
        `unit_price`, `line_total`, `free_units` (Decimal) and `rule` (the first rule
        applied, or None).
        """
    def price_table(self, products: ArrowStream, lines: ArrowStream) -> ArrowTable:
        """Prices a table of `lines` (product, quantity, date, optional customer and
        customer_group) against a `products` table (product, category, list_price, cost).
        """
    def score_year(
        self,
        year: int,
        facts: ArrowStream,
        *,
        targets: Optional[ArrowStream] = None,
        customers: Optional[ArrowStream] = None,
        surveys: Optional[ArrowStream] = None,
        ratings: Optional[ArrowStream] = None,
    ) -> ArrowTable:
        """Scores a year from Arrow tables, with no store: `facts` (date, rep, amount, cost,
        optional share_pct), and optional `targets`, `customers`, `surveys`, `ratings`
        tables (see the docs). Returns one row per rep and month, and per rep for the year
        (month null). Runs on every core with the GIL released.
        """
    @property
    def kpi_weights(self) -> dict[str, decimal.Decimal]:
        """The KPI weights by metric (P5.1), as the policy gives them."""
    @property
    def achievement_cap(self) -> decimal.Decimal:
        """The most an indicator's achievement counts (1.5 = 150 % of target)."""
    @property
    def missing_metric(self) -> str:
        """What a metric with no data scores: "redistribute" or "zero"."""

@final
class Money:
    """An exact amount of money in one currency. Adding two currencies raises
    `kis.CurrencyMismatch`.
    """
    def __new__(cls, amount: _AmountLike, currency: str) -> Money: ...
    @property
    def amount(self) -> decimal.Decimal:
        """The exact amount, as decimal.Decimal."""
    @property
    def currency(self) -> str:
        """The currency code."""
    def __add__(self, other: Money, /) -> Money: ...
    def __sub__(self, other: Money, /) -> Money: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class ManualClock:
    """A clock standing still at a given instant until moved."""
    def __new__(cls, now: datetime.datetime) -> ManualClock: ...
    def now(self) -> datetime.datetime:
        """The current instant."""
    def set(self, now: datetime.datetime) -> None:
        """Moves the clock to `now`."""
    def advance(self, delta: datetime.timedelta) -> None:
        """Moves the clock forward by `delta` (a timedelta); a move past year 9999 raises
        `kis.InvalidInput` and leaves the clock where it was.
        """

@final
class SalesReport:
    """A sales report (P9): its sections as Arrow tables, and the Markdown document."""
    @property
    def period(self) -> str:
        """`2026-11` or `2026`."""
    @property
    def scope(self) -> str:
        """`company`, `team east` or `rep li`."""
    @property
    def currency(self) -> str:
        """The currency of every amount."""
    @property
    def revenue(self) -> decimal.Decimal:
        """The period's revenue."""
    @property
    def profit(self) -> decimal.Decimal:
        """The period's profit."""
    @property
    def sections(self) -> list[str]:
        """The names of the sections [`table`] returns."""
    def table(self, name: str) -> ArrowTable:
        """One section as an Arrow table: trend, completion, by_product, by_category,
        by_customer_group, by_region, customers, performers, open_complaints, leads.
        """
    def to_markdown(self) -> str:
        """The report as a Markdown document for the director (P9.3)."""

@final
class Engine:
    """The sales-management engine: one policy, one store, one clock."""
    @staticmethod
    def open(location: str, policy: Union[Policy, str], *, clock: Optional[ManualClock] = None) -> Engine:
        """Opens the engine on a store: a file path (SQLite, created if missing), ":memory:",
        or a "postgresql://" URL; with a kis.Policy or its TOML text; and optionally a
        kis.ManualClock (the system clock otherwise).
        """
    def call(self, entry: str, actor: str, request: str, idempotency_key: Optional[str] = None) -> str:
        """Runs the API entry `entry` for `actor` with a JSON request; its output as JSON
        (see `kis.api_schema()`). The GIL is released while the engine works.
        """
    def bootstrap_admin(self, id: str, name: str) -> str:
        """Creates the first admin of an empty store; the user as JSON."""
    @property
    def backend(self) -> str:
        """The store backend: "sqlite", "postgres" or "memory"."""
    @property
    def reader_threads(self) -> int:
        """Threads that decode large reads (a year's KPI, an export of facts)."""
    @reader_threads.setter
    def reader_threads(self, threads: int) -> None: ...
    @property
    def policy(self) -> Policy:
        """The policy in force today."""
    def now(self) -> datetime.datetime:
        """The engine's clock now."""
    def today(self) -> datetime.date:
        """Today in the company's time zone."""
    def policy_in_force(self, date: datetime.date) -> Policy:
        """The policy in force on a date (for judging a past period by its own rules)."""
    def audit_anchor(self, key: Optional[bytes] = None) -> str:
        """The trail's anchor now as JSON, HMAC-signed with `key` (bytes) when given: keep
        it outside the store.
        """
    def verify_audit_against(self, anchor: str, key: Optional[bytes] = None) -> str:
        """`verify_audit`, and that the trail still holds the anchored entry unchanged; the
        anchor and the report as JSON. A signed anchor needs its `key`.
        """
    def close(self) -> None:
        """Closes the engine: its store is released once calls in flight end, and every
        later call raises `InvalidState`. Closing twice is harmless.
        """
    @property
    def closed(self) -> bool:
        """Whether `close` was called."""
    def sales_facts_table(self, actor: str, first: datetime.date, last: datetime.date) -> ArrowTable:
        """The sales facts dated `first..=last` as an Arrow table, one row per credited rep
        (director, finance, admin).
        """
    def import_table(self, actor: str, table: str, data: ArrowStream, *, batch_size: int = 10000) -> str:
        """Imports a table of `table` rows (users, teams, products, customers, targets,
        sales; text or typed columns, as `kis import` reads a file) through the engine, in
        batches of `batch_size` sales, each all or nothing; the summary as JSON. A refused
        row raises with `row` the row of `data` (from 0); earlier batches stay committed,
        and importing the same table again leaves their rows unchanged.
        """
    def expense_claims_table(self, actor: str) -> ArrowTable:
        """The expense claims the actor may see, one row per claim line."""
    def audit_table(self, *, from_seq: int = 0) -> ArrowTable:
        """The audit trail from a sequence number on, as an Arrow table."""
    def score_year_table(self, actor: str, year: int) -> ArrowTable:
        """Every rep's scorecards of a year from the store, months 1-12 and the year (month
        null), one row each, as the actor may see them.
        """
    def sales_report_tables(
        self, actor: str, year: int, month: Optional[int] = None, *, team: Optional[str] = None, rep: Optional[str] = None
    ) -> SalesReport:
        """The sales report of a month (or of the year when `month` is None) for the company,
        a `team` or a `rep` (P9).
        """

def api_schema() -> str:
    """The API's JSON Schema document (every entry, its request and output types)."""
