"""Hostile and careless input at every entry point (#16): no panic, no OverflowError, no
silent accept of a value kis cannot hold or must refuse, and the kis exceptions are also
the matching builtins.

`test_barrage` makes well over 1,000 calls and prints the count of each outcome (run
pytest with -s to see it); the hypothesis properties below explore further.
"""

import collections
import datetime
import decimal
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kis

DAY = datetime.date(2026, 11, 27)


def cny(amount):
    return kis.Money(amount, "CNY")

# Amounts that a careless or hostile caller sends. None of them is a float: floats are
# refused on their own (test_money).
AMOUNTS = [
    Decimal("79228162514264337593543950335"),
    Decimal("-79228162514264337593543950335"),
    Decimal("79228162514264337593543950336"),
    Decimal("1E+30"),
    Decimal("1E-30"),
    Decimal("0.00000000000000000000000000001"),
    Decimal("0.0000000000000000000000000001"),
    Decimal("NaN"),
    Decimal("sNaN"),
    Decimal("Infinity"),
    Decimal("-Infinity"),
    Decimal("-0"),
    Decimal("-1"),
    Decimal("0"),
    Decimal("-3.50"),
    Decimal("3.50"),
    Decimal("12"),
    10**27,
    10**40,
    -(10**40),
    2**96,
    "1e400",
    "abc",
    "",
    " 7 ",
    "1_000",
    "٣",  # an Arabic-Indic digit
]

TEXTS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "a/b",
    "x" * 129,
    "é" * 70,
    "\u202e",
    "line\nbreak",
    "ok",
    "x" * 100_000,
]

INTS = [2**31, -1, 2**40, 2**64, -(2**63) - 1, 0, 13, 2026, 10**30]


