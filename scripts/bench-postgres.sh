#!/usr/bin/env bash
# Starts a durable throwaway PostgreSQL (fsync on: the figures are for committed work
# that survives a crash), runs the concurrency bench, and stops the server.
set -euo pipefail
cd "$(dirname "$0")/.."
export PG_BASE=${PG_BASE:-/tmp/kis-pg-bench} PG_PORT=${PG_PORT:-54349} PG_DB=${PG_DB:-kis_bench} PG_FAST=0
scripts/pg.sh start
trap 'scripts/pg.sh purge || true' EXIT
eval "$(scripts/pg.sh env)"
KIS_BENCH_POSTGRES_URL=$DATABASE_URL cargo bench --bench postgres_clients
