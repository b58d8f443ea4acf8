"""KPI scoring of a year, kis against DuckDB and polars, side by side in one process
(issues #5, #21).

Workload: N sales facts for 2,000 reps over the 12 months of 2026, money as exact
decimal128(18, 2), each fact credited to one rep with a share (100 %, or 60 % / 40 % for
split sales), and annual revenue and profit targets per rep. By default three sizes, as
companies have them and beyond: 100,000, 1,000,000 and 30,000,000 facts.

- kis: ``Policy.score_year(2026, facts, targets=...)`` tallies the year exactly (integer
  sums of decimals, on every core, GIL released) and scores every rep for each month and
  for the year with the policy's weights, caps and bands: 26,000 scorecards.
- DuckDB: the same exact tally as SQL on DECIMAL columns (GROUPING SETS over rep x month
  and rep), read back as Arrow. It scores nothing: the scorecards are kis's work alone.
- polars: the group-by and weighted scoring in float64, as an analyst would write it.

Prints each time (best of --runs) and the ratios kis / DuckDB (targets, #21: at most 1.5
at 100,000 facts, 1.0 at 1,000,000, 0.5 at 30,000,000) and kis / polars, the peak memory
of the process, and checks that every rep's monthly revenue and profit agree to the cent
with DuckDB's exact sums and with polars.

    python benches/kpi_vs_polars.py [--sizes 100000,1000000,30000000] [--reps 2000]
                                    [--rep-encoding dictionary|string] [--runs 15]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa

import kis

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2026


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def decimal_array(cents: np.ndarray, precision: int = 18, scale: int = 2) -> pa.Array:
    """An exact decimal128 array from integer cents, without a Python object per row."""
    words = np.zeros((len(cents), 2), dtype=np.int64)
    words[:, 0] = cents
    words[:, 1] = np.where(cents < 0, -1, 0)
    return pa.Array.from_buffers(
        pa.decimal128(precision, scale), len(cents), [None, pa.py_buffer(words.tobytes())]
    )


def make_facts(n: int, reps: int, encoding: str, seed: int = 7) -> tuple[pa.Table, pa.Table]:
    rng = np.random.default_rng(seed)
    names = pa.array([f"rep-{i:04d}" for i in range(reps)])
    rep_idx = rng.integers(0, reps, n, dtype=np.int32)
    start = (dt.date(YEAR, 1, 1) - dt.date(1970, 1, 1)).days
    days = (start + rng.integers(0, 365, n)).astype(np.int32)
    amount = rng.integers(10_000, 5_000_000, n)  # 100.00 .. 50,000.00
    cost = (amount * rng.integers(30, 80, n)) // 100
    share = rng.choice(np.array([10_000, 6_000, 4_000]), n, p=[0.8, 0.1, 0.1])  # 100.00 % ...
    rep = pa.DictionaryArray.from_arrays(pa.array(rep_idx), names)
    if encoding == "string":
        rep = rep.dictionary_decode()
    facts = pa.table(
        {
            "date": pa.array(days, pa.int32()).cast(pa.date32()),
            "rep": rep,
            "amount": decimal_array(amount),
            "cost": decimal_array(cost),
            "share_pct": decimal_array(share, 5, 2),
        }
    )
    target_rev = rng.integers(20_000_000, 60_000_000, reps) * 100  # cents
    targets = pa.table(
        {
            "rep": names,
            "revenue": decimal_array(target_rev),
            "profit": decimal_array(target_rev // 3),
        }
    )
    return facts, targets


def polars_scoring(facts: pa.Table, targets: pa.Table, weights: dict, cap: float) -> pl.DataFrame:
    """The analyst's version: float64 group-by and scoring, monthly and annual."""
    df = pl.from_arrow(facts)
    t = pl.from_arrow(targets).with_columns(
        pl.col("revenue").cast(pl.Float64).alias("revenue_target_y"),
        pl.col("profit").cast(pl.Float64).alias("profit_target_y"),
    )
    w = pl.col("share_pct").cast(pl.Float64) / 100.0
    amount = pl.col("amount").cast(pl.Float64)
    cost = pl.col("cost").cast(pl.Float64)
    monthly = (
        df.lazy()
        .with_columns(pl.col("date").dt.month().alias("month"))
        .group_by("rep", "month")
        .agg((amount * w).sum().alias("revenue"), ((amount - cost) * w).sum().alias("profit"))
        .with_columns(pl.col("rep").cast(pl.String))
        .collect()
    )
    annual = monthly.group_by("rep").agg(pl.col("revenue").sum(), pl.col("profit").sum())
    monthly = monthly.join(t.lazy().collect(), on="rep", how="left").with_columns(
        (pl.col("revenue_target_y") / 12).alias("revenue_target"),
        (pl.col("profit_target_y") / 12).alias("profit_target"),
    )
    annual = annual.join(t, on="rep", how="left").with_columns(
        pl.col("revenue_target_y").alias("revenue_target"),
        pl.col("profit_target_y").alias("profit_target"),
        pl.lit(None, pl.Int8).alias("month"),
    )

    def score(frame: pl.DataFrame) -> pl.DataFrame:
        ach = lambda a, t: pl.min_horizontal(pl.max_horizontal(pl.col(a) / pl.col(t), 0.0), cap)  # noqa: E731
        return frame.with_columns(
            (
                ach("revenue", "revenue_target") * weights["revenue"] * 100
                + ach("profit", "profit_target") * weights["profit"] * 100
            ).alias("score")
        )

    return pl.concat(
        [score(monthly).select("rep", "month", "revenue", "profit", "score"),
         score(annual).select("rep", pl.col("month").cast(pl.Int8), "revenue", "profit", "score")],
        how="vertical_relaxed",
    )


