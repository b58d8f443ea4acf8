"""KPI scoring of a year, kis against polars, side by side in one process (issue #5).

Workload: N sales facts (default 10,000,000) for 2,000 reps over the 12 months of 2026,
money as exact decimal128(18, 2), each fact credited to one rep with a share (100 %, or
60 % / 40 % for split sales), and annual revenue and profit targets per rep.

- kis: ``Policy.score_year(2026, facts, targets=...)`` tallies the year exactly (integer
  sums of decimals, on every core, GIL released) and scores every rep for each month and
  for the year with the policy's weights, caps and bands.
- polars: the same group-by (rep, month) and weighted scoring in float64, from the same
  Arrow table, as an analyst would write it.

Prints both times and their ratio (kis / polars: at most 1.0 is the target), the peak
memory of the process after the kis run, and checks that every rep's monthly revenue and
profit agree to the cent.

    python benches/kpi_vs_polars.py [--facts 10000000] [--reps 2000] [--rep-encoding string|dictionary]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import time
from decimal import Decimal
from pathlib import Path

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


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--facts", type=int, default=10_000_000)
    ap.add_argument("--reps", type=int, default=2_000)
    ap.add_argument("--rep-encoding", choices=["string", "dictionary"], default="string")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()

    # Only revenue and profit have data here: the policy scores the other three metrics as
    # missing (reported), so the polars formula uses the policy's revenue and profit weights
    # re-normalised the same way when the policy redistributes missing weights.
    policy = kis.Policy.from_file(str(ROOT / "examples" / "policy.toml"))
    t0 = time.perf_counter()
    facts, targets = make_facts(args.facts, args.reps, args.rep_encoding)
    print(f"data: {facts.num_rows:,} facts, {args.reps:,} reps, rep column {facts.schema.field('rep').type}; "
          f"{facts.nbytes / 1e6:,.0f} MB in Arrow; generated in {time.perf_counter() - t0:.1f} s")
    base = rss_mb()

    kis_times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        scored = policy.score_year(YEAR, facts, targets=targets)
        kis_times.append(time.perf_counter() - t0)
    kis_peak = rss_mb()
    out = pa.table(scored)

    weights, cap = kpi_weights(policy)
    pl_times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        theirs = polars_scoring(facts, targets, weights, cap)
        pl_times.append(time.perf_counter() - t0)

    kis_best, pl_best = min(kis_times), min(pl_times)
    print(f"kis    score the year: best {kis_best * 1000:8.1f} ms of {args.runs} "
          f"({', '.join(f'{t * 1000:.0f}' for t in kis_times)}), exact decimals, {out.num_rows:,} scorecards")
    print(f"polars score the year: best {pl_best * 1000:8.1f} ms of {args.runs} "
          f"({', '.join(f'{t * 1000:.0f}' for t in pl_times)}), float64, {theirs.height:,} rows")
    print(f"ratio kis / polars: {kis_best / pl_best:.2f} (target: at most 1.00)")
    print(f"peak RSS after the kis runs: {kis_peak:,.0f} MB (data loaded: {base:,.0f} MB; "
          f"kis added {kis_peak - base:,.0f} MB); target under 1,500 MB")

    # Agreement to the cent of every rep's monthly revenue and profit.
    theirs_m = theirs.filter(pl.col("month").is_not_null()).with_columns(pl.col("month").cast(pl.UInt8))
    # kis's decimals are exact; compare them as integers of cents, not through floats.
    exact = pl.from_arrow(out.select(["rep", "month", "revenue", "profit"])).filter(pl.col("month").is_not_null())
    kis_cents = exact.with_columns(
        (pl.col("revenue") * 100).cast(pl.Int64).alias("rev_c"), (pl.col("profit") * 100).cast(pl.Int64).alias("prof_c")
    ).select("rep", "month", "rev_c", "prof_c")
    pol_cents = theirs_m.with_columns(
        (pl.col("revenue") * 100).round(0).cast(pl.Int64).alias("rev_p"),
        (pl.col("profit") * 100).round(0).cast(pl.Int64).alias("prof_p"),
    ).select("rep", "month", "rev_p", "prof_p")
    cmp = kis_cents.join(pol_cents, on=["rep", "month"], how="full", coalesce=True)
    missing = cmp.filter(pl.col("rev_c").is_null() | pl.col("rev_p").is_null()).height
    off = cmp.filter((pl.col("rev_c") != pl.col("rev_p")) | (pl.col("prof_c") != pl.col("prof_p"))).height
    print(f"per-rep monthly totals: {cmp.height:,} compared, {off} differ by a cent or more, "
          f"{missing} missing on one side")
    return 0 if off == 0 and missing == 0 else 1


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
