"""Every shipped policy file validates against docs/policy.schema.json (#22), the JSON
Schema generated from the policy types; a misspelt key or a float does not."""

import datetime
import json
import pathlib
import tomllib

import jsonschema
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs" / "policy.schema.json").read_text())
# The policies kis ships (the fuzz corpus holds broken ones on purpose).
SHIPPED = sorted((ROOT / "examples").glob("*.toml"))


def as_json(value):
    """TOML as the JSON an editor validates: dates become their ISO text."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def validator():
    return jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_shipped_policy_validates(path):
    errors = list(validator().iter_errors(as_json(tomllib.loads(path.read_text()))))
    assert not errors, [f"{'.'.join(map(str, e.path))}: {e.message}" for e in errors]


def test_a_typo_and_a_float_are_caught():
    policy = tomllib.loads((ROOT / "examples" / "policy.toml").read_text())
    policy["pricing"]["floor_margn_pct"] = "5"
    policy["kpi"]["achievement_cap"] = 1.5
    messages = [e.message for e in validator().iter_errors(as_json(policy))]
    assert any("floor_margn_pct" in m for m in messages), messages
    assert any("1.5" in m for m in messages), messages
