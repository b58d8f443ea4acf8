"""kis.Policy: loading, validation errors with key and line, rounding by policy."""

from decimal import Decimal

import pytest

import kis


def test_the_example_policy_loads(policy):
    assert policy.currency == "CNY"
    assert policy.money_scale == 2
    assert policy.rounding == "half_up"
    assert len(policy.hash) == 64
    assert "Policy(hash=" in repr(policy)


def test_a_bad_policy_lists_each_problem_with_key_and_line(policy_text):
    bad = policy_text.replace('supervisor = "0.10"', 'supervisor = "0.20"').replace(
        "file_within_days = 30", "file_within_days = 0"
    )
    with pytest.raises(kis.PolicyError) as info:
        kis.Policy.from_toml(bad)
    problems = info.value.problems
    assert [p.key for p in problems] == ["kpi.weights", "expense.file_within_days"]
    weights_line = next(i for i, line in enumerate(bad.splitlines(), 1) if line.startswith("weights = {"))
    assert problems[0].line == weights_line
    assert "sum to 1.10" in problems[0].message
    assert isinstance(info.value, kis.KisError)


def test_a_syntax_error_names_its_line():
    with pytest.raises(kis.PolicyError) as info:
        kis.Policy.from_toml("[general\n")
    assert info.value.problems[0].line == 1


def test_a_missing_file_is_invalid_input(tmp_path):
    with pytest.raises(kis.InvalidInput) as info:
        kis.Policy.from_file(tmp_path / "nope.toml")
    assert info.value.field == "path"


def test_rounding_happens_by_policy(policy_text):
    assert kis.Policy.from_toml(policy_text).round(Decimal("0.125")) == Decimal("0.13")
    even = kis.Policy.from_toml(policy_text.replace('rounding = "half_up"', 'rounding = "half_even"'))
    assert even.round(Decimal("0.125")) == Decimal("0.12")
    assert str(even.round(7)) == "7.00"


def test_round_refuses_a_float(policy):
    with pytest.raises(kis.InvalidInput) as info:
        policy.round(0.1)
    assert info.value.field == "amount"
    assert "float" in info.value.reason
