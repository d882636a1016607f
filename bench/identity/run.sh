#!/usr/bin/env bash
# Token issuance of Gateway.Identity on one core, with auditing on: Identity (Release, Production environment, rate
# limits raised out of the way) pinned to CPU 1; PostgreSQL, redis-server and the load client (wrk) on CPU 0. The
# clients and users are the development seed: each build first runs once in Development on its database to create
# them, then is restarted in Production (plain http allowed, as behind the Edge). For each grant, WARMUP seconds of
# load, then DURATION seconds measured: tokens/s, latency, and the CPU time Identity and PostgreSQL spent per token
# (utime+stime from /proc). Every answer must be 200.
#   client_credentials  agentcore-service with its secret, 16 connections
#   refresh_token       agentcore-cli, 16 connections each following its own rotating chain (bench/identity/token.lua)
#   password            agentcore-cli as alice, 1 connection (see below)
# Rounds alternate builds A and B when A_SRC is set (both running, each on its own database), so both see the same load.
#
# Usage: bench/identity/run.sh
# env:   ROUNDS=3 DURATION=10s WARMUP=60 GRANTS="client_credentials refresh_token password" CONNECTIONS=16
#        A_SRC=<other checkout, e.g. main>  B_SRC=<this checkout>  A_ENV/B_ENV="Key=Value ..." (extra settings)
#        QUIET=<load average>: before each round, wait until the 1-minute load average is below it (shared machines)
#        PROFILE=<dir>: perf record of Identity during each measured window, summed up per function
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=${ROUNDS:-3}; DURATION=${DURATION:-10s}; WARMUP=${WARMUP:-60}; CONNECTIONS=${CONNECTIONS:-16}
GRANTS=${GRANTS:-client_credentials refresh_token password}
B_SRC=${B_SRC:-$ROOT}
read -r -a A_EXTRA <<<"${A_ENV:-}"; read -r -a B_EXTRA <<<"${B_ENV:-}"
CPU_SERVERS=0
# shellcheck source=bench/lib/servers.sh
source "$ROOT/bench/lib/servers.sh"

TOKEN_PATH=/api/v1/auth/token
CLIENT_CREDENTIALS="grant_type=client_credentials&client_id=agentcore-service&client_secret=dev-service-secret&scope=agents.read%20agents.write"
PASSWORD="grant_type=password&client_id=agentcore-cli&username=alice&password=Alice-Passw0rd%21&scope=openid%20offline_access%20agents.read"

build_identity() {
  echo "building Gateway.Identity of $1 (Release)..." >&2
  dotnet build "$1/Gateway.Identity" -c Release -v q -nologo -o "$2" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
}

# wrk talks to Identity directly, as the Edge would, but cannot sign: the token path is exempt from the Edge's
# signature in these runs only (the signature check is a few microseconds of a request).
EDGE_TRUST_KEY="bench-only-$(openssl rand -hex 24)"

