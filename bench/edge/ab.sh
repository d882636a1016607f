#!/usr/bin/env bash
# A/B of two Edge variants in one run, rounds alternating A and B on the JWT route, so both see the same load.
# A variant is a source tree (published in Release) plus optional environment settings.
# Usage: A_SRC=/path/to/tree-a B_SRC=/path/to/tree-b bench/edge/ab.sh
#        B_ENV="OTEL_SDK_DISABLED=true" bench/edge/ab.sh     (both default to this tree, no extra env)
# env: ROUNDS=4 DURATION=10s CONNECTIONS=64 WARMUP=30
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
A_SRC="${A_SRC:-$ROOT}"; B_SRC="${B_SRC:-$ROOT}"
read -r -a A_EXTRA <<<"${A_ENV:-}"; read -r -a B_EXTRA <<<"${B_ENV:-}"
ROUNDS="${ROUNDS:-4}"; DURATION="${DURATION:-10s}"; CONNECTIONS="${CONNECTIONS:-64}"; WARMUP="${WARMUP:-30}"
# shellcheck source=bench/edge/stack.sh
source "$ROOT/bench/edge/stack.sh"

echo "building (Release)..." >&2
start_backend
publish_edge "$A_SRC" "$WORK/edge-a"
publish_edge "$B_SRC" "$WORK/edge-b"
A_PORT=$(free_port); B_PORT=$(free_port)
start_edge "$WORK/edge-a" "$A_PORT" "${A_EXTRA[@]}"; A_PID=$EDGE_STARTED_PID
start_edge "$WORK/edge-b" "$B_PORT" "${B_EXTRA[@]}"; B_PID=$EDGE_STARTED_PID

echo "warming up ${WARMUP}s each..." >&2
for port in "$A_PORT" "$B_PORT"; do
  taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$port$TASK_PATH" >/dev/null
done

TICKS=$(getconf CLK_TCK)
echo "A: $A_SRC ${A_EXTRA[*]:-}"
echo "B: $B_SRC ${B_EXTRA[*]:-}"
echo "| round | variant | req/s | p50 | Edge CPU per request (µs) | load average |"
echo "|---|---|---|---|---|---|"
for round in $(seq 1 "$ROUNDS"); do
  for variant in A B; do
    if [ "$variant" = A ]; then port=$A_PORT; pid=$A_PID; else port=$B_PORT; pid=$B_PID; fi
    c0=$(cpu_ticks "$pid")
    out=$(taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$port$TASK_PATH")
    c1=$(cpu_ticks "$pid")
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1=="50%" {print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
    [ -z "$non2xx" ] || { echo "variant $variant answered $non2xx non-2xx" >&2; exit 1; }
    us=$(python3 -c "print(round(($c1-$c0)/$TICKS/$requests*1e6,1))")
    echo "| $round | $variant | $rps | $p50 | $us | $(cut -d' ' -f1-3 /proc/loadavg) |"
    echo "$variant $us $rps" >>"$WORK/rounds"
  done
done
python3 - "$WORK/rounds" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
pairs = [(float(a[1]), float(a[2]), float(b[1]), float(b[2])) for a, b in zip(rows[0::2], rows[1::2])]
print(f"median B/A over {len(pairs)} rounds: CPU per request {statistics.median(bu / au for au, _, bu, _ in pairs):.3f}, "
      f"req/s {statistics.median(br / ar for _, ar, _, br in pairs):.3f}")
PY
