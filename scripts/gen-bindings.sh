#!/usr/bin/env bash
# Generates the Kotlin and Swift sources of kis-ffi into target/bindings/, from the
# library built by `cargo build --workspace` (debug) or the path given as $1.
#
# uniffi 0.32 makes a Kotlin error's `message` "field=value, ..." for variants with
# fields; kis wants the human text. KisError exports Rust's Display as `toString()`, and
# this script points `message` at it. It fails if the generated code changed shape.
set -euo pipefail
cd "$(dirname "$0")/.."
LIB=${1:-target/debug/libkis_ffi.so}
BINDGEN=${BINDGEN:-target/debug/uniffi-bindgen}
OUT=target/bindings
rm -rf "$OUT"
for lang in kotlin swift; do
  "$BINDGEN" generate --library "$LIB" --language "$lang" --no-format --out-dir "$OUT/$lang" >/dev/null
done
KT=$OUT/kotlin/org/kis/kis_ffi.kt
python3 - "$KT" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path).read()
start = text.index("sealed class KisException")
end = text.index("companion object ErrorHandler", start)
block, n = re.subn(r'(override val message\s+get\(\) = )"[^"\n]*"', r'\1toString()', text[start:end])
if n != 14:
    sys.exit(f"gen-bindings: expected 14 KisException variants to patch, found {n}")
open(path, "w").write(text[:start] + block + text[end:])
PY
echo "bindings in $OUT: $(find "$OUT" -type f | tr '\n' ' ')"
