# Shared by bench/edge/run.sh, ab.sh and profile.sh (sourced, not run): publishes and starts the benchmark stack:
# redis-server, the backend (bench/BenchBackend), one or more Edge builds, plain YARP (bench/PlainYarp) and nginx,
# every server pinned to CPU 1. Callers set ROOT before sourcing; sourcing makes WORK (a scratch directory) and stops
# every server on exit. Needs: dotnet, redis-server, wrk, curl, python3, taskset; nginx for run.sh; perf for profile.sh
# (Debian: apt-get install redis-server wrk nginx linux-perf curl util-linux).
set -euo pipefail
for tool in dotnet redis-server wrk curl python3 taskset; do
  command -v "$tool" >/dev/null || { echo "bench needs $tool (apt-get install redis-server wrk nginx linux-perf)" >&2; exit 1; }
done
WORK="$(mktemp -d /tmp/edge-bench.XXXXXX)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_http() { for _ in $(seq 1 120); do curl -fsS -o /dev/null "$1" && return 0; sleep 0.5; done; echo "not up: $1" >&2; return 1; }
# utime+stime of a process, in clock ticks
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }

TASK_PATH="/api/v1/agents/agent-1/tasks/6f1c1a52-8d55-4c1e-9a55-0b7f3e2a1c44"
TASKS_PATH="/api/v1/agents/agent-1/tasks"
ANON_PATH="/api/v1/auth/bench"

# How every .NET server of the bench is published: Release, for this machine's runtime, so ReadyToRun as deployed
# (Gateway.Edge/Runtime.props); READY_TO_RUN=false publishes JIT-only builds instead.
PUBLISH_ARGS=(-c Release -r linux-x64 --self-contained false -p:PublishReadyToRun="${READY_TO_RUN:-true}" -v quiet -nologo)

# publish_edge SOURCE_ROOT OUTPUT_DIR: the Edge of a source tree in Release; a SOURCE_ROOT that already is a published
# Edge (published beforehand, outside the bench lock) is copied as it is
publish_edge() {
  if [ -f "$1/AgentCore.Gateway.Edge.dll" ]; then
    mkdir -p "$2" && cp -r "$1/." "$2"
  else
    dotnet publish "$1/Gateway.Edge/Gateway.Edge.csproj" "${PUBLISH_ARGS[@]}" -o "$2" >&2
  fi
}

# start_backend: publishes and starts redis-server and the backend; sets BACKEND_PORT, BACKEND_PID, REDIS_PORT, ISSUER, TOKEN
start_backend() {
  dotnet publish "$ROOT/bench/BenchBackend/BenchBackend.csproj" -c Release -o "$WORK/backend" -v quiet -nologo >&2
  BACKEND_PORT=$(free_port); REDIS_PORT=$(free_port)
  ISSUER="http://127.0.0.1:$BACKEND_PORT/"
  taskset -c 1 redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no >/dev/null &
  PIDS+=($!)
  ASPNETCORE_URLS="http://127.0.0.1:$BACKEND_PORT" Issuer="$ISSUER" taskset -c 1 dotnet "$WORK/backend/BenchBackend.dll" >/dev/null &
  BACKEND_PID=$!; PIDS+=($BACKEND_PID)
  wait_http "http://127.0.0.1:$BACKEND_PORT/health"
  TOKEN=$(curl -fsS "http://127.0.0.1:$BACKEND_PORT/bench/token")
}

# Runtime settings given to every .NET server under test (the Edge and plain YARP alike), e.g. RUNTIME_ENV="DOTNET_GCgen0size=0x4000000".
read -r -a RUNTIME_EXTRA <<<"${RUNTIME_ENV:-}"

# start_plain_yarp PORT: bench/PlainYarp (the floor: the same YARP and runtime settings, no middleware) in front of the
# backend; sets PLAIN_PID
start_plain_yarp() {
  dotnet publish "$ROOT/bench/PlainYarp/PlainYarp.csproj" "${PUBLISH_ARGS[@]}" -o "$WORK/plain-yarp" >&2
  (cd "$WORK/plain-yarp" && exec env ASPNETCORE_URLS="http://127.0.0.1:$1" Backend="http://127.0.0.1:$BACKEND_PORT" "${RUNTIME_EXTRA[@]}" \
    taskset -c 1 dotnet PlainYarp.dll) >"$WORK/plain-yarp.log" 2>&1 &
  PLAIN_PID=$!; PIDS+=($PLAIN_PID)
  wait_http "http://127.0.0.1:$1/health"
}

