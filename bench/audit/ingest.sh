#!/usr/bin/env bash
# Audit ingestion throughput: how fast Gateway.Audit drains a backlog of audit events from the Redis stream into
# PostgreSQL (parse, redact, one transaction per batch, XACK). Starts its own redis-server, PostgreSQL (default
# durability: fsync and synchronous_commit on) and a Release build of Gateway.Audit on free loopback ports, preloads
# nothing, starts the clock, pipes EVENTS entries into the stream with redis-cli --pipe, and stops the clock when the
# last row is committed. Everything it started is stopped on exit.
#
# Usage: bench/audit/ingest.sh [EVENTS=100000] [BATCH_SIZE=500]
set -euo pipefail

EVENTS=${1:-100000}
BATCH_SIZE=${2:-500}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/agentcore-audit-bench.XXXXXX)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

source "$ROOT/bench/lib/local-servers.sh"
now() { date +%s.%N; }
# CPU seconds (user + system) a process has used so far, from /proc.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / hz }' "/proc/$1/stat"; }

APP_PORT=$(free_port)

echo "building Gateway.Audit (Release)..." >&2
dotnet build "$ROOT/Gateway.Audit" -c Release -v q -nologo >/dev/null

start_redis
start_postgres auditdb

ConnectionStrings__auditdb="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=$PGPASSWORD;Database=auditdb" \
ConnectionStrings__redis="127.0.0.1:$REDIS_PORT,abortConnect=false" \
AuditRedaction__HmacKeyId=1 \
AuditRedaction__HmacKey="YmVuY2htYXJrLW9ubHktYXVkaXQtaG1hYy1rZXktYmVuY2htYXJrLW9ubHk=" \
AuditIngestion__BatchSize="$BATCH_SIZE" \
Gateway__Issuer="http://localhost:8080/" \
ASPNETCORE_URLS="http://127.0.0.1:$APP_PORT" \
ASPNETCORE_ENVIRONMENT=Production \
Logging__LogLevel__Default=Warning \
  dotnet "$ROOT/Gateway.Audit/bin/Release/net10.0/AgentCore.Gateway.Audit.dll" >"$WORK/audit.log" 2>&1 &
APP_PID=$!
PIDS+=("$APP_PID")
until [ "$("${PSQL[@]}" -d auditdb -c "SELECT to_regclass('audit_events') IS NOT NULL" 2>/dev/null)" = "t" ]; do sleep 0.2; done
until redis-cli -p "$REDIS_PORT" XINFO GROUPS agentcore:events:audit 2>/dev/null | grep -q gateway-audit; do sleep 0.2; done

python3 - "$EVENTS" >"$WORK/events.resp" <<'PY'
import json, sys, uuid, datetime
def resp(*parts):
    out = [f"*{len(parts)}\r\n"]
    for part in parts:
        out.append(f"${len(part.encode())}\r\n{part}\r\n")
    return "".join(out)
now = datetime.datetime.now(datetime.timezone.utc).isoformat()
for i in range(int(sys.argv[1])):
    event = {"id": str(uuid.uuid4()), "timestamp": now, "type": "auth.token_issued",
             "actor": {"client_id": f"client-{i % 50}", "subject": f"user-{i % 1000}@example.com", "tenant_id": f"tenant-{i % 10}"},
             "source_address": "192.0.2.0/24", "request_id": uuid.uuid4().hex, "route": "/connect/token",
             "outcome": "success", "reason": None, "details": {"grant_type": "client_credentials", "jti": uuid.uuid4().hex}}
    sys.stdout.write(resp("XADD", "agentcore:events:audit", "*", "type", "auth.token_issued", "payload", json.dumps(event)))
PY

cpu_before=$(cpu_seconds "$APP_PID")
start=$(now)
redis-cli -p "$REDIS_PORT" --pipe <"$WORK/events.resp" >/dev/null
loaded=$(now)
while [ "$("${PSQL[@]}" -d auditdb -c 'SELECT count(*) FROM audit_events')" -lt "$EVENTS" ]; do sleep 0.1; done
done_at=$(now)
cpu_after=$(cpu_seconds "$APP_PID")

python3 - "$EVENTS" "$start" "$loaded" "$done_at" "$BATCH_SIZE" "$cpu_before" "$cpu_after" <<'PY'
import sys
events, start, loaded, done, batch = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
cpu = float(sys.argv[7]) - float(sys.argv[6])
print(f"events={events} batch_size={batch} load_s={loaded - start:.2f} drain_s={done - start:.2f} "
      f"throughput={events / (done - start):,.0f} events/s audit_cpu_per_event={cpu / events * 1e6:.0f} us")
PY
