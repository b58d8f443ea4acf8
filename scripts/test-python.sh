#!/usr/bin/env bash
# Builds the Python package `kis` into the tools venv with maturin (its own target dir,
# so it does not rebuild what cargo built) and runs its tests, stubtest included.
set -euo pipefail
cd "$(dirname "$0")/.."
KIS_TOOLS=${KIS_TOOLS:-$HOME/.cache/kis}
VENV=$KIS_TOOLS/venv
[ -x "$VENV/bin/python" ] || scripts/setup-tools.sh
# shellcheck disable=SC1091
source "$VENV/bin/activate"
(cd kis-py && maturin develop --quiet --target-dir ../target/maturin)
python -m pytest -q kis-py/tests
