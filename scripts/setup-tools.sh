#!/usr/bin/env bash
# Installs, idempotently, what the test run needs outside cargo:
#   - a Python venv with maturin, pytest, mypy, and the DataFrame tools the tests and
#     examples/analysis.py use (pyarrow, polars, pandas, matplotlib);
#   - the Kotlin compiler from npm and Debian's JNA (for the Kotlin bindings test);
#   - schemathesis (kis-server's OpenAPI conformance), in its own venv;
#   - tools/swift-syntax, a tree-sitter parser of Swift (no Swift compiler runs here);
#   - the PostgreSQL server binaries are installed by scripts/pg.sh when it starts one.
# Tools go to a cache outside the checkout (KIS_TOOLS, default ~/.cache/kis) so that a
# fresh clone reuses them. Each step checks first, then installs only what is missing.
set -euo pipefail

KIS_TOOLS=${KIS_TOOLS:-$HOME/.cache/kis}
mkdir -p "$KIS_TOOLS"
log() { printf '[setup-tools] %s\n' "$*" >&2; }

# Python venv with the build backend and the test tools.
VENV=$KIS_TOOLS/venv
if [ ! -x "$VENV/bin/python" ]; then
  log "creating venv $VENV"
  python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c 'import maturin, pytest, hypothesis, mypy, pyarrow, polars, pandas, matplotlib, auditwheel, jsonschema' >/dev/null 2>&1; then
  log "installing maturin, pytest, hypothesis, mypy, pyarrow, polars, pandas, matplotlib, auditwheel, jsonschema into the venv"
  "$VENV/bin/pip" install -q --disable-pip-version-check \
    "maturin>=1.9.4,<2" "pytest>=8" "hypothesis>=6.100" "mypy>=1.10" "pyarrow>=15" "polars>=1.20" \
    "pandas>=2.2" "matplotlib>=3.8" "auditwheel>=6" "jsonschema>=4.18"
fi

# schemathesis (kis-server against its OpenAPI document), in a venv of its own: it pins
# its own hypothesis.
ST_VENV=$KIS_TOOLS/st-venv
if ! "$ST_VENV/bin/schemathesis" --version >/dev/null 2>&1; then
  log "installing schemathesis into $ST_VENV"
  python3 -m venv "$ST_VENV"
  "$ST_VENV/bin/pip" install -q --disable-pip-version-check "schemathesis>=4.3,<5"
fi

# Kotlin compiler (npm package kotlin-compiler ships kotlinc and the stdlib jar).
KT=$KIS_TOOLS/kt
if [ ! -x "$KT/node_modules/kotlin-compiler/bin/kotlinc" ]; then
  log "installing kotlin-compiler from npm into $KT"
  mkdir -p "$KT"
  (cd "$KT" && { [ -f package.json ] || npm init -y >/dev/null; } && npm install -q kotlin-compiler@2 >/dev/null)
fi

# JNA for the JVM: the uniffi Kotlin bindings load the native library through it.
if [ ! -f /usr/share/java/jna.jar ]; then
  log "installing libjna-java (Debian)"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends libjna-java >/dev/null
fi
# The Swift syntax checker (tools/swift-syntax, from crates.io), rebuilt when its source
# changed: cargo decides, in its own target dir.
SWIFT_SYNTAX=$KIS_TOOLS/swift-syntax-target/release/swift-syntax-check
if [ ! -x "$SWIFT_SYNTAX" ] || [ -n "$(find "$(dirname "$0")/../tools/swift-syntax" -newer "$SWIFT_SYNTAX" -type f)" ]; then
  log "building tools/swift-syntax into $KIS_TOOLS/swift-syntax-target"
  cargo build -q --release --manifest-path "$(dirname "$0")/../tools/swift-syntax/Cargo.toml" \
    --target-dir "$KIS_TOOLS/swift-syntax-target"
fi
log "tools ready in $KIS_TOOLS"
