#!/usr/bin/env bash
# The Python-side benchmarks of issues #5 and #7, with kis built in release mode into a
# bench venv (polars, pyarrow):
#   - benches/kpi_vs_polars.py: a year of 100,000, 1,000,000 and 30,000,000 facts scored by
#     kis, tallied by DuckDB (exact DECIMAL) and scored by polars, with the ratios;
#   - benches/python_calls.py: one-call overhead, batch pricing, Arrow export of the facts
#     of a SQLite store seeded with 1M facts by benches/store_scans.rs (which also prints
#     the time to score that year from the store).
# Usage: scripts/bench-python.sh [KPI_SIZES (100000,1000000,30000000)] [FACTS_IN_STORE (1000000)]
set -euo pipefail
cd "$(dirname "$0")/.."
KIS_TOOLS=${KIS_TOOLS:-$HOME/.cache/kis}
VENV=$KIS_TOOLS/bench-venv
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -c 'import polars, pyarrow, maturin, duckdb' 2>/dev/null ||
  "$VENV/bin/pip" install -q "maturin>=1.9.4,<2" "polars>=1.20" "pyarrow>=15" "duckdb>=1.1"
(cd kis-py && VIRTUAL_ENV=$VENV PATH=$VENV/bin:$PATH maturin develop --release --quiet --target-dir ../target/maturin-release)
kpi_sizes=${1:-100000,1000000,30000000}
store_facts=${2:-1000000}
echo "== KPI, kis against DuckDB and polars ($kpi_sizes facts, rep as dictionary)"
"$VENV/bin/python" benches/kpi_vs_polars.py --sizes "$kpi_sizes"
db=${KIS_BENCH_DB:-$KIS_TOOLS/bench-facts.db}
echo "== the store: $store_facts facts in $db"
cargo bench --quiet --features arrow --bench store_scans -- "$store_facts" 2000 "$db"
echo "== Python calls"
"$VENV/bin/python" benches/python_calls.py "$db"
