#!/usr/bin/env bash
# Audit ingestion throughput: how fast Gateway.Audit drains a backlog of audit events from the Redis stream into
# PostgreSQL (read through the consumer group, parse, redact, store idempotently, XACK after commit). Starts its own
# redis-server and PostgreSQL (default durability) on free loopback ports, and per round a fresh database, an empty
# stream and a fresh Gateway.Audit; starts the clock, pipes EVENTS entries into the stream with redis-cli --pipe,
# and stops it when the consumer group has acknowledged the last one (acknowledged only after the commit), then
# checks that every row is there. Before the clock starts, WARMUP_EVENTS (default 20,000) other events are drained
# the same way, so the JIT has compiled the hot path as in a service that has been running. Rounds alternate the builds A and B when A_SRC is set, so both see the same load.
#
# Usage: bench/audit/ingest.sh [EVENTS=100000]
# env:   ROUNDS=3  A_SRC=<other checkout, e.g. main>  B_SRC=<this checkout>  A_ENV/B_ENV="Key=Value ..." (extra settings)
#        QUIET=<load average>: before each round, wait until the 1-minute load average is below it (shared machines)
#        PROFILE=<dir>: perf record of Gateway.Audit and PostgreSQL during each drain, summed up per function with
#        bench/edge/perf_summary.py into <dir>/<round><build>-{audit,postgres}.txt
set -euo pipefail

EVENTS=${1:-100000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=${ROUNDS:-3}
B_SRC=${B_SRC:-$ROOT}
read -r -a A_EXTRA <<<"${A_ENV:-}"; read -r -a B_EXTRA <<<"${B_ENV:-}"
# shellcheck source=bench/audit/stack.sh
source "$ROOT/bench/audit/stack.sh"

VARIANTS=(B)
if [ -n "${A_SRC:-}" ]; then VARIANTS=(A B); build_audit "$A_SRC" "$WORK/audit-a"; fi
build_audit "$B_SRC" "$WORK/audit-b"
start_redis
start_postgres
WARMUP_EVENTS=${WARMUP_EVENTS:-20000}
generate_events "$WARMUP_EVENTS" "$WORK/warmup.resp"
generate_events "$EVENTS" "$WORK/events.resp"

[ -n "${A_SRC:-}" ] && echo "A: $A_SRC ($(git -C "$A_SRC" describe --always --dirty)) ${A_EXTRA[*]:-}"
echo "B: $B_SRC ($(git -C "$B_SRC" describe --always --dirty)) ${B_EXTRA[*]:-}"
echo "| round | build | events | drain (s) | events/s | CPU per event: audit / PostgreSQL / Redis (µs) | load average |"
echo "|---|---|---|---|---|---|---|"
for round in $(seq 1 "$ROUNDS"); do
  for variant in "${VARIANTS[@]}"; do
    if [ "$variant" = A ]; then dir=$WORK/audit-a; extra=("${A_EXTRA[@]}"); else dir=$WORK/audit-b; extra=("${B_EXTRA[@]}"); fi
    wait_for_quiet
    fresh_database
    if [ -n "${PROFILE:-}" ]; then extra+=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0); fi
    start_audit "$dir" "${extra[@]}"
    redis-cli -p "$REDIS_PORT" --pipe <"$WORK/warmup.resp" >/dev/null
    while [ "$(acknowledged)" -lt "$WARMUP_EVENTS" ]; do sleep 0.1; done
    sleep 1
    if [ -n "${PROFILE:-}" ]; then
      mkdir -p "$PROFILE"
      perf record -F 999 -g -p "$APP_PID" -o "$WORK/audit.perf" 2>/dev/null >&2 & AUDIT_PERF=$!
      perf record -F 999 -g -p "$(postgres_pids | tr ' ' ',')" -o "$WORK/pg.perf" 2>/dev/null >&2 & PG_PERF=$!
      sleep 1
    fi
    pg_before=$(postgres_cpu_seconds); app_before=$(cpu_seconds "$APP_PID"); redis_before=$(cpu_seconds "$REDIS_PID")
    start=$(now)
    redis-cli -p "$REDIS_PORT" --pipe <"$WORK/events.resp" >/dev/null
    while [ "$(acknowledged)" -lt $((WARMUP_EVENTS + EVENTS)) ]; do sleep 0.05; done
    done_at=$(now)
    if [ -n "${PROFILE:-}" ]; then
      kill -INT "$AUDIT_PERF" "$PG_PERF"; wait "$AUDIT_PERF" "$PG_PERF" || true
      perf script -i "$WORK/audit.perf" 2>/dev/null | python3 "$ROOT/bench/edge/perf_summary.py" --match 'AgentCore|Npgsql|StackExchange|Redaction|Json' >"$PROFILE/$round$variant-audit.txt"
      perf script -i "$WORK/pg.perf" 2>/dev/null | python3 "$ROOT/bench/edge/perf_summary.py" >"$PROFILE/$round$variant-postgres.txt"
    fi
    pg_after=$(postgres_cpu_seconds); app_after=$(cpu_seconds "$APP_PID"); redis_after=$(cpu_seconds "$REDIS_PID")
    load=$(load_average)
    stored=$("${PSQL[@]}" -d auditdb -c 'SELECT count(*) FROM audit_events')
    stop_audit
    [ "$stored" -eq $((WARMUP_EVENTS + EVENTS)) ] || { echo "round $round $variant: $stored rows stored of $((WARMUP_EVENTS + EVENTS))" >&2; exit 1; }
    python3 - "$round" "$variant" "$EVENTS" "$start" "$done_at" "$app_before" "$app_after" "$pg_before" "$pg_after" "$redis_before" "$redis_after" "$load" <<'PY' | tee -a "$WORK/rounds"
import sys
r, v, n, start, done = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
app, pg, redis = (float(sys.argv[i + 1]) - float(sys.argv[i]) for i in (6, 8, 10))
print(f"| {r} | {v} | {n:,} | {done - start:.2f} | {n / (done - start):,.0f} | "
      f"{app / n * 1e6:.0f} / {pg / n * 1e6:.0f} / {redis / n * 1e6:.0f} | {sys.argv[12]} |")
PY
  done
done
python3 - "$WORK/rounds" <<'PY'
import statistics, sys
rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in open(sys.argv[1])]
for variant in sorted({row[1] for row in rows}):
    rates = [float(row[4].replace(",", "")) for row in rows if row[1] == variant]
    print(f"median {variant}: {statistics.median(rates):,.0f} events/s over {len(rates)} rounds")
if len({row[1] for row in rows}) == 2:
    a = [float(row[4].replace(",", "")) for row in rows if row[1] == "A"]
    b = [float(row[4].replace(",", "")) for row in rows if row[1] == "B"]
    print(f"median B/A throughput: {statistics.median(y / x for x, y in zip(a, b)):.2f}")
PY
