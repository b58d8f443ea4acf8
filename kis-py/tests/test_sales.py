"""The sales documents and their reviews from Python: a quote through its manager,
a special price through manager and director, a contract through legal, an order."""

import datetime
from decimal import Decimal

import pytest

import kis

TODAY = datetime.date(2026, 11, 27)


def cny(amount):
    return kis.Money(amount, "CNY")


def test_a_rep_cannot_change_the_price_system(sales):
    with pytest.raises(kis.NotAuthorized):
        sales.put_product("li", kis.Product("KIS-PRO", "KIS Professional", "software>erp", cny(1), cny(1)))
    with pytest.raises(kis.InvalidInput) as info:
        sales.put_product("dir", kis.Product("X", "X", "c", kis.Money("1", "EUR"), cny(1)))
    assert info.value.field == "product.list_price"


def test_quote_review_send_contract_order_and_facts(sales):
    lines = [kis.LineRequest("KIS-PRO", 2), kis.LineRequest("KIS-SEAT", Decimal("10"))]
    q = sales.create_quote("li", "Q-1", "C-LI", lines, TODAY + datetime.timedelta(days=30))
    assert q.status == "draft"
    assert q.current.total == kis.Money("3000.00", "CNY")
    assert [l.line_total for l in q.current.lines] == [Decimal("2000.00"), Decimal("1000.00")]
    with pytest.raises(kis.InvalidState):
        sales.send_quote("li", "Q-1")
    out = sales.submit("li", "quote", "Q-1")
    assert (out.status, out.current_role) == ("pending", "manager")
    assert [i.id for i in sales.inbox("m-east")] == ["Q-1"]
    assert sales.inbox("m-west") == []
    with pytest.raises(kis.NotAuthorized) as info:
        sales.approve("m-west", "quote", "Q-1")
    assert "team" in info.value.reason
    with pytest.raises(kis.NotAuthorized):
        sales.approve("li", "quote", "Q-1")
    assert sales.approve("m-east", "quote", "Q-1", "fine").status == "approved"
    review = sales.quote("li", "Q-1").current.approval
    assert review.steps[1].planned.reason == "skipped: total 3000.00 is not over 500000"
    assert review.steps[0].decision.by == "m-east" and review.steps[0].decision.verdict == "approved"
    sales.send_quote("li", "Q-1")
    assert sales.record_quote_response("li", "Q-1", "accepted").status == "accepted"
    with pytest.raises(kis.InvalidInput):
        sales.record_quote_response("li", "Q-1", "maybe")

    sales.draft_contract("li", "K-1", "Q-1", "net 30", delivery_date=TODAY + datetime.timedelta(days=20))
    sales.submit("li", "contract", "K-1")
    sales.approve("m-east", "contract", "K-1")
    with pytest.raises(kis.InvalidState):
        sales.sign_contract("li", "K-1", "Mr. Chen", TODAY)
    sales.approve("legal", "contract", "K-1")
    assert sales.sign_contract("li", "K-1", "Mr. Chen", TODAY).status == "signed"
    k = sales.file_contract("li", "K-1", "archive/K-1.pdf", "ab" * 32)
    assert (k.status, k.filing.reference) == ("active", "archive/K-1.pdf")

    order = sales.create_order("li", "O-1", "K-1", [kis.StepPlan("production", TODAY), kis.StepPlan("delivery", TODAY + datetime.timedelta(days=3))])
    assert [s.name for s in order.steps] == ["production", "delivery"]
    sales.complete_order_step("li", "O-1", "production", TODAY)
    assert sales.complete_order_step("li", "O-1", "delivery", TODAY).status == "delivered"
    facts = sales.sales_facts("dir", TODAY, TODAY)
    assert [(f.product, f.amount, f.cost) for f in facts] == [
        ("KIS-PRO", Decimal("2000.00"), Decimal("1200.00")),
        ("KIS-SEAT", Decimal("1000.00"), Decimal("400.00")),
    ]
    assert facts[0].credits == [kis.Credit("li", Decimal("100"))]
    with pytest.raises(kis.NotAuthorized):
        sales.sales_facts("li", TODAY, TODAY)


