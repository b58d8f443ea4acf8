"""An analyst's first look at the quickstart's data: the month's scoreboard, budget status
and sales report as DataFrames, and one chart of target against actual per rep.

Run the quickstart first (it writes kis-demo.db), then:

    python examples/analysis.py [kis-demo.db] [kis-analysis.png]

Money stays exact: the tables come out of kis as Arrow decimal128 columns, which polars
reads without a copy and without turning cents into floats.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display needed: the chart goes to a file
import matplotlib.pyplot as plt
import polars as pl

import kis

ROOT = Path(__file__).resolve().parent.parent
DIRECTOR, FINANCE = "dong", "fan"  # the quickstart's sales director and finance


def main() -> int:
    db = sys.argv[1] if len(sys.argv) > 1 else "kis-demo.db"
    chart = Path(sys.argv[2] if len(sys.argv) > 2 else "kis-analysis.png")
    if not Path(db).exists():
        print(f"{db} not found: run `cargo run --example quickstart` first", file=sys.stderr)
        return 2
    engine = kis.Engine.open(db, kis.Policy.from_file(ROOT / "examples" / "policy.toml"))
    today = engine.today()
    pl.Config.set_tbl_rows(30)
    pl.Config.set_tbl_cols(12)

    # The month's scoreboard (P5.2a): every rep's card for each month and the year, from
    # one scan of the store, as a DataFrame.
    year = pl.DataFrame(engine.score_year_table(DIRECTOR, today.year))
    month = year.filter(pl.col("month") == today.month).sort("score", descending=True)
    print(f"Scoreboard {today:%Y-%m}")
    print(month.select("rep", "revenue", "revenue_target", "profit", "profit_target", "new_customers", "score", "band"))

    # Budget status (P6.1): annual and to-date budgets against what was consumed.
    budgets = pl.DataFrame(
        [
            {
                "team": b.team,
                "category": b.category,
                "annual": b.annual,
                "to_date": b.to_date,
                "consumed": b.consumed,
                "remaining": b.remaining,
            }
            for b in engine.budget_status(FINANCE, today.year)
        ],
        schema_overrides={c: pl.Decimal(18, 2) for c in ("annual", "to_date", "consumed", "remaining")},
    )
    print(f"\nBudget status {today.year}")
    print(budgets)

    # The month's sales report (P9), the same data as the quickstart's Markdown.
    report = engine.sales_report_tables(DIRECTOR, today.year, today.month)
    print(f"\nSales report {report.period} ({report.scope}): revenue {report.revenue} {report.currency}")
    for section in ("trend", "completion", "by_product", "by_region", "performers", "leads", "open_complaints"):
        print(f"\n{section}")
        print(pl.DataFrame(report.table(section)))

    # One chart: the month's revenue target against the actual, per rep.
    reps = month["rep"].to_list()
    actual = [float(v) for v in month["revenue"].to_list()]
    target = [float(v or Decimal(0)) for v in month["revenue_target"].to_list()]
    fig, ax = plt.subplots(figsize=(7, 4))
    x = range(len(reps))
    ax.bar([i - 0.2 for i in x], target, width=0.4, label="target", color="#c8c8c8")
    ax.bar([i + 0.2 for i in x], actual, width=0.4, label="actual", color="#2a6fb0")
    ax.set_xticks(list(x), reps)
    ax.set_ylabel(f"revenue ({report.currency})")
    ax.set_title(f"Revenue: target and actual per rep, {today:%Y-%m}")
    ax.legend()
    fig.tight_layout()
    fig.savefig(chart, dpi=100)
    print(f"\nchart saved: {chart}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
