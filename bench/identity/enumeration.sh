#!/usr/bin/env bash
# Account enumeration by timing: do an unknown user, a wrong password and a throttled sign-in take the same time?
# Starts its own redis-server, PostgreSQL and Release builds of Gateway.Identity (Development environment, for the seeded
# users) and Gateway.Edge in front of it, on free loopback ports. Each try comes through the Edge from a loopback source
# address of its own (curl --interface 127.x.y.z; the Edge sees real peers), so that unknown-user and wrong-password
# tries are never throttled, while the throttled tries all come from one address that has used up its free attempts.
# The three kinds are interleaved, round after round, and their medians compared: the check passes when the slowest
# median is within 20 % of the fastest. Everything it started is stopped on exit.
#
# Usage: flock /tmp/bench.lock bench/identity/enumeration.sh [ROUNDS=100]
set -euo pipefail

ROUNDS=${1:-100}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/agentcore-enumeration-bench.XXXXXX)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

source "$ROOT/bench/lib/local-servers.sh"
wait_http() { for _ in $(seq 1 240); do curl -fs -o /dev/null "$1" && return 0; sleep 0.5; done; echo "not up: $1" >&2; return 1; }

IDENTITY_PORT=$(free_port); EDGE_PORT=$(free_port)
EDGE="http://127.0.0.1:$EDGE_PORT"
TRUST_KEY="bench-only-edge-trust-key-0123456789abcdefghijkl"

echo "building Gateway.Identity and Gateway.Edge (Release)..." >&2
dotnet build "$ROOT/Gateway.Identity" -c Release -v q -nologo >/dev/null
dotnet build "$ROOT/Gateway.Edge" -c Release -v q -nologo >/dev/null

start_redis
start_postgres identitydb

# The content root (appsettings with the development seed, the Edge's routes) is each build's output directory.
(cd "$ROOT/Gateway.Identity/bin/Release/net10.0" && exec env \
  ConnectionStrings__identitydb="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=$PGPASSWORD;Database=identitydb" \
  ConnectionStrings__redis="127.0.0.1:$REDIS_PORT,abortConnect=false" \
  Gateway__Issuer="$EDGE/" EdgeTrust__Key="$TRUST_KEY" \
  Identity__Lockout__FreeAttempts=3 Identity__Lockout__FirstDelay=01:00:00 \
  Identity__TokenEndpoint__PermitsPerClient=100000 Identity__TokenEndpoint__PermitsPerAddress=100000 \
  ASPNETCORE_URLS="http://127.0.0.1:$IDENTITY_PORT" ASPNETCORE_ENVIRONMENT=Development Logging__LogLevel__Default=Warning \
  dotnet AgentCore.Gateway.Identity.dll) >"$WORK/identity.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$IDENTITY_PORT/health"

edge_env=(
  ConnectionStrings__redis="127.0.0.1:$REDIS_PORT,abortConnect=false"
  Gateway__Issuer="$EDGE/" EdgeTrust__Key="$TRUST_KEY"
  Authentication__Jwt__MetadataAddress="http://127.0.0.1:$IDENTITY_PORT/.well-known/openid-configuration"
  ASPNETCORE_URLS="$EDGE" ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning
)
for cluster in identity realtime audit agentruntime; do
  edge_env+=("ReverseProxy__Clusters__${cluster}__Destinations__primary__Address=http://127.0.0.1:$IDENTITY_PORT")
done
(cd "$ROOT/Gateway.Edge/bin/Release/net10.0" && exec env "${edge_env[@]}" dotnet AgentCore.Gateway.Edge.dll) >"$WORK/edge.log" 2>&1 &
PIDS+=($!)
wait_http "$EDGE/api/v1/health" || wait_http "$EDGE/alive"

# sign_in SOURCE USER PASSWORD: prints "<status> <seconds>"
sign_in() {
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --interface "$1" "$EDGE/api/v1/auth/token" \
    -d grant_type=password -d client_id=agentcore-cli --data-urlencode "username=$2" --data-urlencode "password=$3" -d scope=openid
}

# Warm up every path once, then use up the throttled source's free attempts.
sign_in 127.0.9.1 alice Alice-Passw0rd! >/dev/null
sign_in 127.0.9.2 "warm-$RANDOM" x >/dev/null
for _ in 1 2 3; do sign_in 127.0.3.1 bob wrong-password >/dev/null; done

: >"$WORK/times"
for round in $(seq 1 "$ROUNDS"); do
  host=$(( round % 250 + 1 )); net=$(( round / 250 + 10 ))
  echo "unknown $(sign_in "127.$net.1.$host" "nobody-$round-$RANDOM" wrong-password)" >>"$WORK/times"
  echo "wrong $(sign_in "127.$net.2.$host" alice wrong-password)" >>"$WORK/times"
  echo "throttled $(sign_in 127.0.3.1 bob Bob-Passw0rd!)" >>"$WORK/times"
done

python3 - "$WORK/times" <<'PY'
import statistics, sys
times, statuses = {}, {}
for line in open(sys.argv[1]):
    kind, status, seconds = line.split()
    times.setdefault(kind, []).append(float(seconds) * 1000)
    statuses.setdefault(kind, set()).add(status)
medians = {kind: statistics.median(values) for kind, values in times.items()}
for kind in ("unknown", "wrong", "throttled"):
    values = sorted(times[kind])
    print(f"{kind:10} n={len(values):3} status={','.join(sorted(statuses[kind]))} median={medians[kind]:7.1f} ms  p10={values[len(values)//10]:7.1f}  p90={values[len(values)*9//10]:7.1f}")
spread = max(medians.values()) / min(medians.values()) - 1
print(f"slowest median / fastest median - 1 = {spread:.1%} (limit 20 %)")
if any(statuses[kind] != {"401"} for kind in statuses):
    sys.exit("every try must be answered 401")
sys.exit(0 if spread <= 0.20 else 1)
PY
