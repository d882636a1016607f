#!/usr/bin/env bash
# Edge benchmark: wrk against the backend directly, the Edge on an anonymous route, the Edge with JWT
# validation, and nginx as a plain reverse proxy to the same backend, in one run.
# Pinning as in /work/shared/notes/perf-baselines.md: wrk on CPU 0, every server on CPU 1.
# Usage: bench/edge/run.sh            (env: DURATION=10s CONNECTIONS=64 WARMUP=30)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-64}"
WARMUP="${WARMUP:-30}"
RESULTS="$ROOT/bench/results"
mkdir -p "$RESULTS"
# shellcheck source=bench/edge/stack.sh
source "$ROOT/bench/edge/stack.sh"

echo "building (Release)..." >&2
start_backend
publish_edge "$ROOT" "$WORK/edge"
EDGE_PORT=$(free_port); NGINX_PORT=$(free_port)
start_edge "$WORK/edge" "$EDGE_PORT"
EDGE_PID=$EDGE_STARTED_PID

cat >"$WORK/nginx.conf" <<NGINX
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  upstream backend { server 127.0.0.1:$BACKEND_PORT; keepalive 1024; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
NGINX
taskset -c 1 nginx -c "$WORK/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!; PIDS+=($NGINX_PID)
wait_http "http://127.0.0.1:$NGINX_PORT/health"
NGINX_WORKER=$(pgrep -P "$NGINX_PID" | head -1)

TICKS=$(getconf CLK_TCK)
ROWS=()
# run NAME URL PROXY_PID [wrk header args...]
run() {
  local name=$1 url=$2 proxy_pid=$3; shift 3
  local b0 p0 out
  b0=$(cpu_ticks "$BACKEND_PID"); p0=$([ "$proxy_pid" = - ] && echo 0 || cpu_ticks "$proxy_pid")
  out=$(taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url")
  local b1 p1
  b1=$(cpu_ticks "$BACKEND_PID"); p1=$([ "$proxy_pid" = - ] && echo 0 || cpu_ticks "$proxy_pid")
  local rps requests p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out"); non2xx=${non2xx:-0}
  local proxy_us backend_us
  backend_us=$(python3 -c "print(round(($b1-$b0)/$TICKS/$requests*1e6,1))")
  proxy_us=$([ "$proxy_pid" = - ] && echo "-" || python3 -c "print(round(($p1-$p0)/$TICKS/$requests*1e6,1))")
  ROWS+=("$name|$rps|$p50|$p99|$proxy_us|$backend_us|$non2xx")
  echo "$name: $rps req/s, p50 $p50, p99 $p99, proxy CPU/req ${proxy_us} us, backend CPU/req ${backend_us} us, non-2xx $non2xx" >&2
}

echo "warming up ${WARMUP}s each..." >&2
taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:$BACKEND_PORT/warm" >/dev/null
taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:$NGINX_PORT/warm" >/dev/null
taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:$EDGE_PORT$ANON_PATH" >/dev/null
taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$EDGE_PORT$TASK_PATH" >/dev/null

run "backend direct" "http://127.0.0.1:$BACKEND_PORT$TASK_PATH" -
run "nginx reverse proxy" "http://127.0.0.1:$NGINX_PORT$TASK_PATH" "$NGINX_WORKER"
run "Edge, anonymous route" "http://127.0.0.1:$EDGE_PORT$ANON_PATH" "$EDGE_PID"
run "Edge, JWT (RS256) route" "http://127.0.0.1:$EDGE_PORT$TASK_PATH" "$EDGE_PID" -H "Authorization: Bearer $TOKEN"

NGINX_RPS=$(cut -d'|' -f2 <<<"${ROWS[1]}")
REPORT="$RESULTS/edge-$(date -u +%Y%m%dT%H%M%SZ).md"
{
  echo "wrk -t1 -c$CONNECTIONS -d$DURATION --latency, wrk on CPU 0, servers on CPU 1, warm-up ${WARMUP}s per target; $(date -u +%FT%TZ); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| target | req/s | p50 | p99 | proxy CPU per request (µs) | backend CPU per request (µs) | non-2xx | ratio to nginx |"
  echo "|---|---|---|---|---|---|---|---|"
  for row in "${ROWS[@]}"; do
    IFS='|' read -r name rps p50 p99 proxy backend non2xx <<<"$row"
    ratio=$(python3 -c "print(f'{$rps/$NGINX_RPS:.2f}')")
    echo "| $name | $rps | $p50 | $p99 | $proxy | $backend | $non2xx | ${ratio}x |"
  done
} | tee "$REPORT"
echo "report: $REPORT" >&2
