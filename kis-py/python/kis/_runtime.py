"""The one conversion layer between Python values and the API's JSON.

Every entry of the API (generated in ``_api.py`` from the declaration in kis-core) and
every native method that returns a domain record goes through :func:`encode` and
:func:`decode`: ``decimal.Decimal`` travels as its exact text, dates as ISO 8601, records
as objects. Nothing here checks a value: kis-core does, once, and names the field (a
``float`` reaches it as a JSON number with a fraction and is refused there).
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import json
import re
from typing import Any, Callable, Dict, Optional

from . import _native

#: Type specifications by name, filled in by the generated ``_api`` module:
#: ``("struct", cls, [(attribute, json_name, spec), ...])``, ``("alias", spec)`` or
#: ``("money",)``.
TYPES: Dict[str, tuple] = {}

_FRACTION = re.compile(r"(\.\d{6})\d+")


def _datetime(text: str) -> datetime.datetime:
    # chrono writes nanoseconds and "Z"; Python 3.9's fromisoformat takes neither.
    text = _FRACTION.sub(r"\1", text.replace("Z", "+00:00"))
    return datetime.datetime.fromisoformat(text)


# One decoder function per type spec, built once: decoding an answer is then plain
# function calls, with no spec read again (a priced line with its trace decodes in a few
# microseconds).
_DECODERS: Dict[Any, Callable[[Any], Any]] = {}


def _identity(value: Any) -> Any:
    return value


def _decimal(value: Any) -> Any:
    return None if value is None else decimal.Decimal(value)


def _date(value: Any) -> Any:
    return None if value is None else datetime.date.fromisoformat(value)


def _instant(value: Any) -> Any:
    return None if value is None else _datetime(value)


def _money(value: Any) -> Any:
    return None if value is None else _native.Money(value["amount"], value["currency"])


def decoder(spec: Any) -> Callable[[Any], Any]:
    """The function decoding JSON values of `spec` (see ``TYPES``); None stays None."""
    found = _DECODERS.get(spec)
    if found is None:
        found = _DECODERS[spec] = _build(spec)
    return found


def _build(spec: Any) -> Callable[[Any], Any]:
    if isinstance(spec, str):
        return {"dec": _decimal, "date": _date, "datetime": _instant}.get(spec, _identity)
    kind = spec[0]
    if kind == "opt":
        return decoder(spec[1])
    if kind == "list":
        item = decoder(spec[1])
        if item is _identity:
            return _identity
        return lambda v: None if v is None else [item(x) for x in v]
    if kind == "tuple":
        items = [decoder(s) for s in spec[1]]
        return lambda v: None if v is None else tuple(f(x) for f, x in zip(items, v))
    if kind == "map":
        item = decoder(spec[1])
        return lambda v: None if v is None else {k: item(x) for k, x in v.items()}
    if kind == "ref":
        return _named(spec[1])
    raise TypeError(f"unknown type spec {spec!r}")


def _named(name: str) -> Callable[[Any], Any]:
    entry = TYPES[name]
    if entry[0] == "money":
        return _money
    if entry[0] == "alias":
        return decoder(entry[1])
    _, cls, fields = entry
    plain: list = []
    converted: list = []

    def decode_struct(value: Any) -> Any:
        if value is None:
            return None
        obj = cls.__new__(cls)
        # Frozen dataclasses forbid setattr, not their own __dict__: filled here without
        # running __init__, which checks nothing.
        d = obj.__dict__
        get = value.get
        for attr, key in plain:
            d[attr] = get(key)
        for attr, key, f in converted:
            d[attr] = f(get(key))
        return obj

    # Recursive types (a record holding its own kind) see the function before its
    # fields are resolved.
    _DECODERS[("ref", name)] = decode_struct
    for attr, key, spec in fields:
        f = decoder(spec)
        if f is _identity:
            plain.append((attr, key))
        else:
            converted.append((attr, key, f))
    return decode_struct


def decode(spec: Any, value: Any) -> Any:
    """A JSON value as the Python value of `spec` (see ``TYPES``)."""
    return decoder(spec)(value)


def decode_named(name: str, value: Any) -> Any:
    """A JSON value as the generated class (or alias) `name`."""
    return decoder(("ref", name))(value)


def _decode_json(name: str, text: str) -> Any:
    """`decode_named` of a JSON text (what native methods call to return a record)."""
    return decoder(("ref", name))(json.loads(text))


def _json_names(cls: type) -> Dict[str, str]:
    names = getattr(cls, "_json_names", None)
    return names if names is not None else {}


def encode(value: Any) -> Any:
    """A Python value as JSON data for a request."""
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**64:
        # Past 64 bits a JSON number is read as a float; as text it stays exact, and
        # kis-core refuses it where it does not fit.
        return str(value)
    if value is None or isinstance(value, (bool, int, str, float)):
        return value
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, _native.Money):
        return {"amount": format(value.amount, "f"), "currency": value.currency}
    if isinstance(value, _native.Policy):
        return value.source
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _json_names(type(value))
        return {
            names.get(f.name, f.name): encode(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if getattr(value, f.name) is not None
        }
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    # Anything else reaches kis-core as its text, which refuses what it cannot read.
    return str(value)


class EngineBase:
    """What the API declaration does not carry: opening, the first admin, the clock and
    the policy in force, audit anchors, Arrow tables. The generated :class:`kis.Engine`
    adds one method per entry of the API."""

    def __init__(self, native: _native.Engine):
        self._native = native

    @classmethod
    def open(cls, location: str, policy: Any, *, clock: Optional[_native.ManualClock] = None):
        """Opens the engine on a store: a file path (SQLite, created if missing),
        ":memory:", or a "postgresql://" URL; with a kis.Policy or its TOML text; and
        optionally a kis.ManualClock (the system clock otherwise)."""
        return cls(_native.Engine.open(location, policy, clock=clock))

    def _call(self, entry: str, actor: str, request: Dict[str, Any], key: Optional[str], output: Any) -> Any:
        return decode(output, self.call(entry, actor, request, key))

    def call(self, entry: str, actor: str, request: Dict[str, Any], idempotency_key: Optional[str] = None) -> Any:
        """Runs any entry by name with a request of plain JSON data; its output as JSON
        data (what the server and sync carry). The typed methods are built on this."""
        text = self._native.call(entry, actor, json.dumps(encode(request)), idempotency_key)
        return json.loads(text)

    def bootstrap_admin(self, id: str, name: str) -> Any:
        """Creates the first admin of an empty store."""
        return decode_named("User", json.loads(self._native.bootstrap_admin(id, name)))

    def close(self) -> None:
        """Closes the engine: the store (a SQLite file, PostgreSQL connections) is
        released once calls in flight end, and every later call raises
        :class:`kis.InvalidState`. Closing twice is harmless. ``with Engine.open(...) as
        engine:`` closes it at the end of the block."""
        self._native.close()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._native.closed

    def __enter__(self):
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    @property
    def backend(self) -> str:
        """The store backend: "sqlite", "postgres" or "memory"."""
        return self._native.backend

    @property
    def reader_threads(self) -> int:
        """Threads that decode large reads (a year's KPI, an export of facts)."""
        return self._native.reader_threads

    @reader_threads.setter
    def reader_threads(self, threads: int) -> None:
        self._native.reader_threads = threads

    @property
    def policy(self) -> _native.Policy:
        """The policy in force today."""
        return self._native.policy

    def now(self) -> datetime.datetime:
        """The engine's clock now."""
        return self._native.now()

    def today(self) -> datetime.date:
        """Today in the company's time zone."""
        return self._native.today()

    def policy_in_force(self, date: datetime.date) -> _native.Policy:
        """The policy in force on a date (for judging a past period by its own rules)."""
        return self._native.policy_in_force(date)

    def audit_anchor(self, key: Optional[bytes] = None) -> Any:
        """The trail's anchor now, HMAC-signed with `key` when given: keep it outside
        the store."""
        return decode_named("AuditAnchor", json.loads(self._native.audit_anchor(key)))

    def verify_audit_against(self, anchor: Any, key: Optional[bytes] = None) -> Any:
        """`verify_audit`, and that the trail still holds the anchored entry unchanged (a
        re-hashed or cut-off trail is reported broken). A signed anchor needs its `key`."""
        text = self._native.verify_audit_against(json.dumps(encode(anchor)), key)
        return decode_named("AuditReport", json.loads(text))

    def approve(self, actor: str, kind: str, id: str, comment: Optional[str] = None, *, idempotency_key: Optional[str] = None) -> Any:
        """`decide` with the verdict "approved"."""
        return self.decide(actor, kind, id, "approved", comment=comment, idempotency_key=idempotency_key)  # type: ignore[attr-defined]

    def reject(self, actor: str, kind: str, id: str, reason: str, *, idempotency_key: Optional[str] = None) -> Any:
        """`decide` with the verdict "rejected" and its reason."""
        return self.decide(actor, kind, id, "rejected", comment=reason, idempotency_key=idempotency_key)  # type: ignore[attr-defined]

    def return_for_revision(self, actor: str, kind: str, id: str, reason: str, *, idempotency_key: Optional[str] = None) -> Any:
        """`decide` with the verdict "returned" and its reason."""
        return self.decide(actor, kind, id, "returned", comment=reason, idempotency_key=idempotency_key)  # type: ignore[attr-defined]

    def sales_facts_table(self, actor: str, first: datetime.date, last: datetime.date) -> Any:
        """The sales facts dated `first..=last` as an Arrow table, one row per credited
        rep (director, finance, admin)."""
        return self._native.sales_facts_table(actor, first, last)

    def import_table(self, actor: str, table: str, data: Any, *, batch_size: int = 10000) -> Any:
        """Imports a table (polars, pyarrow, pandas through Arrow; text or typed columns,
        as `kis import` reads a file) of `table` rows: users, teams, products, customers,
        targets or sales, a split sale one row per credited rep. Every cell is checked
        first (a float amount is refused); then the rows go through the engine in batches
        of `batch_size` sales, each all or nothing. A refused row raises the error of its
        kind with `row` the row of `data`; earlier batches stay committed, and importing
        the same table again leaves their rows unchanged. Returns a
        :class:`kis.ImportSummary`."""
        text = self._native.import_table(actor, table, data, batch_size=batch_size)
        return decode_named("ImportSummary", json.loads(text))

    def expense_claims_table(self, actor: str) -> Any:
        """The expense claims the actor may see as an Arrow table, one row per line."""
        return self._native.expense_claims_table(actor)

    def audit_table(self, *, from_seq: int = 0) -> Any:
        """The audit trail from a sequence number on, as an Arrow table."""
        return self._native.audit_table(from_seq=from_seq)

    def score_year_table(self, actor: str, year: int) -> Any:
        """Every rep's scorecards of a year as an Arrow table: months 1-12 and the year
        (month null), one row each, as the actor may see them."""
        return self._native.score_year_table(actor, year)

    def sales_report_tables(self, actor: str, year: int, month: Optional[int] = None, *, team: Optional[str] = None, rep: Optional[str] = None) -> Any:
        """The sales report of a period with its sections as Arrow tables and as
        Markdown (see `sales_report` for the report as a record)."""
        return self._native.sales_report_tables(actor, year, month, team=team, rep=rep)

    def __repr__(self) -> str:
        return repr(self._native)
