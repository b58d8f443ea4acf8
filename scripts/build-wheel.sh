#!/usr/bin/env bash
# Builds the Python wheel of kis (distribution kis-sales, import kis) the way a release
# does: maturin, release mode, abi3 (one wheel for CPython 3.9+), stripped, tagged
# manylinux for the glibc this machine has; then `auditwheel show` checks that the tag
# is right (the wheel links nothing outside the manylinux policy). Prints the wheel's
# path on the last line.
#   scripts/build-wheel.sh [OUT_DIR]       (default target/wheels)
set -euo pipefail
cd "$(dirname "$0")/.."
KIS_TOOLS=${KIS_TOOLS:-$HOME/.cache/kis}
VENV=$KIS_TOOLS/venv
[ -x "$VENV/bin/maturin" ] || scripts/setup-tools.sh
out=${1:-target/wheels}
mkdir -p "$out"
rm -f "$out"/kis_sales-*.whl
glibc=$(ldd --version | head -1 | grep -oE '[0-9]+\.[0-9]+$' | tr . _)
(cd kis-py && "$VENV/bin/maturin" build --quiet --release --strip --compatibility "manylinux_$glibc" \
  --target-dir ../target/wheel --out "../$out")
wheel=$(ls "$out"/kis_sales-*.whl)
"$VENV/bin/auditwheel" show "$wheel" | tee target/auditwheel.log
grep -q "is consistent with the following platform tag: \"manylinux_$glibc" target/auditwheel.log
echo "$wheel"
