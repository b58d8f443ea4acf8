#!/usr/bin/env bash
# Installs zen-engine (PyPI) and kis (maturin, release) into a bench venv, then runs the
# side-by-side pricing comparison. Usage: scripts/bench-pricing-vs-zen.sh [RULES[,RULES...]]
# (default 100,1000,10000: the cost per line as the rules grow)
set -euo pipefail
cd "$(dirname "$0")/.."
KIS_TOOLS=${KIS_TOOLS:-$HOME/.cache/kis}
VENV=$KIS_TOOLS/bench-venv
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -c 'import zen, maturin' 2>/dev/null || "$VENV/bin/pip" install -q "zen-engine" "maturin>=1.9.4,<2"
(cd kis-py && VIRTUAL_ENV=$VENV PATH=$VENV/bin:$PATH maturin develop --release --quiet --target-dir ../target/maturin-release)
"$VENV/bin/python" benches/pricing_vs_zen.py "${1:-100,1000,10000}"