def test_a_special_price_waits_for_its_exception(sales):
    sales.file_price_exception(
        "li", "PE-1", "C-LI", "KIS-PRO", Decimal("800"), 10, TODAY, TODAY + datetime.timedelta(days=30), "renewal"
    )
    special = kis.LineRequest("KIS-PRO", 5, special_price=Decimal("800"), price_exception="PE-1")
    sales.create_quote("li", "Q-2", "C-LI", [special], TODAY + datetime.timedelta(days=30))
    sales.submit("li", "quote", "Q-2")
    with pytest.raises(kis.InvalidState) as info:
        sales.approve("m-east", "quote", "Q-2")
    assert "P4.1c" in info.value.reason
    sales.submit("li", "price_exception", "PE-1")
    with pytest.raises(kis.NotAuthorized):
        sales.approve("dir", "price_exception", "PE-1")
    sales.approve("m-east", "price_exception", "PE-1")
    assert sales.approve("dir", "price_exception", "PE-1").status == "approved"
    assert sales.approve("m-east", "quote", "Q-2").status == "approved"
    assert sales.quote("li", "Q-2").current.lines[0].discount_pct == Decimal("20.00")


def test_float_quantities_and_unknown_kinds_are_refused(sales):
    with pytest.raises(kis.InvalidInput) as info:
        sales.create_quote("li", "Q-F", "C-LI", [kis.LineRequest("KIS-PRO", 1.5)], TODAY)
    assert info.value.field == "lines[0].quantity" and "float" in info.value.reason
    with pytest.raises(kis.InvalidInput) as info:
        sales.submit("li", "invoice", "X")
    assert info.value.field == "kind"


def test_edit_after_approval_reopens_and_reject_needs_a_reason(sales, clock):
    sales.create_quote("li", "Q-3", "C-LI", [kis.LineRequest("KIS-SEAT", 1)], TODAY + datetime.timedelta(days=9))
    sales.submit("li", "quote", "Q-3")
    sales.approve("m-east", "quote", "Q-3")
    q = sales.edit_quote("li", "Q-3", [kis.LineRequest("KIS-SEAT", 2)], TODAY + datetime.timedelta(days=9))
    assert (q.status, len(q.revisions), q.revisions[0].approval.status) == ("submitted", 2, "approved")
    with pytest.raises(kis.InvalidInput):
        sales.reject("m-east", "quote", "Q-3", "  ")
    assert sales.return_for_revision("m-east", "quote", "Q-3", "too few").status == "returned"
    copy = sales.copy_quote("li", "Q-3", "Q-3b", TODAY + datetime.timedelta(days=9))
    assert copy.current.approval is None and copy.copied_from == "Q-3"
    sales.submit("li", "quote", "Q-3")
    assert sales.recall("li", "quote", "Q-3").status == "recalled"


def test_delegation_and_escalation(sales, clock):
    sales.create_quote("li", "Q-4", "C-LI", [kis.LineRequest("KIS-SEAT", 1)], TODAY + datetime.timedelta(days=9))
    sales.submit("li", "quote", "Q-4")
    sales.delegate("m-east", "m-west", TODAY, TODAY + datetime.timedelta(days=1))
    item = sales.inbox("m-west")[0]
    assert (item.id, item.on_behalf_of) == ("Q-4", "m-east")
    clock.advance(datetime.timedelta(days=3))
    assert [e.id for e in sales.escalations("dir")] == ["Q-4"]
    assert sales.escalations("dir")[0].days_waiting == 3


def test_a_key_account_line_shows_how_its_price_came_about(sales):
    q = sales.create_quote("li", "Q-K", "C-KEY", [kis.LineRequest("KIS-PRO", 3)], TODAY + datetime.timedelta(days=9))
    line = q.current.lines[0]
    assert (line.list_price, line.engine_price, line.line_total) == (Decimal("1000"), Decimal("900"), Decimal("2700.00"))
    assert line.rules == ["key-accounts-10"]
    outcomes = {t.rule: t.outcome for t in line.trace}
    assert outcomes["key-accounts-10"] == "applied"
    assert outcomes["volume-schedule"] == "outranked"
    assert outcomes["double-eleven"] == "not_matched"


def test_policy_price_is_pure_and_explained(policy):
    line = policy.price("KIS-SEAT", "software>seats", Decimal("100"), "40", 7, datetime.date(2026, 11, 5), "C-9", "retail")
    # The double-eleven promotion (200 off, compound) runs 2026-11-01..11; the engine never
    # gives more than max_line_discount_pct (40%) off list, so it stops at 60.
    assert line.applied == ["double-eleven", "buy-3-get-1"]
    assert line.unit_price == Decimal("60")
    assert line.free_units == Decimal("2")
    guard = [t for t in line.trace if t.outcome == "guard"]
    assert [g.rule for g in guard] == ["pricing.max_line_discount_pct"]
    assert policy.lints == []
    quick = policy.price("KIS-SEAT", "software>seats", Decimal("100"), "40", 7, datetime.date(2026, 11, 5), "C-9", "retail", explain=False)
    assert (quick.unit_price, quick.line_total, quick.applied, quick.trace) == (line.unit_price, line.line_total, line.applied, [])
    with pytest.raises(kis.InvalidInput):
        policy.price("KIS-SEAT", "software", 100, 40, 0.5, datetime.date(2026, 11, 5))
    with pytest.raises(kis.InvalidInput):
        policy.price("KIS-SEAT", "software", 100, 40, 0, datetime.date(2026, 11, 5))


