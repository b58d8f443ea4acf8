#!/usr/bin/env bash
# Runs every cargo-fuzz target of fuzz/ for FUZZ_SECONDS each (default 60), starting from
# the committed corpus (fuzz/corpus/TARGET, copied so the checkout stays clean), and
# prints the executions per target. A crash fails the run: its input is kept under
# target/fuzz-artifacts/TARGET, to be added as a regression test.
# cargo-fuzz is installed into $KIS_TOOLS/cargo-fuzz if missing; the stable toolchain
# runs it with RUSTC_BOOTSTRAP=1 (cargo-fuzz needs nightly flags for the sanitizer).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
KIS_TOOLS=${KIS_TOOLS:-$HOME/.cache/kis}
SECONDS_EACH=${FUZZ_SECONDS:-60}
FUZZ_BIN=$KIS_TOOLS/cargo-fuzz/bin
if [ ! -x "$FUZZ_BIN/cargo-fuzz" ]; then
  echo "[fuzz] installing cargo-fuzz into $KIS_TOOLS/cargo-fuzz"
  cargo install --quiet --locked cargo-fuzz --root "$KIS_TOOLS/cargo-fuzz"
fi
export PATH=$FUZZ_BIN:$PATH RUSTC_BOOTSTRAP=1
# The fuzz build has its own target directory, kept between runs.
export CARGO_TARGET_DIR=$ROOT/target/fuzz
targets=$(cd fuzz && cargo fuzz list)
(cd fuzz && cargo fuzz build)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
summary=""
for t in $targets; do
  mkdir -p "$work/$t" "$ROOT/target/fuzz-artifacts/$t"
  cp -r "fuzz/corpus/$t/." "$work/$t/" 2>/dev/null || true
  log=$work/$t.log
  if ! (cd fuzz && cargo fuzz run "$t" "$work/$t" -- \
        -max_total_time="$SECONDS_EACH" -print_final_stats=1 -rss_limit_mb=4096 \
        -artifact_prefix="$ROOT/target/fuzz-artifacts/$t/") > "$log" 2>&1; then
    tail -60 "$log"
    echo "[fuzz] $t crashed; the input is in target/fuzz-artifacts/$t"
    exit 1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  summary="$summary $t=${runs:-?}"
  echo "[fuzz] $t: ${runs:-?} executions in ${SECONDS_EACH}s, no crash"
done
echo "[fuzz] executions per target:$summary"
