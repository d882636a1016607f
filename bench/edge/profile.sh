#!/usr/bin/env bash
# CPU profile of the Edge under wrk load on the JWT route, summarised per function and per component.
# Usage: bench/edge/profile.sh [OUT_DIR]   (env: PROFILER=perf|dotnet-trace DURATION=20 WARMUP=90 CONNECTIONS=64)
#   perf (default): `perf record -g` of the Edge with DOTNET_PerfMapEnabled=1, so JIT-compiled frames have names;
#     real on-CPU samples, kernel included; summary by bench/edge/perf_summary.py.
#   dotnet-trace: EventPipe thread-time samples (DOTNET_TRACE=path to dotnet-trace, e.g. installed with
#     `dotnet tool install --tool-path /tmp/dt dotnet-trace --version 10.0.750501`), converted to speedscope and
#     summarised by bench/edge/speedscope_summary.py. It samples every thread's wall-clock state, so on a loaded
#     machine a thread preempted inside a syscall still counts: use it for managed call paths, perf for CPU shares.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="${1:-$ROOT/bench/results/profile-$(date -u +%Y%m%dT%H%M%SZ)}"
PROFILER="${PROFILER:-perf}"
DURATION="${DURATION:-20}"
WARMUP="${WARMUP:-90}"
CONNECTIONS="${CONNECTIONS:-64}"
DOTNET_TRACE="${DOTNET_TRACE:-dotnet-trace}"
# shellcheck source=bench/edge/stack.sh
source "$ROOT/bench/edge/stack.sh"
mkdir -p "$OUT"

echo "building (Release)..." >&2
start_backend
publish_edge "$ROOT" "$WORK/edge"
EDGE_PORT=$(free_port)
start_edge "$WORK/edge" "$EDGE_PORT" DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
EDGE_PID=$(pgrep -P "$EDGE_STARTED_PID" -f AgentCore.Gateway.Edge.dll || echo "$EDGE_STARTED_PID")
URL="http://127.0.0.1:$EDGE_PORT$TASK_PATH"

echo "warming up ${WARMUP}s..." >&2
taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" -H "Authorization: Bearer $TOKEN" "$URL" >/dev/null
taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d"$((DURATION + 8))s" -H "Authorization: Bearer $TOKEN" "$URL" >"$OUT/wrk.txt" &
WRK_PID=$!
sleep 2
if [ "$PROFILER" = perf ]; then
  perf record -F 499 -g -p "$EDGE_PID" -o "$OUT/perf.data" -- sleep "$DURATION" 2>"$OUT/perf.log" >&2
  wait "$WRK_PID"
  perf script -i "$OUT/perf.data" 2>/dev/null \
    | python3 "$ROOT/bench/edge/perf_summary.py" --match 'AgentCore|Middleware|OpenTelemetry|Yarp|Activity|Metrics' | tee "$OUT/summary.txt"
else
  "$DOTNET_TRACE" collect -p "$EDGE_PID" --profile dotnet-sampled-thread-time --duration "00:00:$(printf %02d "$DURATION")" -o "$OUT/edge.nettrace" >&2
  wait "$WRK_PID"
  "$DOTNET_TRACE" convert --format speedscope "$OUT/edge.nettrace" -o "$OUT/edge" >&2
  python3 "$ROOT/bench/edge/speedscope_summary.py" "$OUT/edge.speedscope.json" | tee "$OUT/summary.txt"
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/summary.txt"
echo "profile: $OUT" >&2
