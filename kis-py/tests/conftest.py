"""Shared fixtures: the example policy, an engine on each store, a small organisation."""

import datetime
import os
import pathlib

import pytest

import kis

REPO = pathlib.Path(__file__).resolve().parents[2]
POLICY_PATH = REPO / "examples" / "policy.toml"
START = datetime.datetime(2026, 11, 27, 1, 0, tzinfo=datetime.timezone.utc)


@pytest.fixture
def policy_text() -> str:
    return POLICY_PATH.read_text()


@pytest.fixture
def policy() -> kis.Policy:
    return kis.Policy.from_file(POLICY_PATH)


@pytest.fixture
def clock() -> kis.ManualClock:
    return kis.ManualClock(START)


def _locations(tmp_path):
    yield ":memory:"
    yield str(tmp_path / "kis.db")
    url = os.environ.get("KIS_TEST_POSTGRES_URL")
    if url:
        yield url


@pytest.fixture(params=["sqlite-memory", "sqlite-file", "postgres"])
def engine(request, tmp_path, policy, clock):
    if request.param == "sqlite-memory":
        location = ":memory:"
    elif request.param == "sqlite-file":
        location = str(tmp_path / "kis.db")
    else:
        url = os.environ.get("KIS_TEST_POSTGRES_URL")
        if not url:
            if os.environ.get("KIS_SKIP_POSTGRES") == "1":
                pytest.skip("KIS_SKIP_POSTGRES=1")
            pytest.fail("KIS_TEST_POSTGRES_URL is not set: run scripts/test.sh")
        location = _fresh_database(url, request.node.name)
    return kis.Engine.open(location, policy, clock=clock)


def _fresh_database(url: str, name: str) -> str:
    """A new database on the test server, so each test starts empty."""
    import re
    import subprocess
    import uuid

    db = "kis_py_" + re.sub(r"[^a-z0-9]", "_", name.lower())[:30] + "_" + uuid.uuid4().hex[:8]
    subprocess.run(["psql", url, "-qc", f"CREATE DATABASE {db}"], check=True, capture_output=True)
    return url.rsplit("/", 1)[0] + "/" + db


@pytest.fixture
def org(engine):
    """An admin, a director, teams east and west with a manager each, reps, finance."""
    engine.bootstrap_admin("admin", "Ada Admin")
    engine.add_user("admin", "dir", "Dong Director", "director")
    engine.add_user("admin", "m-east", "Meng East", "manager")
    engine.add_user("admin", "m-west", "Ma West", "manager")
    engine.add_team("admin", "east", "Team East", "m-east", director="dir")
    engine.add_team("admin", "west", "Team West", "m-west", director="dir")
    engine.add_user("admin", "li", "Li Rep", "rep", team="east")
    engine.add_user("admin", "zhao", "Zhao Rep", "rep", team="west")
    engine.add_user("admin", "fin", "Fan Finance", "finance")
    return engine


@pytest.fixture
def sales(org):
    """The organisation with legal, two products and two customers of li's."""
    from decimal import Decimal

    org.add_user("admin", "legal", "Lu Legal", "legal")
    cny = lambda amount: kis.Money(amount, "CNY")  # noqa: E731
    org.put_product("dir", kis.Product("KIS-PRO", "KIS Professional", "software>erp", cny(Decimal("1000")), cny("600")))
    org.put_product("dir", kis.Product("KIS-SEAT", "KIS seat", "software>seats", cny(100), cny("40")))
    org.add_customer("li", "C-LI", "Customer Li", "retail", "li")
    org.add_customer("li", "C-KEY", "Key Co", "key-accounts", "li")
    return org


def sell(engine, n: int, product: str, qty, day: datetime.date, rep: str = "li", manager: str = "m-east", customer: str = "C-LI"):
    """A sale through every step on `day`: quote, review, contract, legal, signing, delivery."""
    q, k, o = f"Q-{n}", f"K-{n}", f"O-{n}"
    engine.create_quote(rep, q, customer, [kis.LineRequest(product, qty)], day)
    engine.submit(rep, "quote", q)
    engine.approve(manager, "quote", q)
    engine.send_quote(rep, q)
    engine.record_quote_response(rep, q, "accepted")
    engine.draft_contract(rep, k, q, "net 30")
    engine.submit(rep, "contract", k)
    engine.approve(manager, "contract", k)
    engine.approve("legal", "contract", k)
    engine.sign_contract(rep, k, "Mr. Chen", day)
    engine.create_order(rep, o, k, [kis.StepPlan("delivery", day)])
    engine.complete_order_step(rep, o, "delivery", day)
