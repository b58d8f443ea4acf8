"""kis.Money: exact amounts, currencies never mixed, floats refused."""

from decimal import Decimal

import pytest

import kis


def test_money_is_exact_to_the_cent():
    total = kis.Money("0.10", "CNY") + kis.Money(Decimal("0.20"), "CNY")
    assert total.amount == Decimal("0.30")
    assert str(total.amount) == "0.30"
    assert total == kis.Money("0.30", "CNY")
    assert repr(total) == "Money('0.30', 'CNY')"
    assert (kis.Money(5, "CNY") - kis.Money("0.01", "CNY")).amount == Decimal("4.99")


def test_adding_two_currencies_raises():
    with pytest.raises(kis.CurrencyMismatch) as info:
        kis.Money("1", "CNY") + kis.Money("1", "EUR")
    assert (info.value.left, info.value.right) == ("CNY", "EUR")


@pytest.mark.parametrize("bad", [0.1, True, "1,5", None, [1]])
def test_bad_amounts_are_refused_with_the_field_named(bad):
    with pytest.raises(kis.InvalidInput) as info:
        kis.Money(bad, "CNY")
    assert info.value.field == "amount"


def test_a_bad_currency_is_refused():
    with pytest.raises(kis.InvalidInput):
        kis.Money("1", "yuan")


def test_money_is_hashable():
    assert len({kis.Money("1.00", "CNY"), kis.Money("1.00", "CNY")}) == 1
