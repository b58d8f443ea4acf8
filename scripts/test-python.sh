#!/usr/bin/env bash
# Tests the Python package `kis`:
#   1. builds it into the tools venv with maturin (its own target dir, so it does not
#      rebuild what cargo built) and runs pytest, stubtest included;
#   2. runs examples/analysis.py on the quickstart's database when KIS_DEMO_DB names one;
#   3. builds the release wheel (scripts/build-wheel.sh: abi3, manylinux, checked by
#      auditwheel), installs it into a fresh venv with no Rust on PATH, and runs the same
#      tests against that installed wheel (KIS_SKIP_WHEEL=1 skips this while iterating).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
KIS_TOOLS=${KIS_TOOLS:-$HOME/.cache/kis}
VENV=$KIS_TOOLS/venv
[ -x "$VENV/bin/python" ] || scripts/setup-tools.sh
# shellcheck disable=SC1091
source "$VENV/bin/activate"
# The distribution was called `kis` before it became `kis-sales` (#20); an old editable
# install of that name would shadow the new one.
if pip show -q kis >/dev/null 2>&1; then pip uninstall -q -y kis; fi
(cd kis-py && maturin develop --quiet --target-dir ../target/maturin)
python -m pytest -q kis-py/tests

if [ -n "${KIS_DEMO_DB:-}" ]; then
  echo "== examples/analysis.py on $KIS_DEMO_DB"
  rm -f target/kis-analysis.png
  python examples/analysis.py "$KIS_DEMO_DB" target/kis-analysis.png > target/analysis.log
  grep -q "Scoreboard" target/analysis.log && grep -q "Sales report" target/analysis.log
  [ -s target/kis-analysis.png ] || { echo "no chart written"; exit 1; }
  tail -1 target/analysis.log
fi
deactivate

if [ "${KIS_SKIP_WHEEL:-0}" != 1 ]; then
  echo "== the release wheel (manylinux, abi3), installed into a fresh venv with no Rust on PATH"
  wheel=$(scripts/build-wheel.sh target/wheels | tail -1)
  fresh=$(mktemp -d)/venv
  python3 -m venv "$fresh"
  # No cargo, no rustc: pip must take the prebuilt wheel, as an analyst's machine does.
  norust=/usr/local/bin:/usr/bin:/bin
  if PATH=$norust command -v cargo >/dev/null; then echo "cargo is still on the stripped PATH"; exit 1; fi
  PATH=$norust "$fresh/bin/pip" install -q --disable-pip-version-check --upgrade pip
  PATH=$norust "$fresh/bin/pip" install -q --disable-pip-version-check --only-binary kis-sales "$wheel[test]"
  where=$("$fresh/bin/python" -c 'import kis, pathlib; print(pathlib.Path(kis.__file__).parent)')
  case "$where" in
    "$fresh"/*) echo "kis installed at $where from $(basename "$wheel")" ;;
    *) echo "kis imported from $where, not from the fresh venv"; exit 1 ;;
  esac
  (cd "$(mktemp -d)" && PATH=$norust "$fresh/bin/python" -m pytest -q -p no:cacheprovider "$ROOT/kis-py/tests")
  rm -rf "$(dirname "$fresh")"
fi
