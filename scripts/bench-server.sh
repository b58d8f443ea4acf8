#!/usr/bin/env bash
# kis-server's figures (#19): requests per second and p50/p99 latency of `price_for`
# and `create_quote` at 1, 16 and 64 concurrent clients, over HTTP (wrk, from Debian)
# and in-process (Engine::call, the same JSON wire), on SQLite and on PostgreSQL
# (durable: fsync on), side by side in one run with the ratio HTTP / in-process.
# The server logs at warn here; wrk and the server share this machine's cores.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${BENCH_SECONDS:-5}
command -v wrk >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -qq wrk >/dev/null; }
cargo build -q --profile bench -p kis-server --bin kis-server
cargo bench -q -p kis-server --bench in_process --no-run
BIN=target/release/kis-server
export PG_BASE=${PG_BASE:-/tmp/kis-pg-bench} PG_PORT=${PG_PORT:-54349} PG_DB=${PG_DB:-kis_bench} PG_FAST=0
scripts/pg.sh start >/dev/null
work=$(mktemp -d)
trap 'kill "${pid:-0}" 2>/dev/null || true; scripts/pg.sh purge >/dev/null || true; rm -rf "$work"' EXIT
eval "$(scripts/pg.sh env)"
psql_url=$DATABASE_URL
valid=$(date -u -d "+20 days" +%F)
results=$work/results
: > "$results"

call() { # token entry json
  curl -sf -X POST "$url/v1/$2" -H "Authorization: Bearer $1" -H "Content-Type: application/json" -d "$3"
}

for backend in sqlite postgres; do
  case $backend in
    sqlite) http_store=$work/http.db; ip_store=$work/in-process.db ;;
    postgres)
      for db in kis_http kis_ip; do psql "$psql_url" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null; done
      http_store=${psql_url%/*}/kis_http; ip_store=${psql_url%/*}/kis_ip ;;
  esac
  admin=$("$BIN" bootstrap --store "$http_store" --policy examples/policy.toml --admin admin --name Admin)
  printf '[limits]\nper_second = 1000000\nburst = 1000000\n[log]\nfilter = "warn"\n' > "$work/server.toml"
  "$BIN" --store "$http_store" --config "$work/server.toml" --listen 127.0.0.1:0 > "$work/out" 2> "$work/server.log" &
  pid=$!
  for _ in $(seq 100); do grep -q listening "$work/out" && break; sleep 0.1; done
  url=$(awk '{print $NF}' "$work/out")
  call "$admin" add_user '{"id":"meng","name":"Meng","role":"manager"}' >/dev/null
  call "$admin" add_user '{"id":"dong","name":"Dong","role":"director"}' >/dev/null
  call "$admin" add_team '{"id":"east","name":"East","manager":"meng"}' >/dev/null
  call "$admin" add_user '{"id":"li","name":"Li","role":"rep","team":"east"}' >/dev/null
  expires=$(date -u -d "+1 day" +%FT%TZ)
  dong=$(call "$admin" issue_api_token "{\"user\":\"dong\",\"label\":\"bench\",\"expires_at\":\"$expires\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  li=$(call "$admin" issue_api_token "{\"user\":\"li\",\"label\":\"bench\",\"expires_at\":\"$expires\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  call "$dong" put_product '{"product":{"id":"KIS-PRO","name":"KIS Professional","category":"software>erp","list_price":{"amount":"1000","currency":"CNY"},"cost":{"amount":"600","currency":"CNY"}}}' >/dev/null
  call "$li" add_customer '{"id":"C-LI","name":"Customer","group":"retail","owner":"li"}' >/dev/null
  for entry in price_for create_quote; do
    for clients in 1 16 64; do
      threads=$(( clients < 2 ? clients : 2 ))
      line=$(ENTRY=$entry KIS_TOKEN=$li VALID_UNTIL=$valid wrk -t "$threads" -c "$clients" -d "${SECONDS_EACH}s" \
        -s kis-server/bench/requests.lua "$url" | grep '^RESULT')
      set -- $line
      [ "$6" = 0 ] || { echo "$backend $entry x$clients: $6 requests failed"; tail -5 "$work/server.log"; exit 1; }
      echo "http $backend $entry $clients $3 $4 $5" >> "$results"
    done
  done
  kill -TERM "$pid"; wait "$pid" || true
  cargo bench -q -p kis-server --bench in_process -- "$ip_store" "$SECONDS_EACH" | grep '^RESULT' |
    while read -r _ entry clients rps p50 p99; do echo "in-process $backend $entry $clients $rps $p50 $p99"; done >> "$results"
done

python3 - "$results" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    side, backend, entry, clients, rps, p50, p99 = line.split()
    rows[(side, backend, entry, int(clients))] = (float(rps), float(p50), float(p99))
print(f"{'store':<9}{'entry':<13}{'clients':>7} | {'HTTP req/s':>10} {'p50 ms':>7} {'p99 ms':>7} | {'in-process/s':>12} {'p50 ms':>7} {'p99 ms':>7} | {'HTTP/in-process':>15}")
for backend in ("sqlite", "postgres"):
    for entry in ("price_for", "create_quote"):
        for clients in (1, 16, 64):
            h = rows.get(("http", backend, entry, clients)); i = rows.get(("in-process", backend, entry, clients))
            if not h or not i:
                continue
            print(f"{backend:<9}{entry:<13}{clients:>7} | {h[0]:>10.0f} {h[1]:>7.2f} {h[2]:>7.2f} | {i[0]:>12.0f} {i[1]:>7.2f} {i[2]:>7.2f} | {h[0]/i[0]:>15.2f}")
PY
