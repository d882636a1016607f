#!/usr/bin/env bash
# CPU profile of the Edge under wrk load on the JWT route: dotnet-trace cpu-sampling, converted to speedscope and
# summarised per frame (self and inclusive share) by bench/edge/speedscope_summary.py.
# Usage: bench/edge/profile.sh [OUT_DIR]   (env: DURATION=20 WARMUP=30 CONNECTIONS=64 DOTNET_TRACE=dotnet-trace)
# Needs dotnet-trace, e.g.: dotnet tool install --tool-path /tmp/dt dotnet-trace --version 10.0.750501; DOTNET_TRACE=/tmp/dt/dotnet-trace
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="${1:-$ROOT/bench/results/profile-$(date -u +%Y%m%dT%H%M%SZ)}"
DURATION="${DURATION:-20}"
WARMUP="${WARMUP:-30}"
CONNECTIONS="${CONNECTIONS:-64}"
DOTNET_TRACE="${DOTNET_TRACE:-dotnet-trace}"
# shellcheck source=bench/edge/stack.sh
source "$ROOT/bench/edge/stack.sh"
mkdir -p "$OUT"

echo "building (Release)..." >&2
start_backend
publish_edge "$ROOT" "$WORK/edge"
EDGE_PORT=$(free_port)
start_edge "$WORK/edge" "$EDGE_PORT"
EDGE_PID=$EDGE_STARTED_PID
URL="http://127.0.0.1:$EDGE_PORT$TASK_PATH"

echo "warming up ${WARMUP}s..." >&2
taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" -H "Authorization: Bearer $TOKEN" "$URL" >/dev/null
taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d"$((DURATION + 10))s" -H "Authorization: Bearer $TOKEN" "$URL" >"$OUT/wrk.txt" &
WRK_PID=$!
sleep 2
"$DOTNET_TRACE" collect -p "$EDGE_PID" --profile dotnet-sampled-thread-time --duration "00:00:$(printf %02d "$DURATION")" -o "$OUT/edge.nettrace" >&2
wait "$WRK_PID"
"$DOTNET_TRACE" convert --format speedscope "$OUT/edge.nettrace" -o "$OUT/edge" >&2
python3 "$ROOT/bench/edge/speedscope_summary.py" "$OUT/edge.speedscope.json" | tee "$OUT/summary.txt"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/summary.txt"
echo "profile: $OUT" >&2
