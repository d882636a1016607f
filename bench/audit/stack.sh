# Shared by the audit benchmarks (sourced): Gateway.Audit builds from any checkout on the servers of
# bench/lib/servers.sh. Callers set ROOT before sourcing.
# shellcheck source=bench/lib/servers.sh
source "$ROOT/bench/lib/servers.sh"
HMAC_KEY="YmVuY2htYXJrLW9ubHktYXVkaXQtaG1hYy1rZXktYmVuY2htYXJrLW9ubHk="

# Builds Gateway.Audit of checkout $1 in Release into $2.
build_audit() {
  echo "building Gateway.Audit of $1 (Release)..." >&2
  dotnet build "$1/Gateway.Audit" -c Release -v q -nologo -o "$2" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
}

AUDIT_DATABASE=${AUDIT_DATABASE:-auditdb}

fresh_database() {
  create_database "$AUDIT_DATABASE"
  redis-cli -p "$REDIS_PORT" FLUSHALL >/dev/null
}

# The bench's client talks to Gateway.Audit directly, as the Edge would, but does not sign: the query path is exempt
# from the Edge's signature in these runs only (the signature check is a few microseconds of a request).
EDGE_TRUST_KEY="bench-only-$(openssl rand -hex 24)"

# Starts the Gateway.Audit build in $1 (extra environment settings after it) and waits until it migrated the
# database and created its consumer group. Sets APP_PID and APP_PORT.
start_audit() {
  local dir=$1
  shift
  APP_PORT=$(free_port)
  env ConnectionStrings__auditdb="$(pg_connection "$AUDIT_DATABASE")" \
    ConnectionStrings__redis="127.0.0.1:$REDIS_PORT,abortConnect=false" \
    AuditRedaction__HmacKeyId=1 AuditRedaction__HmacKey="$HMAC_KEY" \
    Gateway__Issuer="${ISSUER:-http://localhost:8080/}" \
    EdgeTrust__Key="$EDGE_TRUST_KEY" EdgeTrust__ExemptPaths__0=/api/v1/audit/events \
    ASPNETCORE_URLS="http://127.0.0.1:$APP_PORT" ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
    "$@" dotnet "$dir/AgentCore.Gateway.Audit.dll" >"$WORK/audit.log" 2>&1 &
  APP_PID=$!
  PIDS+=("$APP_PID")
  until [ "$("${PSQL[@]}" -d "$AUDIT_DATABASE" -c "SELECT to_regclass('audit_events') IS NOT NULL" 2>/dev/null)" = "t" ]; do
    kill -0 "$APP_PID" 2>/dev/null || { cat "$WORK/audit.log" >&2; exit 1; }
    sleep 0.2
  done
  until redis-cli -p "$REDIS_PORT" XINFO GROUPS agentcore:events:audit 2>/dev/null | grep -q gateway-audit; do sleep 0.2; done
}

stop_audit() {
  kill "$APP_PID" 2>/dev/null || true
  wait "$APP_PID" 2>/dev/null || true
}

# Writes $1 audit events as they come from producers (uuid4 ids, as Guid.NewGuid) in Redis protocol, XADD commands
# for redis-cli --pipe, to $2: 10,000 users, 50 clients, 10 tenants. Timestamps spread evenly over the last $3 days
# (default: all "now").
generate_events() {
  python3 - "$1" "${3:-0}" >"$2" <<'PY'
import json, sys, uuid, datetime
count, days = int(sys.argv[1]), float(sys.argv[2])
now = datetime.datetime.now(datetime.timezone.utc)
out = sys.stdout
types = ["auth.token_issued"] * 6 + ["auth.token_failed", "authz.denied", "realtime.connected", "auth.login"]
for i in range(count):
    ts = now - datetime.timedelta(seconds=days * 86400 * (count - i) / count) if days else now
    kind = types[i % len(types)]
    event = {"id": str(uuid.uuid4()), "timestamp": ts.isoformat(), "type": kind,
             "actor": {"client_id": f"client-{i % 50}", "subject": f"user-{i % 10000}@example.com", "tenant_id": f"tenant-{i % 10}"},
             "source_address": "192.0.2.0/24", "request_id": uuid.uuid4().hex, "route": "/connect/token",
             "outcome": "success" if kind in ("auth.token_issued", "realtime.connected", "auth.login") else "failure",
             "reason": None, "details": {"grant_type": "client_credentials", "jti": uuid.uuid4().hex}}
    payload = json.dumps(event)
    parts = ("XADD", "agentcore:events:audit", "*", "type", kind, "payload", payload)
    out.write(f"*{len(parts)}\r\n" + "".join(f"${len(p.encode())}\r\n{p}\r\n" for p in parts))
PY
}

# Entries the consumer group has read and acknowledged (read minus pending).
acknowledged() {
  redis-cli -p "$REDIS_PORT" --raw XINFO GROUPS agentcore:events:audit | awk '
    prev == "pending" { pending = $0 } prev == "entries-read" { read = $0 } { prev = $0 }
    END { print (read == "" ? 0 : read) - pending }'
}