# The exact tally in SQL: decimal products summed without rounding (scale 4: cents times
# percent points), to cents at the end. `/` would turn DuckDB's DECIMAL into DOUBLE.
DUCKDB_TALLY = """
SELECT rep, month,
       CAST(round(sum(amount * share_pct) * 0.01, 2) AS DECIMAL(38, 2)) AS revenue,
       CAST(round(sum((amount - cost) * share_pct) * 0.01, 2) AS DECIMAL(38, 2)) AS profit
FROM (SELECT CAST(rep AS VARCHAR) AS rep, month(date) AS month, amount, cost, share_pct FROM facts)
GROUP BY GROUPING SETS ((rep, month), (rep))
"""

TARGETS = {100_000: 1.5, 1_000_000: 1.0, 30_000_000: 0.5}


def best_of(runs: int, work) -> tuple[float, list[float], object]:
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = work()
        times.append(time.perf_counter() - t0)
    return min(times), times, out


def cents(frame: pl.DataFrame, rev: str, prof: str, exact: bool) -> pl.DataFrame:
    """Monthly rows as integer cents (exact decimals times 100; floats rounded)."""
    frame = frame.filter(pl.col("month").is_not_null()).with_columns(pl.col("month").cast(pl.Int32))
    to_c = (lambda c: (pl.col(c) * 100).cast(pl.Int64)) if exact else \
        (lambda c: (pl.col(c) * 100).round(0).cast(pl.Int64))
    return frame.select("rep", "month", to_c("revenue").alias(rev), to_c("profit").alias(prof))


def compare(ours: pl.DataFrame, theirs: pl.DataFrame, who: str) -> bool:
    cmp = ours.join(theirs, on=["rep", "month"], how="full", coalesce=True)
    # A rep-month without facts is a zero card in kis and no row in a group-by.
    zero = lambda c: pl.col(c).is_null() | (pl.col(c) == 0)  # noqa: E731
    missing = cmp.filter((pl.col("rev_k").is_null() & ~zero("rev_o")) | (pl.col("rev_o").is_null() & ~zero("rev_k"))).height
    cmp = cmp.with_columns(pl.col("rev_k", "prof_k", "rev_o", "prof_o").fill_null(0))
    off = cmp.filter((pl.col("rev_k") != pl.col("rev_o")) | (pl.col("prof_k") != pl.col("prof_o"))).height
    print(f"  agreement with {who}: {cmp.height:,} rep-months compared, {off} differ by a cent or more, "
          f"{missing} missing on one side")
    return off == 0 and missing == 0


