"""Expense budgets and claims from Python (P6): finance reviews the budget, a claim is
reserved when submitted, refused past the budget, sanctioned lower, paid."""

import datetime
from decimal import Decimal

import pytest

import kis

NOV = datetime.date(2026, 11, 10)


@pytest.fixture
def budgeted(org, clock):
    clock.set(datetime.datetime(2026, 11, 20, 1, 0, tzinfo=datetime.timezone.utc))
    assert org.propose_budget("m-east", 2026, "east", "travel", Decimal("1000")).id == "2026:east:travel"
    org.submit("m-east", "budget", "2026:east:travel")
    org.approve("fin", "budget", "2026:east:travel")
    return org


def flight(number: str, amount: str) -> kis.ClaimLine:
    return kis.ClaimLine("travel", NOV, Decimal(amount), "flight", receipt=kis.Receipt("Air China", number, NOV, Decimal(amount)))


def test_a_claim_reserves_its_budget_and_the_next_one_is_refused(budgeted):
    budgeted.file_claim("li", "C-1", datetime.date(2026, 11, 1), datetime.date(2026, 11, 30), [flight("A1", "700")])
    budgeted.submit("li", "expense_claim", "C-1")
    status = budgeted.budget_status("fin", 2026)[0]
    assert (status.annual, status.consumed, status.remaining) == (Decimal("1000"), Decimal("700"), Decimal("300"))
    budgeted.file_claim("li", "C-2", datetime.date(2026, 11, 1), datetime.date(2026, 11, 30), [flight("A2", "400")])
    with pytest.raises(kis.BudgetExceeded) as info:
        budgeted.submit("li", "expense_claim", "C-2")
    assert (info.value.scope, info.value.limit, info.value.consumed, info.value.requested) == (
        "annual",
        Decimal("1000"),
        Decimal("700"),
        Decimal("400"),
    )
    assert budgeted.budget_status("fin", 2026)[0].consumed == Decimal("700")


def test_manager_then_finance_sanctions_less_and_pays(budgeted):
    budgeted.file_claim("li", "C-3", datetime.date(2026, 11, 1), datetime.date(2026, 11, 30), [flight("B1", "300")])
    budgeted.submit("li", "expense_claim", "C-3")
    with pytest.raises(kis.NotAuthorized):
        budgeted.approve("fin", "expense_claim", "C-3")
    budgeted.approve("m-east", "expense_claim", "C-3")
    with pytest.raises(kis.InvalidInput):
        budgeted.sanction_claim_line("fin", "C-3", 0, Decimal("400"), "too much")
    claim = budgeted.sanction_claim_line("fin", "C-3", 0, Decimal("200"), "economy fare")
    assert claim.lines[0].sanctioned == Decimal("200")
    budgeted.approve("fin", "expense_claim", "C-3")
    assert budgeted.budget_status("fin", 2026)[0].consumed == Decimal("200")
    assert budgeted.mark_claim_paid("fin", "C-3").status == "paid"
    assert [c.id for c in budgeted.expense_claims("li")] == ["C-3"]
    assert budgeted.expense_claims("zhao") == []


def test_a_receipt_is_claimed_once_and_bad_lines_are_refused(budgeted):
    budgeted.file_claim("li", "C-4", datetime.date(2026, 11, 1), datetime.date(2026, 11, 30), [flight("R9", "100")])
    budgeted.submit("li", "expense_claim", "C-4")
    budgeted.file_claim("zhao", "C-5", datetime.date(2026, 11, 1), datetime.date(2026, 11, 30), [flight("R9", "100")])
    with pytest.raises(kis.InvalidState) as info:
        budgeted.submit("zhao", "expense_claim", "C-5")
    assert "already claimed on claim C-4" in info.value.reason
    with pytest.raises(kis.InvalidInput) as err:
        budgeted.file_claim("li", "C-6", datetime.date(2026, 11, 1), datetime.date(2026, 11, 30), [kis.ClaimLine("travel", NOV, 500, "taxi")])
    assert err.value.field == "lines[0].receipt"
    with pytest.raises(kis.InvalidInput) as err:
        budgeted.file_claim("li", "C-8", NOV, NOV, [kis.ClaimLine("travel", NOV, 12.5, "taxi")])
    assert err.value.field == "lines[0].amount"


def test_finance_reclassifies_approved_spending_and_months_add_up(budgeted):
    budgeted.propose_budget("dir", 2026, "east", "marketing", Decimal("1200"))
    budgeted.submit("dir", "budget", "2026:east:marketing")
    budgeted.approve("fin", "budget", "2026:east:marketing")
    budgeted.file_claim("li", "C-7", datetime.date(2026, 11, 1), datetime.date(2026, 11, 30), [flight("M1", "100")])
    budgeted.submit("li", "expense_claim", "C-7")
    budgeted.approve("m-east", "expense_claim", "C-7")
    budgeted.approve("fin", "expense_claim", "C-7")
    claim = budgeted.reclassify_claim_line("fin", "C-7", 0, "marketing", "trade fair booth")
    assert claim.lines[0].category == "marketing"
    status = {s.category: s for s in budgeted.budget_status("fin", 2026)}
    assert (status["travel"].consumed, status["marketing"].consumed) == (Decimal("0"), Decimal("100"))
    assert sum(m[1] for m in status["marketing"].months) == Decimal("1200")
    assert status["marketing"].months[10] == (11, Decimal("100.00"), Decimal("100"))
