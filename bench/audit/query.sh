#!/usr/bin/env bash
# Audit query latency over a large trail, and retention at that size. Per build: a fresh database filled to ROWS rows
# (20,000 real events through the service first, for real pseudonyms, then bench/audit/dataset.sql), then
# bench/audit/queries.py times GET /api/v1/audit/events through Gateway.Audit (Release, real JWT validation against
# bench/BenchBackend's keys) for each documented filter, first page and following pages by cursor; EXPLAIN (ANALYZE,
# BUFFERS) of the same queries goes to OUT. Then the service restarts with a retention of RETENTION_DAYS: its first
# sweep deletes everything older (a third of the rows at 20 days), timed from its log, and the queries run again.
#
# Usage: bench/audit/query.sh [ROWS=1000000]
# env:   REPEATS=20 PAGES=5 RETENTION_DAYS=20 OUT=<dir for the plans>
#        A_SRC=<other checkout, e.g. main>  B_SRC=<this checkout>  QUIET=<load average> (see ingest.sh)
set -euo pipefail

ROWS=${1:-1000000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
REPEATS=${REPEATS:-20}; PAGES=${PAGES:-5}; RETENTION_DAYS=${RETENTION_DAYS:-20}
B_SRC=${B_SRC:-$ROOT}
# shellcheck source=bench/audit/stack.sh
source "$ROOT/bench/audit/stack.sh"
OUT=${OUT:-$WORK/plans}
mkdir -p "$OUT"

VARIANTS=(B)
if [ -n "${A_SRC:-}" ]; then VARIANTS=(A B); build_audit "$A_SRC" "$WORK/audit-a"; fi
build_audit "$B_SRC" "$WORK/audit-b"
dotnet build "$ROOT/bench/BenchBackend" -c Release -v q -nologo -o "$WORK/backend" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
BACKEND_PORT=$(free_port)
ISSUER="http://127.0.0.1:$BACKEND_PORT/"
ASPNETCORE_URLS="http://127.0.0.1:$BACKEND_PORT" Issuer="$ISSUER" dotnet "$WORK/backend/BenchBackend.dll" >/dev/null 2>&1 &
PIDS+=($!)
until curl -fsS -o /dev/null "http://127.0.0.1:$BACKEND_PORT/health" 2>/dev/null; do sleep 0.3; done
ADMIN_TOKEN=$(curl -fsS "http://127.0.0.1:$BACKEND_PORT/bench/token?scope=audit.read&tenant=")
TENANT_TOKEN=$(curl -fsS "http://127.0.0.1:$BACKEND_PORT/bench/token?scope=audit.read&tenant=tenant-5")
JWT_SETTINGS=(Authentication__Jwt__MetadataAddress="${ISSUER}.well-known/openid-configuration")
start_redis
start_postgres
generate_events 20000 "$WORK/seed.resp" 30

run_queries() {
  echo "| query | requests | p50 (ms) | p95 (ms) | max (ms) | events per walk |"
  echo "|---|---|---|---|---|---|"
  python3 "$ROOT/bench/audit/queries.py" "http://127.0.0.1:$APP_PORT" "$ADMIN_TOKEN" "$TENANT_TOKEN" "$REPEATS" "$PAGES"
}

# The statements the endpoint runs (EF Core's shape: filters, the keyset row comparison, newest first, limit + 1).
explain_queries() {
  local db=$1 subject middle
  subject=$("${PSQL[@]}" -d "$db" -c "SELECT subject FROM audit_events WHERE subject IS NOT NULL LIMIT 1")
  middle=$("${PSQL[@]}" -d "$db" -c "SELECT format('(%L::timestamptz, %L::uuid)', timestamp, id) FROM audit_events ORDER BY timestamp DESC, id DESC OFFSET 500000 LIMIT 1")
  for filter in "true" "tenant_id = 'tenant-48'" "type = 'auth.refresh_reuse_detected'" "client_id = 'client-17'" \
    "subject = '$subject'" "outcome = 'denied'" "tenant_id = 'tenant-3' AND type = 'authz.denied'" \
    "timestamp >= now() - interval '15 days' AND timestamp < now() - interval '14 days'"; do
    for keyset in "true" "(timestamp, id) < $middle"; do
      echo "-- WHERE $filter AND $keyset"
      "${PSQL[@]}" -d "$db" -c "EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM audit_events WHERE $filter AND $keyset ORDER BY timestamp DESC, id DESC LIMIT 51"
      echo
    done
  done
}

for variant in "${VARIANTS[@]}"; do
  if [ "$variant" = A ]; then dir=$WORK/audit-a; src=$A_SRC; else dir=$WORK/audit-b; src=$B_SRC; fi
  AUDIT_DATABASE=audit_$(tr 'A-Z' 'a-z' <<<"$variant")
  wait_for_quiet
  fresh_database
  start_audit "$dir" "${JWT_SETTINGS[@]}" AuditRetention__Retention=3650.00:00:00
  redis-cli -p "$REDIS_PORT" --pipe <"$WORK/seed.resp" >/dev/null
  while [ "$(acknowledged)" -lt 20000 ]; do sleep 0.2; done
  started=$(now)
  "${PSQL[@]}" -d "$AUDIT_DATABASE" -v rows="$ROWS" -f "$ROOT/bench/audit/dataset.sql" >/dev/null
  filled=$(now)
  rows=$("${PSQL[@]}" -d "$AUDIT_DATABASE" -c 'SELECT count(*) FROM audit_events')
  size=$("${PSQL[@]}" -d "$AUDIT_DATABASE" -c "SELECT pg_size_pretty(pg_total_relation_size('audit_events'))")
  echo
  echo "### $variant: $src ($(git -C "$src" describe --always --dirty)), $rows rows ($size with indexes, filled in $(python3 -c "print(round($filled - $started))") s), load average $(load_average)"
  echo
  run_queries
  explain_queries "$AUDIT_DATABASE" >"$OUT/plans-$variant.txt"
  stop_audit

  before=$rows
  start_audit "$dir" "${JWT_SETTINGS[@]}" AuditRetention__Retention="$RETENTION_DAYS.00:00:00" \
    Logging__LogLevel__AgentCore.Gateway.Audit.Retention=Information
  started=$(now)
  until grep -q "Retention deleted" "$WORK/audit.log"; do sleep 0.2; done
  swept=$(now)
  rows=$("${PSQL[@]}" -d "$AUDIT_DATABASE" -c 'SELECT count(*) FROM audit_events')
  echo
  echo "Retention sweep ($RETENTION_DAYS days, batches of 5,000): $((before - rows)) rows deleted in $(python3 -c "print(round($swept - $started, 1))") s after start, load average $(load_average). Queries right after:"
  echo
  run_queries
  stop_audit
done
echo
echo "plans: $OUT"
