"""The shared scenario files of tests/data/api/, run through the typed methods of
kis.Engine (generated from the API declaration): the same requests and expectations as
the Rust run (tests/api_scenarios.rs) and the Kotlin one, so the same cent and the same
decision are proven in each language. The run also checks that every entry of the
declaration is called."""

import datetime
import json
import pathlib
import re
import sys

import pytest

import kis
from kis import _runtime

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "kis-py"))
from gen_api import Generator  # noqa: E402

SCENARIOS = sorted((REPO / "tests" / "data" / "api").glob("*.json"))


def matches(expected, actual) -> bool:
    """`expected` is a part of `actual` (see tests/api_scenarios.rs)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            (k in actual and matches(v, actual[k])) or (v is None and k not in actual)
            for k, v in expected.items()
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(matches(e, a) for e, a in zip(expected, actual))
        )
    return expected == actual


def substitute(value, policy: str):
    if value == "$policy":
        return policy
    if isinstance(value, list):
        return [substitute(v, policy) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, policy) for k, v in value.items()}
    return value


def as_json(value):
    """A result as JSON data, to compare with the file: what the typed method returned,
    encoded back by the package's one conversion layer."""
    return json.loads(json.dumps(_runtime.encode(value)))


_INSTANT = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)(?:Z|\+00:00)$")


def normal(value):
    """JSON data with nulls dropped and instants in one spelling, to compare the typed
    answer (encoded back) with the wire's own JSON."""
    if isinstance(value, dict):
        return {k: normal(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [normal(v) for v in value]
    if isinstance(value, str):
        m = _INSTANT.match(value)
        return m.group(1) + "Z" if m else value
    return value


def problem(error: kis.KisError) -> dict:
    fields = {k: as_json(v) for k, v in vars(error).items() if not k.startswith("_")}
    return {"kind": type(error).__name__, "fields": fields, "message": str(error)}


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario(path, tmp_path):
    scenario = json.loads(path.read_text())
    policy_text = (REPO / scenario["policy"]).read_text()
    start = datetime.datetime.fromisoformat(scenario["clock"].replace("Z", "+00:00"))
    clock = kis.ManualClock(start)
    engine = kis.Engine.open(str(tmp_path / "kis.db"), policy_text, clock=clock)
    engine.bootstrap_admin(*scenario["admin"])
    generator = Generator(json.loads(kis.api_schema()))
    entries = {e["name"]: e for e in generator.schema["entries"]}
    called = set()
    compared = 0
    for n, step in enumerate(scenario["steps"]):
        if "advance_hours" in step:
            clock.advance(datetime.timedelta(hours=step["advance_hours"]))
            continue
        name = step["call"]
        called.add(name)
        request_type = entries[name]["request"]["$ref"].rsplit("/", 1)[1]
        request = substitute(step["request"], policy_text)
        # The JSON request as the typed arguments a Python caller passes.
        args, kwargs = [], {}
        for key, spec, required, _ in generator.fields(request_type):
            if key not in request:
                continue
            # A float stays a float: what a careless caller passes, for kis to refuse.
            raw = request[key]
            value = raw if isinstance(raw, float) else _runtime.decode(spec, raw)
            attr = key + "_" if key in ("from",) else key
            if required:
                args.append(value)
            else:
                kwargs[attr] = value
        unknown = set(request) - {k for k, *_ in generator.fields(request_type)}
        assert not unknown, f"step {n}: {unknown}"
        if "key" in step:
            kwargs["idempotency_key"] = step["key"]
        at = f"{path.name} step {n} ({name} as {step['as']})"
        method = getattr(engine, name)
        if "error" in step:
            with pytest.raises(kis.KisError) as info:
                method(step["as"], *args, **kwargs)
            got = problem(info.value)
            assert got["kind"] == step["error"]["kind"], f"{at}: {got}"
            assert matches(step["error"].get("fields", {}), got["fields"]), f"{at}: {got}"
            # Core's own text: the same message in every language.
            assert step["error"].get("message", got["message"]) == got["message"], f"{at}: {got}"
        else:
            output = as_json(method(step["as"], *args, **kwargs))
            if entries[name]["kind"] == "query":
                # A query answered through the typed method is the wire's answer, value for
                # value: the decoders lose nothing.
                raw = engine.call(name, step["as"], request)
                assert normal(output) == normal(raw), f"{at}: typed and wire answers differ"
                compared += 1
            if "expect" in step:
                assert matches(step["expect"], output), f"{at}: expected {step['expect']}\n  got {output}"
    assert called == set(entries), f"never called: {set(entries) - called}"
    assert compared >= 36, compared
    assert engine.verify_audit("admin").broken is None