def test_price_for_a_customer_today(sales):
    line = sales.price_for("li", "C-KEY", "KIS-PRO", 2)
    assert (line.unit_price, line.line_total, line.applied) == (Decimal("900"), Decimal("1800.00"), ["key-accounts-10"])
    with pytest.raises(kis.NotAuthorized):
        sales.price_for("zhao", "C-KEY", "KIS-PRO", 2)
    with pytest.raises(kis.InvalidInput):
        sales.price_for("li", "C-KEY", "KIS-PRO", 0)


def test_price_batch_matches_single_pricing(policy):
    products = {"KIS-PRO": ("software>erp", Decimal("1000"), Decimal("600")), "KIS-SEAT": ("software>seats", 100, 40)}
    day = datetime.date(2026, 11, 27)
    lines = [("KIS-PRO", "C-1", "key-accounts", 3, day), ("KIS-SEAT", None, "retail", 7, day), ("KIS-PRO", None, None, 60, day)]
    out = policy.price_batch(products, lines)
    assert out["line_total"] == [Decimal("2700.00"), Decimal("700.00"), Decimal("52800.00")]
    assert out["rule"] == ["key-accounts-10", "buy-3-get-1", "volume-schedule"]
    assert out["free_units"][1] == Decimal("2")
    single = policy.price("KIS-PRO", "software>erp", 1000, 600, 60, day)
    assert single.line_total == out["line_total"][2]
    with pytest.raises(kis.InvalidInput) as info:
        policy.price_batch(products, [("NOPE", None, None, 1, day)])
    assert info.value.field == "lines[0].product"
    with pytest.raises(kis.InvalidInput):
        policy.price_batch(products, [("KIS-PRO", None, None, 1.5, day)])


def test_kpi_scoreboard_after_a_delivered_sale(sales, clock, policy_text):
    sales.set_targets("dir", "li", 2026, kis.Metrics(revenue=Decimal("120000"), profit=Decimal("24000")))
    with pytest.raises(kis.NotAuthorized):
        sales.set_targets("m-west", "li", 2026, kis.Metrics(revenue=1))
    sales.create_quote("li", "Q-S", "C-LI", [kis.LineRequest("KIS-PRO", 5)], TODAY)
    sales.submit("li", "quote", "Q-S")
    sales.approve("m-east", "quote", "Q-S")
    sales.send_quote("li", "Q-S")
    sales.record_quote_response("li", "Q-S", "accepted")
    sales.draft_contract("li", "K-S", "Q-S", "net 30")
    sales.submit("li", "contract", "K-S")
    sales.approve("m-east", "contract", "K-S")
    sales.approve("legal", "contract", "K-S")
    sales.sign_contract("li", "K-S", "Mr. Chen", TODAY)
    sales.create_order("li", "O-S", "K-S", [kis.StepPlan("delivery", TODAY)])
    sales.complete_order_step("li", "O-S", "delivery", TODAY)
    sales.rate_rep("m-east", "li", 2026, 11, 90)
    with pytest.raises(kis.NotAuthorized):
        sales.rate_rep("m-west", "li", 2026, 11, 90)
    board = sales.scoreboard("dir", 2026, month=11)
    li = next(c.card for c in board.reps if c.rep == "li")
    revenue = next(l for l in li.lines if l.metric == "revenue")
    assert (revenue.actual, revenue.target, revenue.achievement) == (Decimal("5000.00"), Decimal("10000.00"), Decimal("0.5"))
    assert li.band in {"A", "B", "C", "D"}
    assert [c.rep for c in sales.scoreboard("li", 2026, month=11).reps] == ["li"]
    what_if = kis.Policy.from_toml(policy_text.replace('missing_metric = "redistribute"', 'missing_metric = "zero"'))
    alt = sales.scoreboard("dir", 2026, month=11, what_if=what_if)
    assert alt.policy_version == what_if.hash != board.policy_version
    assert next(c.card for c in alt.reps if c.rep == "li").score < li.score
    assert board.awards[0].kind == "performance"
