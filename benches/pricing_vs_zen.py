"""Side by side, in one process: kis's batch pricing from Python against GoRules
zen-engine evaluating the same rules as a first-hit decision table. Prints both rates
and the ratio, and checks that both give the same discount on every compared line.

Run: scripts/bench-pricing-vs-zen.sh (it installs zen-engine and kis in a venv).
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

RULES = int(sys.argv[1]) if len(sys.argv) > 1 else 100
KIS_LINES = 100_000
ZEN_LINES = 2_000
GROUPS, CATEGORIES = 10, 5
EXAMPLE = (pathlib.Path(__file__).resolve().parents[1] / "examples" / "policy.toml").read_text()

rng = random.Random(7)
# RULES rules: group x category x quantity break, each with its window; earlier = higher priority.
breaks = [(1, 9), (10, 49), (50, 199), (200, 100000)]
rules = []
for n in range(RULES):
    g, c, b = n % GROUPS, (n // GROUPS) % CATEGORIES, (n // (GROUPS * CATEGORIES)) % len(breaks)
    month = 1 + (n // (GROUPS * CATEGORIES * len(breaks))) % 12
    first = datetime.date(2026, month, 1)
    last = datetime.date(2026, month, 28)
    rules.append((f"r{n:05}", f"group{g}", f"cat{c}", breaks[b], (first, last), 1 + n % 30))

# kis: exclusive rules; the first row of the table gets the highest priority.
text = "[pricing]\n"
for i, (rid, group, cat, (lo, hi), (first, last), pct) in enumerate(rules):
    text += (
        f'[[pricing.rules]]\nid = "{rid}"\ncustomers = {{ group = "{group}" }}\nproducts = {{ category = "{cat}" }}\n'
        f"min_qty = {lo}\nmax_qty = {hi}\nvalid = {{ from = {first}, to = {last} }}\npriority = {RULES - i}\n"
        f'action = {{ percent_off = "{pct}" }}\n'
    )
start, end = EXAMPLE.index("[pricing]"), EXAMPLE.index("# ---------------------------------------------------------------- approval chains")
policy = kis.Policy.from_toml(EXAMPLE[:start] + text + "\n" + EXAMPLE[end:])

# zen: the same rules as a first-hit decision table.
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
decision = zen.ZenEngine().create_decision(json.dumps(jdm))

products = {f"P{c}": (f"cat{c}", Decimal("100"), Decimal("10")) for c in range(CATEGORIES)}
lines = []
for _ in range(KIS_LINES):
    c, g = rng.randrange(CATEGORIES), rng.randrange(GROUPS)
    lines.append((f"P{c}", None, f"group{g}", rng.randrange(1, 300), datetime.date(2026, rng.randrange(1, 13), rng.randrange(1, 29))))

t0 = time.perf_counter()
out = policy.price_batch(products, lines)
kis_seconds = time.perf_counter() - t0

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
print(f"rules: {RULES}; lines: kis {KIS_LINES:,}, zen-engine {ZEN_LINES:,} (answers agree on all {ZEN_LINES:,})")
print(f"kis batch (Python):     {kis_rate:>12,.0f} lines/s  ({1e6 / kis_rate:.2f} us per line)")
print(f"zen-engine (Python):    {zen_rate:>12,.0f} lines/s  ({1e6 / zen_rate:.1f} us per evaluation)")
print(f"ratio kis / zen-engine: {kis_rate / zen_rate:,.0f}x")