# start_nginx PORT: nginx, one worker, as a plain reverse proxy to the backend; sets NGINX_WORKER (the worker's PID)
start_nginx() {
  command -v nginx >/dev/null || { echo "bench needs nginx (apt-get install nginx)" >&2; exit 1; }
  cat >"$WORK/nginx.conf" <<NGINX
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  upstream backend { server 127.0.0.1:$BACKEND_PORT; keepalive 1024; }
  server {
    listen 127.0.0.1:$1;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
NGINX
  taskset -c 1 nginx -c "$WORK/nginx.conf" -g 'daemon off;' &
  local master=$!; PIDS+=($master)
  wait_http "http://127.0.0.1:$1/health"
  NGINX_WORKER=$(pgrep -P "$master" | head -1)
}

# start_edge PUBLISH_DIR PORT [extra VAR=value...]: starts a published Edge against the backend; sets EDGE_STARTED_PID
start_edge() {
  local dir=$1 port=$2; shift 2
  local edge_env=(
    ASPNETCORE_URLS="http://127.0.0.1:$port" ASPNETCORE_ENVIRONMENT=Production
    # Plain HTTP on loopback, as behind a TLS-terminating proxy (the Edge's TLS is not what is measured here).
    Edge__Tls__PlainHttp=Serve
    Logging__LogLevel__Default=Warning
    ConnectionStrings__redis="127.0.0.1:$REDIS_PORT"
    Gateway__Issuer="$ISSUER"
    Authentication__Jwt__MetadataAddress="http://127.0.0.1:$BACKEND_PORT/.well-known/openid-configuration"
    EdgeTrust__Key="bench-only-edge-trust-key-0123456789abcdefghijkl"
    # Rate limiting stays on, with limits the load never reaches, so it costs what it costs without refusing anything.
    RateLimiting__Policies__standard__Limits__0__PermitLimit=1000000000
    RateLimiting__Policies__standard__Limits__0__TokensPerPeriod=1000000000
    RateLimiting__Policies__standard__Limits__1__Algorithm=TokenBucket
    RateLimiting__Policies__standard__Limits__1__PermitLimit=1000000000
    RateLimiting__Policies__standard__Limits__1__TokensPerPeriod=1000000000
    RateLimiting__Policies__standard__Limits__1__ReplenishmentPeriod=00:01:00
    RateLimiting__Policies__standard__Limits__2__Algorithm=TokenBucket
    RateLimiting__Policies__standard__Limits__2__PermitLimit=1000000000
    RateLimiting__Policies__standard__Limits__2__TokensPerPeriod=1000000000
    RateLimiting__Policies__standard__Limits__2__ReplenishmentPeriod=00:01:00
  )
  for cluster in identity realtime audit agentruntime; do
    # The active health check too: an address that does not resolve here would take the destination out after 10 s.
    edge_env+=("ReverseProxy__Clusters__${cluster}__Destinations__primary__Address=http://127.0.0.1:$BACKEND_PORT"
      "ReverseProxy__Clusters__${cluster}__Destinations__primary__Health=http://127.0.0.1:$BACKEND_PORT")
  done
  # The content root (appsettings.json with the routes) is the working directory.
  (cd "$dir" && exec env "${edge_env[@]}" "${RUNTIME_EXTRA[@]}" "$@" taskset -c 1 dotnet AgentCore.Gateway.Edge.dll) >"$dir.log" 2>&1 &
  EDGE_STARTED_PID=$!; PIDS+=($EDGE_STARTED_PID)
  wait_http "http://127.0.0.1:$port/alive"
  # Every route the benchmarks load must answer 200 from the backend (a redirect or a refusal would be measured instead).
  local route status
  for route in "$TASK_PATH" "$ANON_PATH" "$TASKS_PATH"; do
    status=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
      $([ "$route" = "$TASKS_PATH" ] && echo "--data-binary {}") "http://127.0.0.1:$port$route")
    [ "$status" = 200 ] || { echo "the Edge answered $status on $route" >&2; cat "$dir.log" >&2; return 1; }
  done
}

# warm_up NAME CPU_PID WRK_ARGS...: loads a target in slices of WARM_SLICE seconds at -c$CONNECTIONS until the CPU per
# request of CPU_PID stops falling: no slice better than the best so far by WARM_TOLERANCE for WARM_STABLE slices in a
# row, after at least WARM_MIN and at most WARM_MAX seconds (the tiered JIT keeps compiling for minutes on a busy machine).
warm_up() {
  local name=$1 pid=$2; shift 2
  local best="" stable=0 elapsed=0 trail="" c0 c1 out requests us
  while [ "$elapsed" -lt "${WARM_MAX:-300}" ]; do
    c0=$(cpu_ticks "$pid")
    out=$(taskset -c 0 wrk -t1 -c"${CONNECTIONS:-64}" -d"${WARM_SLICE:-10}s" "$@")
    c1=$(cpu_ticks "$pid")
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    us=$(python3 -c "print(round(($c1-$c0)/$(getconf CLK_TCK)/max($requests,1)*1e6,1))")
    elapsed=$((elapsed + ${WARM_SLICE:-10})); trail="$trail $us"
    if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $us < $best * (1 - ${WARM_TOLERANCE:-0.03}) else 1)"; then
      stable=0
    else
      stable=$((stable + 1))
    fi
    best=$(python3 -c "print(min(float('$us'), float('${best:-inf}')))")
    if [ "$elapsed" -ge "${WARM_MIN:-30}" ] && [ "$stable" -ge "${WARM_STABLE:-2}" ]; then break; fi
  done
  echo "warm-up $name: ${elapsed}s, CPU per request by slice (µs):$trail" >&2
}