def run_size(n: int, args, policy: kis.Policy) -> bool:
    t0 = time.perf_counter()
    facts, targets = make_facts(n, args.reps, args.rep_encoding)
    print(f"== {facts.num_rows:,} facts, {args.reps:,} reps, rep column {facts.schema.field('rep').type}; "
          f"{facts.nbytes / 1e6:,.0f} MB in Arrow; generated in {time.perf_counter() - t0:.1f} s")
    base = rss_mb()

    kis_best, kis_times, scored = best_of(args.runs, lambda: policy.score_year(YEAR, facts, targets=targets))
    kis_peak = rss_mb()
    out = pa.table(scored)

    con = duckdb.connect()
    con.execute(f"SET threads TO {os.cpu_count()}")
    con.register("facts", facts)
    duck_best, duck_times, duck = best_of(args.runs, lambda: con.sql(DUCKDB_TALLY).to_arrow_table())

    weights, cap = kpi_weights(policy)
    pl_best, pl_times, theirs = best_of(args.runs, lambda: polars_scoring(facts, targets, weights, cap))

    ms = lambda ts: ", ".join(f"{t * 1000:.1f}" for t in ts)  # noqa: E731
    print(f"  kis    score the year: best {kis_best * 1000:9.1f} ms ({ms(kis_times)}), exact, "
          f"{out.num_rows:,} scorecards")
    print(f"  DuckDB exact tally:    best {duck_best * 1000:9.1f} ms ({ms(duck_times)}), DECIMAL, "
          f"{duck.num_rows:,} rows")
    print(f"  polars score the year: best {pl_best * 1000:9.1f} ms ({ms(pl_times)}), float64, "
          f"{theirs.height:,} rows")
    target = TARGETS.get(n)
    goal = f" (target: at most {target:.1f})" if target else ""
    print(f"  ratio kis / DuckDB: {kis_best / duck_best:.2f}{goal}")
    print(f"  ratio kis / polars: {kis_best / pl_best:.2f}")
    print(f"  peak RSS after the kis runs: {kis_peak:,.0f} MB (data: {base:,.0f} MB; kis added "
          f"{kis_peak - base:,.0f} MB)")

    exact = pl.from_arrow(out.select(["rep", "month", "revenue", "profit"]))
    ours = cents(exact, "rev_k", "prof_k", exact=True)
    duck_frame = pl.from_arrow(duck).with_columns(pl.col("month").cast(pl.Int32))
    agree = compare(ours, cents(duck_frame, "rev_o", "prof_o", exact=True), "DuckDB")
    agree &= compare(ours, cents(theirs, "rev_o", "prof_o", exact=False), "polars")
    return agree


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,1000000,30000000",
                    help="comma-separated fact counts (default: 100000,1000000,30000000)")
    ap.add_argument("--facts", type=int, help="one size only (same as --sizes N)")
    ap.add_argument("--reps", type=int, default=2_000)
    ap.add_argument("--rep-encoding", choices=["string", "dictionary"], default="dictionary")
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    sizes = [args.facts] if args.facts else [int(s) for s in args.sizes.split(",")]

    # Only revenue and profit have data here: the policy scores the other three metrics as
    # missing (reported), so the polars formula uses the policy's revenue and profit weights
    # re-normalised the same way when the policy redistributes missing weights.
    policy = kis.Policy.from_file(str(ROOT / "examples" / "policy.toml"))
    print(f"kis {kis.__version__ if hasattr(kis, '__version__') else ''}, DuckDB {duckdb.__version__}, "
          f"polars {pl.__version__}, pyarrow {pa.__version__}, {os.cpu_count()} cores")
    ok = True
    for n in sizes:
        ok &= run_size(n, args, policy)
    return 0 if ok else 1


def kpi_weights(policy: kis.Policy) -> tuple[dict, float]:
    """Revenue and profit weights and the achievement cap from the policy. Only these two
    metrics have data and targets here, so with `missing_metric = "redistribute"` their
    weights are scaled up to sum to 1, as kis does."""
    w = policy.kpi_weights
    weights = {"revenue": float(w["revenue"]), "profit": float(w["profit"])}
    if policy.missing_metric == "redistribute":
        total = weights["revenue"] + weights["profit"]
        weights = {k: v / total for k, v in weights.items()}
    return weights, float(policy.achievement_cap)


if __name__ == "__main__":
    sys.exit(main())
