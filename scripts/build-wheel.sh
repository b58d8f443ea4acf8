#!/usr/bin/env bash
# Builds the Python wheel of kis (distribution kis-sales, import kis) the way a release
# does: maturin, release mode, abi3 (one wheel for CPython 3.9+), stripped, tagged with
# the oldest manylinux policy its symbols allow; then `auditwheel show` confirms the tag
# (the wheel links nothing outside that policy). Prints the wheel's path last.
#   scripts/build-wheel.sh [OUT_DIR]       (default target/wheels)
set -euo pipefail
cd "$(dirname "$0")/.."
KIS_TOOLS=${KIS_TOOLS:-$HOME/.cache/kis}
VENV=$KIS_TOOLS/venv
[ -x "$VENV/bin/maturin" ] || scripts/setup-tools.sh
out=${1:-target/wheels}
mkdir -p "$out"
rm -f "$out"/kis_sales-*.whl
# maturin tags the oldest manylinux policy the library's symbols allow.
(cd kis-py && "$VENV/bin/maturin" build --quiet --release --strip --target-dir ../target/wheel --out "../$out")
wheel=$(ls "$out"/kis_sales-*.whl)
tag=$(basename "$wheel" .whl | grep -oE 'manylinux_[0-9]+_[0-9]+_x86_64')
[ -n "$tag" ] || { echo "not a manylinux wheel: $wheel"; exit 1; }
"$VENV/bin/auditwheel" show "$wheel" | tee target/auditwheel.log
tr -s ' \n' '  ' < target/auditwheel.log | grep -q "is consistent with the following platform tag: \"${tag}\"" ||
  { echo "auditwheel does not confirm $tag"; exit 1; }
echo "$wheel"
