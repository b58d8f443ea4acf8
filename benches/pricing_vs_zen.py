"""Side by side, in one process: kis's batch pricing from Python against GoRules
zen-engine evaluating the same rules as a first-hit decision table. Prints both rates
and the ratio, and checks that both give the same discount on every compared line.

With several rule counts (default 100,1000,10000), prints the cost per line of each and
the curve against the first (#21: at most 1.3x from 100 to 10,000 rules).

Run: scripts/bench-pricing-vs-zen.sh [RULES[,RULES...]] (it installs zen-engine and kis
in a venv).
"""

import datetime
import json
import pathlib
import random
import sys
import time
from decimal import Decimal

import zen

import kis

COUNTS = [int(n) for n in (sys.argv[1] if len(sys.argv) > 1 else "100,1000,10000").split(",")]
KIS_LINES = 100_000
ZEN_LINES = 2_000
GROUPS, CATEGORIES = 10, 5
EXAMPLE = (pathlib.Path(__file__).resolve().parents[1] / "examples" / "policy.toml").read_text()
BREAKS = [(1, 9), (10, 49), (50, 199), (200, 100000)]


def make_rules(count: int) -> list:
    """`count` rules: group x category x quantity break, each with its window; earlier =
    higher priority."""
    rules = []
    for n in range(count):
        g, c, b = n % GROUPS, (n // GROUPS) % CATEGORIES, (n // (GROUPS * CATEGORIES)) % len(BREAKS)
        month = 1 + (n // (GROUPS * CATEGORIES * len(BREAKS))) % 12
        first = datetime.date(2026, month, 1)
        last = datetime.date(2026, month, 28)
        rules.append((f"r{n:05}", f"group{g}", f"cat{c}", BREAKS[b], (first, last), 1 + n % 30))
    return rules


def kis_policy(rules: list) -> kis.Policy:
    """kis: exclusive rules; the first row of the table gets the highest priority."""
    text = "[pricing]\n"
    for i, (rid, group, cat, (lo, hi), (first, last), pct) in enumerate(rules):
        text += (
            f'[[pricing.rules]]\nid = "{rid}"\ncustomers = {{ group = "{group}" }}\nproducts = {{ category = "{cat}" }}\n'
            f"min_qty = {lo}\nmax_qty = {hi}\nvalid = {{ from = {first}, to = {last} }}\npriority = {len(rules) - i}\n"
            f'action = {{ percent_off = "{pct}" }}\n'
        )
    start, end = EXAMPLE.index("[pricing]"), EXAMPLE.index("# ---------------------------------------------------------------- approval chains")
    return kis.Policy.from_toml(EXAMPLE[:start] + text + "\n" + EXAMPLE[end:])


def zen_decision(rules: list):
    """zen: the same rules as a first-hit decision table."""
    inputs = [
        {"id": "group", "type": "expression", "field": "group", "name": "group"},
        {"id": "category", "type": "expression", "field": "category", "name": "category"},
        {"id": "qty", "type": "expression", "field": "qty", "name": "qty"},
        {"id": "day", "type": "expression", "field": "date(day)", "name": "day"},
    ]
    table_rules = [
        {
            "_id": rid,
            "group": f'"{group}"',
            "category": f'"{cat}"',
            "qty": f"[{lo}..{hi}]",
            "day": f'[date("{first}")..date("{last}")]',
            "pct": str(pct),
        }
        for rid, group, cat, (lo, hi), (first, last), pct in rules
    ]
    jdm = {
        "contentType": "application/vnd.gorules.decision",
        "nodes": [
            {"id": "in", "type": "inputNode", "name": "Request", "position": {"x": 0, "y": 0}},
            {
                "id": "table",
                "type": "decisionTableNode",
                "name": "Prices",
                "position": {"x": 200, "y": 0},
                "content": {"hitPolicy": "first", "inputs": inputs, "outputs": [{"id": "pct", "type": "expression", "field": "pct", "name": "pct"}], "rules": table_rules},
            },
            {"id": "out", "type": "outputNode", "name": "Response", "position": {"x": 400, "y": 0}},
        ],
        "edges": [{"id": "e1", "sourceId": "in", "targetId": "table", "type": "edge"}, {"id": "e2", "sourceId": "table", "targetId": "out", "type": "edge"}],
    }
    return zen.ZenEngine().create_decision(json.dumps(jdm))


rng = random.Random(7)
products = {f"P{c}": (f"cat{c}", Decimal("100"), Decimal("10")) for c in range(CATEGORIES)}
lines = []
for _ in range(KIS_LINES):
    c, g = rng.randrange(CATEGORIES), rng.randrange(GROUPS)
    lines.append((f"P{c}", None, f"group{g}", rng.randrange(1, 300), datetime.date(2026, rng.randrange(1, 13), rng.randrange(1, 29))))

per_line = {}
for count in COUNTS:
    rules = make_rules(count)
    policy, decision = kis_policy(rules), zen_decision(rules)
    t0 = time.perf_counter()
    policy.price_batch(products, lines[:1])  # the price book is compiled on first use
    compile_ms = (time.perf_counter() - t0) * 1e3
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        out = policy.price_batch(products, lines)
        runs.append(time.perf_counter() - t0)
    kis_seconds = min(runs)

    t0 = time.perf_counter()
    zen_pct = []
    for product, _, group, qty, day in lines[:ZEN_LINES]:
        result = decision.evaluate({"group": group, "category": products[product][0], "qty": qty, "day": day.isoformat()})
        zen_pct.append(result["result"].get("pct"))
    zen_seconds = time.perf_counter() - t0

    # Same answers: kis's unit price is 100 x (1 - pct/100), or 100 where no rule matched.
    for i, pct in enumerate(zen_pct):
        expected = Decimal(100) - Decimal(str(pct)) if pct is not None else Decimal(100)
        assert out["unit_price"][i] == expected, (i, lines[i], pct, out["unit_price"][i])

    kis_rate = KIS_LINES / kis_seconds
    zen_rate = ZEN_LINES / zen_seconds
    per_line[count] = 1e6 / kis_rate
    print(f"rules: {count}; lines: kis {KIS_LINES:,}, zen-engine {ZEN_LINES:,} (answers agree on all {ZEN_LINES:,})")
    print(f"  kis batch (Python):     {kis_rate:>12,.0f} lines/s  ({1e6 / kis_rate:.2f} us per line, best of 3; "
          f"the price book compiled once in {compile_ms:.1f} ms)")
    print(f"  zen-engine (Python):    {zen_rate:>12,.0f} lines/s  ({1e6 / zen_rate:.1f} us per evaluation)")
    print(f"  ratio kis / zen-engine: {kis_rate / zen_rate:,.0f}x")

if len(COUNTS) > 1:
    first = COUNTS[0]
    curve = ", ".join(f"{n:,} rules {per_line[n]:.2f} us ({per_line[n] / per_line[first]:.2f}x)" for n in COUNTS)
    print(f"kis cost per line by rules: {curve} (target: at most 1.30x at 10,000 against 100)")