# run_identity DIR DATABASE PORT ENVIRONMENT [VAR=value...]: starts it and waits until it issues a token; sets STARTED_PID
run_identity() {
  local dir=$1 database=$2 port=$3 environment=$4; shift 4
  # From its own folder, so that it finds appsettings.Development.json (the seed's secrets) in Development.
  (cd "$dir" && exec env ASPNETCORE_URLS="http://127.0.0.1:$port" ASPNETCORE_ENVIRONMENT="$environment" Logging__LogLevel__Default=Warning \
    ConnectionStrings__identitydb="$(pg_connection "$database")" ConnectionStrings__redis="127.0.0.1:$REDIS_PORT,abortConnect=false" \
    Gateway__Issuer="http://127.0.0.1:$port/" Identity__AllowHttp=true \
    EdgeTrust__Key="$EDGE_TRUST_KEY" EdgeTrust__ExemptPaths__0="$TOKEN_PATH" \
    Identity__TokenEndpoint__PermitsPerClient=100000 Identity__TokenEndpoint__PermitsPerAddress=100000 Identity__TokenEndpoint__Window=00:00:01 \
    "$@" taskset -c 1 dotnet AgentCore.Gateway.Identity.dll) >>"$WORK/$database.log" 2>&1 &
  STARTED_PID=$!
  PIDS+=("$STARTED_PID")
  for _ in $(seq 1 240); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/alive" 2>/dev/null && \
      curl -fsS -o /dev/null -d "$CLIENT_CREDENTIALS" "http://127.0.0.1:$port$TOKEN_PATH" 2>/dev/null && return 0
    kill -0 "$STARTED_PID" 2>/dev/null || { cat "$WORK/$database.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "Identity did not start" >&2; cat "$WORK/$database.log" >&2; exit 1
}

# start_identity DIR DATABASE [VAR=value...]: seeds a fresh database in Development, then serves it in Production;
# sets STARTED_PID and STARTED_PORT
start_identity() {
  local dir=$1 database=$2; shift 2
  STARTED_PORT=$(free_port)
  create_database "$database"
  run_identity "$dir" "$database" "$STARTED_PORT" Development
  kill "$STARTED_PID"; wait "$STARTED_PID" || true
  run_identity "$dir" "$database" "$STARTED_PORT" Production "$@"
}

# One refresh-token chain per connection: CONNECTIONS password grants with offline_access.
refresh_tokens() {
  local port=$1 i
  : >"$WORK/refresh-$port"
  for i in $(seq 1 "$CONNECTIONS"); do
    curl -fsS -d "$PASSWORD" "http://127.0.0.1:$port$TOKEN_PATH" | python3 -c 'import json,sys; print(json.load(sys.stdin)["refresh_token"])' >>"$WORK/refresh-$port"
  done
}

# load GRANT PORT SECONDS: wrk on CPU 0; prints wrk's output
load() {
  local grant=$1 port=$2 seconds=$3 url="http://127.0.0.1:$2$TOKEN_PATH"
  case "$grant" in
    client_credentials) BODY=$CLIENT_CREDENTIALS taskset -c 0 wrk -t2 -c"$CONNECTIONS" -d"$seconds" --latency -s "$ROOT/bench/identity/token.lua" "$url" ;;
    # One connection: the sign-in throttle counts a try as a failure until it succeeds, so many tries in flight for one
    # account from one address are throttled, as an attack would be; one login at a time keeps the core as busy.
    password) BODY=$PASSWORD taskset -c 0 wrk -t1 -c1 -d"$seconds" --latency -s "$ROOT/bench/identity/token.lua" "$url" ;;
    refresh_token)
      refresh_tokens "$port"
      taskset -c 0 wrk -t"$CONNECTIONS" -c"$CONNECTIONS" -d"$seconds" --latency -s "$ROOT/bench/identity/token.lua" "$url" -- "$WORK/refresh-$port" ;;
  esac
}

VARIANTS=(B)
if [ -n "${A_SRC:-}" ]; then VARIANTS=(A B); build_identity "$A_SRC" "$WORK/identity-a"; fi
build_identity "$B_SRC" "$WORK/identity-b"
start_redis
start_postgres
declare -A PORT PID
for variant in "${VARIANTS[@]}"; do
  if [ "$variant" = A ]; then dir=$WORK/identity-a; extra=("${A_EXTRA[@]}"); else dir=$WORK/identity-b; extra=("${B_EXTRA[@]}"); fi
  if [ -n "${PROFILE:-}" ]; then extra+=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0); fi
  start_identity "$dir" "identity_$(tr 'A-Z' 'a-z' <<<"$variant")" "${extra[@]}"
  PORT[$variant]=$STARTED_PORT; PID[$variant]=$STARTED_PID
done

[ -n "${A_SRC:-}" ] && echo "A: $A_SRC ($(git -C "$A_SRC" describe --always --dirty)) ${A_EXTRA[*]:-}"
echo "B: $B_SRC ($(git -C "$B_SRC" describe --always --dirty)) ${B_EXTRA[*]:-}"
echo "| round | build | grant | tokens/s | p50 | p99 | Identity CPU per token (µs) | PostgreSQL CPU per token (µs) | load average |"
echo "|---|---|---|---|---|---|---|---|---|"
for variant in "${VARIANTS[@]}"; do
  for grant in $GRANTS; do load "$grant" "${PORT[$variant]}" "${WARMUP}s" >/dev/null; done
