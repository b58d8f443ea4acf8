#!/usr/bin/env bash
# kis-server against its own OpenAPI document, with schemathesis (from PyPI): a real
# server on loopback, a real admin token, thousands of generated and mutated requests
# to every operation. Fails on any 5xx, any status or content type the document does
# not declare (every error must be application/problem+json), and any answer that does
# not match its declared schema. Bounded: 5 examples per operation, fixed seed.
set -euo pipefail
cd "$(dirname "$0")/.."
KIS_TOOLS=${KIS_TOOLS:-$HOME/.cache/kis}
ST=$KIS_TOOLS/st-venv/bin/schemathesis
[ -x "$ST" ] || scripts/setup-tools.sh

cargo build -q --workspace --features "${KIS_FEATURES:-kis/postgres,kis-ffi/postgres}"
BIN=target/debug/kis-server
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
token=$("$BIN" bootstrap --store "$work/kis.db" --policy examples/policy.toml --admin root --name Root)
cat > "$work/server.toml" <<TOML
[limits]
per_second = 100000
burst = 100000
long_poll_secs = 1
request_timeout_secs = 10
TOML
"$BIN" --store "$work/kis.db" --config "$work/server.toml" --listen 127.0.0.1:0 > "$work/out" 2> "$work/server.log" &
pid=$!
for _ in $(seq 100); do grep -q listening "$work/out" && break; sleep 0.1; done
url=$(awk '{print $NF}' "$work/out")
echo "schemathesis against $url/openapi.json"
# The event stream never ends by design: it is tested in kis-server/tests.
"$ST" run "$url/openapi.json" -H "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --phases examples,coverage,fuzzing -n "${SCHEMATHESIS_EXAMPLES:-5}" --seed 1 -w 2 \
  --exclude-path /v1/changes/stream --warnings off > "$work/st.log" 2>&1 || { cat "$work/st.log"; exit 1; }
grep -E "generated|passed|failed" "$work/st.log" | tail -2
# Nothing the server answered was a 5xx, by its own log either.
if grep -q '"status":5[0-9][0-9]' "$work/server.log"; then
  grep '"status":5[0-9][0-9]' "$work/server.log" | head
  exit 1
fi
kill -TERM "$pid"
wait "$pid"
echo "kis-server stopped cleanly"

# The README's kis-server block, as written (it listens on 127.0.0.1:8080).
python3 - README.md > "$work/readme.sh" <<'PY'
import sys
text = open(sys.argv[1]).read()
start = text.index("<!-- kis-server quickstart")
block = text[text.index("```sh\n", start) + 6:]
print("set -euo pipefail\n" + block[:block.index("```")])
PY
bash "$work/readme.sh" > "$work/readme.out"
grep -q '"status":"ready"' "$work/readme.out"
grep -q '"id":"meng"' "$work/readme.out"
grep -q '"token":"kis_' "$work/readme.out"
grep -q '"kind":"Unauthenticated"' "$work/readme.out"
echo "the README's kis-server block ran"