def exact_decimal(v):
    """The value as a Decimal if kis must accept it as an exact amount, else None."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        d = Decimal(v)
    elif isinstance(v, Decimal):
        d = v
    elif isinstance(v, str):
        try:
            d = Decimal(v.strip())
        except decimal.InvalidOperation:
            return None
        if not v.strip() or "_" in v or not v.strip().isascii():
            return None
    else:
        return None
    if not d.is_finite():
        return None
    # What kis holds exactly: 28 places, 96 bits of mantissa (computed without the
    # context's 28-digit rounding).
    _, digits, exponent = d.as_tuple()
    digits = list(digits)
    while exponent < 0 and len(digits) > 1 and digits[-1] == 0:
        digits.pop()
        exponent += 1
    mantissa = int("".join(map(str, digits)) or "0")
    if mantissa == 0:
        return d
    if exponent < -28:
        return None
    if exponent > 0:
        mantissa *= 10**exponent
    # The digits themselves must fit rust_decimal's 96-bit mantissa.
    if mantissa > 79228162514264337593543950335:
        return None
    return d


BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def clean(v: str) -> bool:
    """No control characters (Unicode Cc) and no bidirectional overrides."""
    return not any(unicodedata.category(c) == "Cc" or c in BIDI_CONTROLS for c in v)


def valid_text_id(v: str) -> bool:
    return bool(v.strip()) and len(v.encode()) <= 128 and "/" not in v and v.strip() == v and clean(v)


def valid_name(v: str) -> bool:
    return bool(v.strip()) and len(v.encode()) <= 256 and clean(v)


class Tally:
    """Counts outcomes; records what must never happen."""

    def __init__(self):
        self.outcomes = collections.Counter()
        self.failures = []

    def call(self, what, fn, *args, must_refuse=False, **kwargs):
        try:
            result = fn(*args, **kwargs)
        except kis.KisError as e:
            self.outcomes[type(e).__name__] += 1
            return None
        except TypeError:
            self.outcomes["TypeError"] += 1
            return None
        except BaseException as e:  # PanicException derives from BaseException
            self.outcomes[type(e).__name__] += 1
            self.failures.append(f"{what}{args!r:.200}: {type(e).__name__}: {e}"[:400])
            return None
        self.outcomes["accepted"] += 1
        if must_refuse:
            self.failures.append(f"{what}{args!r:.200}: accepted silently"[:400])
        return result


@pytest.fixture
def shop(policy, clock):
    engine = kis.Engine.open(":memory:", policy, clock=clock)
    engine.bootstrap_admin("admin", "Ada Admin")
    engine.add_user("admin", "dir", "Dong Director", "director")
    engine.add_user("admin", "m-east", "Meng East", "manager")
    engine.add_team("admin", "east", "Team East", "m-east", director="dir")
    engine.add_user("admin", "li", "Li Rep", "rep", team="east")
    engine.put_product("dir", kis.Product("P", "Product", "software>erp", cny(Decimal("1000")), cny(Decimal("600"))))
    engine.add_customer("li", "C", "Customer", "retail", "li")
    return engine


def test_barrage(shop, policy, clock):
    t = Tally()
    for a in AMOUNTS:
        d = exact_decimal(a)
        positive = d is not None and d > 0
        non_negative = d is not None and d >= 0
        t.call("Money", kis.Money, a, "CNY", must_refuse=d is None)
        t.call("price.quantity", policy.price, "P", "software", Decimal("10"), Decimal("5"), a, DAY, must_refuse=not positive)
        t.call("price.list", policy.price, "P", "software", a, Decimal("0"), 1, DAY, must_refuse=not non_negative)
        t.call("price.cost", policy.price, "P", "software", Decimal("10"), a, 1, DAY, must_refuse=not non_negative)
        t.call(
            "price_batch.quantity",
            policy.price_batch,
            {"P": ("software", Decimal("10"), Decimal("5"))},
            [("P", None, None, a, DAY)],
            must_refuse=not positive,
        )
        t.call(
            "price_batch.list",
            policy.price_batch,
            {"P": ("software", a, Decimal("0"))},
            [("P", None, None, 1, DAY)],
            must_refuse=not non_negative,
        )
        t.call("price_for", shop.price_for, "li", "C", "P", a, must_refuse=not positive)
        line = kis.LineRequest("P", a)
        t.call("create_quote", shop.create_quote, "li", f"Q-{t.outcomes.total()}", "C", [line], DAY, must_refuse=not positive)
        t.call("put_product", lambda: shop.put_product("dir", kis.Product("P2", "Product 2", "software", cny(a), cny(1))), must_refuse=not non_negative)
        t.call("set_targets", shop.set_targets, "m-east", "li", 2026, kis.Metrics(revenue=a), must_refuse=d is None)
        t.call(
            "file_price_exception",
            shop.file_price_exception,
            "li",
            f"PX-{t.outcomes.total()}",
            "C",
            "P",
            a,
            1,
            DAY,
            DAY,
            "hostile",
            must_refuse=d is None,
        )
    for text in TEXTS:
        t.call("price.product", policy.price, text, "software", Decimal("10"), Decimal("5"), 1, DAY, must_refuse=not valid_text_id(text))
        t.call("price.group", policy.price, "P", "software", Decimal("10"), Decimal("5"), 1, DAY, "C", text)
        t.call("add_customer.group", shop.add_customer, "li", f"G-{t.outcomes.total()}", "Name", text, "li", must_refuse=not valid_name(text))
        t.call("add_customer.id", shop.add_customer, "li", text, "Name", "retail", "li", must_refuse=not valid_text_id(text))
        t.call("add_user.id", shop.add_user, "admin", text, "Name", "rep", team="east", must_refuse=not valid_text_id(text))
        t.call("put_product.category", shop.put_product, "dir", kis.Product("P3", "P3", text, cny(1), cny(1)))
    # A category path of a megabyte is refused by its length, in linear time.
    t.call("price.category", policy.price, "P", "a>" * 500_000, Decimal("10"), Decimal("5"), 1, DAY, must_refuse=True)
    for n in INTS:
        year_ok = 1900 <= n <= 9999
        t.call("scoreboard.year", shop.scoreboard, "dir", n, must_refuse=not year_ok)
        t.call("scoreboard.month", shop.scoreboard, "dir", 2026, month=n, must_refuse=not 1 <= n <= 12)
        t.call("audit_trail.from_seq", shop.audit_trail, "admin", from_seq=n, must_refuse=not 0 <= n < 2**64)
        t.call("sales_report.year", shop.sales_report, "dir", n, must_refuse=not year_ok)
        t.call("set_targets.year", shop.set_targets, "m-east", "li", n, kis.Metrics(revenue=1), must_refuse=not year_ok)
    # From 2026: past year 9999, or before 1900, is refused and the clock stays.
    for days, ok in [(999_999_999, False), (3_000_000, False), (-50_000, False), (1, True)]:
        t.call("advance", clock.advance, datetime.timedelta(days=days), must_refuse=not ok)
    # At the end of time, a command fails before it writes anything.
    shop_clock = kis.ManualClock(datetime.datetime(2026, 11, 27, 1, 0, tzinfo=datetime.timezone.utc))
    late = kis.Engine.open(":memory:", policy, clock=shop_clock)
    late.bootstrap_admin("admin", "Ada Admin")
    late.add_user("admin", "m", "Meng", "manager")
    late.add_team("admin", "east", "Team East", "m")
    late.add_user("admin", "li", "Li Rep", "rep", team="east")
    late.add_customer("li", "C", "Customer", "retail", "li")
    before = len(late.audit_trail("admin"))
    shop_clock.set(datetime.datetime.max.replace(tzinfo=datetime.timezone.utc))
    t.call("open_complaint at datetime.max", late.open_complaint, "li", "CP-1", "C", "phone", "high", "late", must_refuse=True)
    shop_clock.set(datetime.datetime(9999, 12, 31, 12, 0, tzinfo=datetime.timezone.utc))
    t.call("open_complaint past year 9999", late.open_complaint, "li", "CP-2", "C", "phone", "low", "late", must_refuse=True)
    assert len(late.audit_trail("admin")) == before
    # datetime.max is still in year 9999: an engine opens there.
    t.call("open at datetime.max", kis.Engine.open, ":memory:", policy, clock=kis.ManualClock(datetime.datetime.max.replace(tzinfo=datetime.timezone.utc)))
    print(f"\nhostile barrage: {t.outcomes.total()} calls: {dict(sorted(t.outcomes.items()))}")
    assert t.outcomes.total() >= 400, t.outcomes
    assert not t.failures, "\n".join(t.failures)


def test_the_barrage_reaches_a_thousand_calls(shop, policy):
    """Repeats the pricing entry points over every amount pair, so that the barrage as a
    whole passes 1,000 calls."""
    t = Tally()
    for a in AMOUNTS:
        for b in AMOUNTS:
            da, db = exact_decimal(a), exact_decimal(b)
            ok = da is not None and db is not None and da >= 0 and db > 0
            t.call("price.list×qty", policy.price, "P", "software", a, Decimal("0"), b, DAY, explain=False, must_refuse=not ok)
    print(f"\npricing pairs: {t.outcomes.total()} calls: {dict(sorted(t.outcomes.items()))}")
    assert t.outcomes.total() == len(AMOUNTS) ** 2
    assert not t.failures, "\n".join(t.failures)


def test_kis_errors_are_also_builtins(shop):
    with pytest.raises(ValueError):
        kis.Money("abc", "CNY")
    with pytest.raises(kis.InvalidInput) as e:
        kis.Money("0.00000000000000000000000000001", "CNY")
    assert e.value.field == "amount"
    with pytest.raises(LookupError):
        shop.update_customer("li", "C-none", name="x")
    with pytest.raises(PermissionError):
        shop.add_user("li", "x", "X", "rep", team="east")
    assert issubclass(kis.InvalidInput, kis.KisError) and issubclass(kis.InvalidInput, ValueError)
    assert issubclass(kis.NotFound, LookupError) and issubclass(kis.NotAuthorized, PermissionError)
    with pytest.raises(kis.InvalidInput) as e:
        shop.scoreboard("dir", 2**31)
    assert e.value.field == "year"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    amount=st.one_of(
        st.decimals(allow_nan=True, allow_infinity=True),
        st.integers(),
        st.text(max_size=40),
    ),
    quantity=st.one_of(st.decimals(allow_nan=True, allow_infinity=True), st.integers()),
)
def test_any_amounts_price_or_raise_a_kis_error(policy, amount, quantity):
    t = Tally()
    da, dq = exact_decimal(amount), exact_decimal(quantity)
    ok = da is not None and dq is not None and da >= 0 and dq > 0
    priced = t.call("price", policy.price, "P", "software>erp", amount, Decimal("1"), quantity, DAY, explain=False)
    assert not t.failures, t.failures
    if priced is None:
        # A valid pair is refused only when the line total does not fit 28 digits.
        if ok:
            assert abs(da * dq) > Decimal("1E+26"), (amount, quantity)
    else:
        assert ok, f"accepted {amount!r} x {quantity!r}"
        assert priced.quantity == dq


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300))
def test_any_text_as_an_id_is_accepted_only_when_valid(policy, text):
    t = Tally()
    t.call("price.product", policy.price, text, "software", Decimal("10"), Decimal("5"), 1, DAY, must_refuse=not valid_text_id(text))
    assert not t.failures, t.failures