done
for round in $(seq 1 "$ROUNDS"); do
  wait_for_quiet
  for grant in $GRANTS; do
    for variant in "${VARIANTS[@]}"; do
      pid=${PID[$variant]}
      if [ "$grant" = refresh_token ]; then refresh_tokens "${PORT[$variant]}"; fi
      if [ -n "${PROFILE:-}" ]; then
        mkdir -p "$PROFILE"
        perf record -F 999 -g -p "$pid" -o "$WORK/identity.perf" 2>/dev/null >&2 & PERF=$!
      fi
      app_before=$(cpu_seconds "$pid"); pg_before=$(postgres_cpu_seconds)
      out=$(load "$grant" "${PORT[$variant]}" "$DURATION")
      app_after=$(cpu_seconds "$pid"); pg_after=$(postgres_cpu_seconds)
      if [ -n "${PROFILE:-}" ]; then
        kill -INT "$PERF"; wait "$PERF" || true
        perf script -i "$WORK/identity.perf" 2>/dev/null | python3 "$ROOT/bench/edge/perf_summary.py" \
          --match 'AgentCore|OpenIddict|EntityFramework|Npgsql|Identity|DataProtection|Json' >"$PROFILE/$round$variant-$grant.txt"
      fi
      failed=$(awk '/^failed_requests/ {print $2}' <<<"$out")
      requests=$(awk '/requests in/ {print $1}' <<<"$out")
      [ "${failed:-1}" -eq 0 ] || { echo "$variant $grant: $failed of $requests answers were not 200" >&2; echo "$out" >&2; exit 1; }
      rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
      p50=$(awk '$1=="50%" {print $2}' <<<"$out"); p99=$(awk '$1=="99%" {print $2}' <<<"$out")
      python3 - "$round" "$variant" "$grant" "$rps" "$p50" "$p99" "$requests" "$app_before" "$app_after" "$pg_before" "$pg_after" "$(load_average)" <<'PY' | tee -a "$WORK/rounds"
import sys
r, v, g, rps, p50, p99, n = sys.argv[1:8]
app, pg = float(sys.argv[9]) - float(sys.argv[8]), float(sys.argv[11]) - float(sys.argv[10])
n = int(n)
print(f"| {r} | {v} | {g} | {float(rps):,.0f} | {p50} | {p99} | {app / n * 1e6:,.0f} | {pg / n * 1e6:,.0f} | {sys.argv[12]} |")
PY
    done
  done
done
python3 - "$WORK/rounds" <<'PY'
import statistics, sys
rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in open(sys.argv[1])]
for grant in dict.fromkeys(row[2] for row in rows):
    for variant in sorted({row[1] for row in rows}):
        picked = [row for row in rows if row[1] == variant and row[2] == grant]
        rate = statistics.median(float(row[3].replace(",", "")) for row in picked)
        cpu = statistics.median(float(row[6].replace(",", "")) for row in picked)
        print(f"median {variant} {grant}: {rate:,.0f} tokens/s, {cpu:,.0f} µs of Identity CPU per token ({len(picked)} rounds)")
    if len({row[1] for row in rows}) == 2:
        a = [row for row in rows if row[1] == "A" and row[2] == grant]
        b = [row for row in rows if row[1] == "B" and row[2] == grant]
        ratio = statistics.median(float(y[3].replace(",", "")) / float(x[3].replace(",", "")) for x, y in zip(a, b))
        cpu = statistics.median(float(y[6].replace(",", "")) / float(x[6].replace(",", "")) for x, y in zip(a, b))
        print(f"median B/A {grant}: tokens/s {ratio:.2f}, Identity CPU per token {cpu:.2f}")
PY
