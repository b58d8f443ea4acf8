"""Python-side figures of issue #7, in one run:

1. the overhead of one call: pricing one line (``Policy.price``), target under 5 us;
2. batch pricing of 100,000 lines: an Arrow table (``Policy.price_table``) and lists
   (``Policy.price_batch``), and two threads at once (the GIL is released);
3. Arrow export of the sales facts of a SQLite store into polars: the whole read, and
   the hand-over alone (``polars.DataFrame(table)``, zero-copy), target under 200 ms
   for 1,000,000 facts.

    python benches/python_calls.py [FACTS_DB]

FACTS_DB is a store seeded by ``cargo bench --features arrow --bench store_scans -- 1000000
2000 FACTS_DB`` (scripts/bench-python.sh does both); without it, part 3 is skipped.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import polars as pl
import pyarrow as pa

import kis

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2026, 12, 1)


def best(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def one_call(policy: kis.Policy) -> None:
    args = ("KIS-PRO", "software>erp", Decimal("1000"), Decimal("600"), 12, DAY)
    n = 200_000
    for explain in (False, True):
        policy.price(*args, explain=explain)

        def loop() -> None:
            for _ in range(n):
                policy.price(*args, explain=explain)

        t = best(loop)
        what = "with its trace" if explain else "price only (explain=False)"
        print(f"1. one line priced from Python, {what}: {t / n * 1e6:.2f} us per call, {n:,} calls"
              + ("" if explain else " (target under 5 us)"))


def batches(policy: kis.Policy) -> None:
    n = 100_000
    products = pa.table(
        {
            "product": ["KIS-PRO", "KIS-SEAT", "KIS-IMPL"],
            "category": ["software>erp", "software>seats", "services"],
            "list_price": pa.array([Decimal("1000"), Decimal("100"), Decimal("3000")], pa.decimal128(18, 2)),
            "cost": pa.array([Decimal("600"), Decimal("40"), Decimal("1800")], pa.decimal128(18, 2)),
        }
    )
    names = ["KIS-PRO", "KIS-SEAT", "KIS-IMPL"]
    groups = ["retail", "key-accounts", None, "retail"]
    lines = pa.table(
        {
            "product": [names[i % 3] for i in range(n)],
            "quantity": pa.array([1 + i % 60 for i in range(n)], pa.int64()),
            "date": [DAY] * n,
            "customer_group": [groups[i % 4] for i in range(n)],
        }
    )
    t_table = best(lambda: policy.price_table(products, lines))
    catalogue = {
        "KIS-PRO": ("software>erp", Decimal("1000"), Decimal("600")),
        "KIS-SEAT": ("software>seats", Decimal("100"), Decimal("40")),
        "KIS-IMPL": ("services", Decimal("3000"), Decimal("1800")),
    }
    rows = [(names[i % 3], None, groups[i % 4], 1 + i % 60, DAY) for i in range(n)]
    t_lists = best(lambda: policy.price_batch(catalogue, rows))
    print(f"2. {n:,} lines: Arrow table {t_table * 1000:.0f} ms ({n / t_table:,.0f} lines/s); "
          f"Python lists {t_lists * 1000:.0f} ms ({n / t_lists:,.0f} lines/s)")

    # While Rust prices in a thread, Python keeps running in this one: the GIL is free.
    done = threading.Event()
    worker = threading.Thread(target=lambda: (policy.price_table(products, lines), done.set()))
    spins = 0
    t0 = time.perf_counter()
    worker.start()
    while not done.is_set():
        spins += 1
    worker.join()
    print(f"   while a batch was priced in another thread ({(time.perf_counter() - t0) * 1000:.0f} ms), "
          f"this thread ran {spins:,} loop iterations (the GIL is released during the batch)")


def export(db: str) -> None:
    engine = kis.Engine.open(db, kis.Policy.from_file(ROOT / "examples" / "policy.toml"))
    first, last = dt.date(2026, 1, 1), dt.date(2026, 12, 31)

    def into_polars() -> pl.DataFrame:
        return pl.DataFrame(engine.sales_facts_table("dir", first, last))

    t0 = time.perf_counter()
    df = into_polars()
    t_first = time.perf_counter() - t0
    del df
    totals = []
    for _ in range(7):
        t0 = time.perf_counter()
        df = into_polars()
        totals.append(time.perf_counter() - t0)
        del df
    table = engine.sales_facts_table("dir", first, last)
    t_hand = best(lambda: pl.DataFrame(table), 5)
    df = pl.DataFrame(table)
    print(f"3. {df.height:,} fact rows from SQLite into polars: best {min(totals) * 1000:.0f} ms, "
          f"median {statistics.median(totals) * 1000:.0f} ms of 7, the process's first "
          f"{t_first * 1000:.0f} ms (target under 200 ms); the hand-over to polars alone "
          f"{t_hand * 1000:.2f} ms (zero-copy); amount is {df['amount'].dtype}")
    year = best(lambda: engine.score_year_table("dir", 2026), 3)
    print(f"   the year scored from the same store: {year * 1000:.0f} ms")


def main() -> int:
    policy = kis.Policy.from_file(ROOT / "examples" / "policy.toml")
    one_call(policy)
    batches(policy)
    if len(sys.argv) > 1:
        export(sys.argv[1])
    else:
        print("3. skipped: give a seeded store (see the docstring)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
