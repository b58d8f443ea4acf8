#!/usr/bin/env bash
# Runs every test of kis on this machine, installing what it needs first (idempotent):
#   Rust: fmt, clippy, all crates' tests on every store (memory, SQLite, PostgreSQL);
#   each cargo-fuzz target for a bounded time (scripts/fuzz.sh, FUZZ_SECONDS each);
#   the quickstart, twice (the second run must change nothing);
#   Python: builds the `kis` package with maturin into a venv, pytest, stubtest;
#   kis-server: schemathesis against its OpenAPI document (its HTTP tests are cargo's);
#   Kotlin/Swift: generates the uniffi bindings, compiles and runs the Kotlin test on the JVM.
# A throwaway PostgreSQL server is started on loopback (scripts/pg.sh) and stopped at exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
KIS_TOOLS=${KIS_TOOLS:-$HOME/.cache/kis}
export KIS_TOOLS
# Incremental caches only pay off when editing; a CI run compiles once.
export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}
# PostgreSQL is an optional store; the tests cover it, so every build here enables it
# (one feature set for every step, so that no step rebuilds another's crates).
export KIS_FEATURES=${KIS_FEATURES:-kis/postgres,kis-ffi/postgres}
# Also for what `cargo package` verifies, whose manifests carry no profile of ours.
export CARGO_PROFILE_DEV_DEBUG=${CARGO_PROFILE_DEV_DEBUG:-line-tables-only}

step() { printf '\n== %s\n' "$*"; }
SECONDS=0

step "tools"
scripts/setup-tools.sh

step "PostgreSQL (throwaway, loopback)"
export PG_BASE=${PG_BASE:-/tmp/kis-pg-test} PG_PORT=${PG_PORT:-54339} PG_DB=${PG_DB:-kis_test} PG_FAST=${PG_FAST:-1}
scripts/pg.sh start
trap 'scripts/pg.sh stop || true' EXIT
eval "$(scripts/pg.sh env)"
export KIS_TEST_POSTGRES_URL=$DATABASE_URL

step "rust: format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --quiet --features "$KIS_FEATURES" -- -D warnings
# The phone's library and the facade without PostgreSQL, as their users build them.
cargo clippy -p kis -p kis-ffi --quiet --no-default-features --features kis/sqlite -- -D warnings
# No import circle among kis-core's files (#17).
python3 scripts/module-cycles.py
python3 scripts/module-cycles.py --level 1
# The MSRV is the newest rust-version among the dependencies (#20).
python3 scripts/msrv.py

step "rust: tests (memory, SQLite, PostgreSQL)"
cargo test --workspace --quiet --features "$KIS_FEATURES" 2>&1 | tee target/rust-tests.log | grep -E '^(test result|error|failures)' || true
if grep -qE '^test result: FAILED|^error' target/rust-tests.log || ! grep -q '^test result' target/rust-tests.log; then
  cat target/rust-tests.log
  exit 1
fi
awk '/^test result/ { passed += $4; failed += $6 } END { printf "rust: %d passed, %d failed\n", passed, failed }' target/rust-tests.log

step "rust: the crates, packaged and built from their packages in dependency order"
if ! cargo package --workspace --exclude kis-py --exclude kis-ffi --exclude uniffi-bindgen \
    --allow-dirty > target/package.log 2>&1; then
  cat target/package.log
  exit 1
fi
grep -E '^ +Packaged' target/package.log
ls target/package/*.crate

step "kis-cli: installable with cargo install --path (#22)"
# The dev profile the tests just built, so nothing compiles twice; a user's install is the
# same command without --debug.
cargo install --quiet --path kis-cli --debug --locked --root target/kis-install > target/kis-install.log 2>&1 || { cat target/kis-install.log; exit 1; }
target/kis-install/bin/kis --version
target/kis-install/bin/kis policy check examples/policy.toml

step "fuzzing: every target for ${FUZZ_SECONDS:-60}s from the committed corpus"
scripts/fuzz.sh

step "quickstart, twice (idempotent)"
demo=$(mktemp -d)/kis-demo.db
cargo run --quiet --example quickstart -- "$demo" > target/quickstart-1.log
cargo run --quiet --example quickstart -- "$demo" > target/quickstart-2.log
grep -q "0 written by this run" target/quickstart-2.log || { cat target/quickstart-2.log; exit 1; }
grep -q "chain verified: intact" target/quickstart-2.log
grep -q "# Sales report: company" target/quickstart-1.log
export KIS_DEMO_DB=$demo   # examples/analysis.py reads it in the Python step
# The README's Rust block is a doctest; `cargo test` ran it once on sales.db, and a
# second run on the same file must succeed too.
# (The workspace's doctests with the same features as every other step: nothing rebuilds.)
cargo test --quiet --workspace --doc --features "$KIS_FEATURES" > target/readme-rust.log 2>&1 || { cat target/readme-rust.log; exit 1; }

for extra in scripts/test-server.sh scripts/test-python.sh scripts/test-kotlin.sh; do
  if [ -x "$extra" ]; then
    step "$extra"
    "$extra"
  fi
done

printf '\nall tests passed in %dm%02ds\n' $((SECONDS / 60)) $((SECONDS % 60))
