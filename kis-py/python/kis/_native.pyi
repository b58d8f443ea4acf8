"""Type stubs of the native module (checked against it by mypy.stubtest in the tests).

The records and the API's methods are not here: they are generated Python (kis._api),
annotated as they are written. The native module is what the declaration does not carry."""

import datetime
import decimal
import os
from typing import Any, Optional, Union, final

from kis._arrow import ArrowStream, ArrowTable

_AmountLike = Union[decimal.Decimal, int, str]

class KisError(Exception): ...

class PolicyError(KisError):
    problems: list[PolicyProblem]

class InvalidInput(KisError, ValueError):
    field: str
    reason: str

class NotAuthorized(KisError, PermissionError):
    actor: str
    action: str
    reason: str

class NotFound(KisError, LookupError):
    kind: str
    id: str

class AlreadyExists(KisError):
    kind: str
    id: str

class InvalidState(KisError):
    kind: str
    id: str
    reason: str

class Conflict(KisError):
    collection: str
    id: str
    expected: Optional[int]
    actual: Optional[int]

class LimitExceeded(KisError):
    key: str
    current: decimal.Decimal
    delta: decimal.Decimal
    ceiling: Optional[decimal.Decimal]

class BudgetExceeded(KisError):
    budget: str
    scope: str
    limit: decimal.Decimal
    consumed: decimal.Decimal
    requested: decimal.Decimal

class IdempotencyKeyReused(KisError):
    key: str

class CurrencyMismatch(KisError):
    left: str
    right: str

class StoreError(KisError):
    backend: str
    retryable: bool

@final
class PolicyProblem:
    @property
    def key(self) -> str: ...
    @property
    def line(self) -> Optional[int]: ...
    @property
    def column(self) -> Optional[int]: ...
    @property
    def message(self) -> str: ...

@final
class Policy:
    @staticmethod
    def from_toml(text: str) -> Policy: ...
    @staticmethod
    def from_file(path: Union[str, "os.PathLike[str]"]) -> Policy: ...
    @property
    def hash(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def currency(self) -> str: ...
    @property
    def money_scale(self) -> int: ...
    @property
    def rounding(self) -> str: ...
    def round(self, amount: _AmountLike) -> decimal.Decimal: ...
    @property
    def lints(self) -> list[PolicyProblem]: ...
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
    ) -> Any: ...  # kis.PricedLine (generated in kis._api)
    def price_batch(
        self,
        products: dict[str, tuple[str, _AmountLike, _AmountLike]],
        lines: list[tuple[str, Optional[str], Optional[str], _AmountLike, datetime.date]],
    ) -> dict[str, list[Any]]: ...
    def price_table(self, products: ArrowStream, lines: ArrowStream) -> ArrowTable: ...
    def score_year(
        self,
        year: int,
        facts: ArrowStream,
        *,
        targets: Optional[ArrowStream] = None,
        customers: Optional[ArrowStream] = None,
        surveys: Optional[ArrowStream] = None,
        ratings: Optional[ArrowStream] = None,
    ) -> ArrowTable: ...
    @property
    def kpi_weights(self) -> dict[str, decimal.Decimal]: ...
    @property
    def achievement_cap(self) -> decimal.Decimal: ...
    @property
    def missing_metric(self) -> str: ...

@final
class Money:
    def __new__(cls, amount: _AmountLike, currency: str) -> Money: ...
    @property
    def amount(self) -> decimal.Decimal: ...
    @property
    def currency(self) -> str: ...
    def __add__(self, other: Money, /) -> Money: ...
    def __sub__(self, other: Money, /) -> Money: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class ManualClock:
    def __new__(cls, now: datetime.datetime) -> ManualClock: ...
    def now(self) -> datetime.datetime: ...
    def set(self, now: datetime.datetime) -> None: ...
    def advance(self, delta: datetime.timedelta) -> None: ...

@final
class SalesReport:
    @property
    def period(self) -> str: ...
    @property
    def scope(self) -> str: ...
    @property
    def currency(self) -> str: ...
    @property
    def revenue(self) -> decimal.Decimal: ...
    @property
    def profit(self) -> decimal.Decimal: ...
    @property
    def sections(self) -> list[str]: ...
    def table(self, name: str) -> ArrowTable: ...
    def to_markdown(self) -> str: ...

@final
class Engine:
    @staticmethod
    def open(location: str, policy: Union[Policy, str], *, clock: Optional[ManualClock] = None) -> Engine: ...
    def call(self, entry: str, actor: str, request: str, idempotency_key: Optional[str] = None) -> str: ...
    def bootstrap_admin(self, id: str, name: str) -> str: ...
    @property
    def backend(self) -> str: ...
    @property
    def reader_threads(self) -> int: ...
    @reader_threads.setter
    def reader_threads(self, threads: int) -> None: ...
    @property
    def policy(self) -> Policy: ...
    def now(self) -> datetime.datetime: ...
    def today(self) -> datetime.date: ...
    def policy_in_force(self, date: datetime.date) -> Policy: ...
    def audit_anchor(self, key: Optional[bytes] = None) -> str: ...
    def verify_audit_against(self, anchor: str, key: Optional[bytes] = None) -> str: ...
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...
    def sales_facts_table(self, actor: str, first: datetime.date, last: datetime.date) -> ArrowTable: ...
    def expense_claims_table(self, actor: str) -> ArrowTable: ...
    def audit_table(self, *, from_seq: int = 0) -> ArrowTable: ...
    def score_year_table(self, actor: str, year: int) -> ArrowTable: ...
    def sales_report_tables(
        self, actor: str, year: int, month: Optional[int] = None, *, team: Optional[str] = None, rep: Optional[str] = None
    ) -> SalesReport: ...

def api_schema() -> str: ...
