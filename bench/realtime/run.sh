#!/usr/bin/env bash
# Realtime benchmarks (see docs/benchmarks.md, "Realtime"): builds Release, then runs ROUNDS rounds of
#   idle:    IDLE_CONNECTIONS idle authenticated WebSockets on one Realtime instance, opened at CONNECT_RATE per second,
#            then the same against the bare Kestrel server of this bench (the floor), side by side in each round;
#   latency: event timestamp -> arrival through the Edge, to SUBSCRIBERS subscribers at RATES events/s, over TRANSPORT
#            (websocket or sse), from SOURCE: outbox (tasks created through the Edge, the AgentRuntime's worker and
#            outbox relay) or stream (the relay's appends written straight onto the stream: Realtime and the Edge only).
# Servers run on CPU 1, the load client on CPU 0 (bench/realtime/CpuPinning.cs). Each JSON result line is written to
# OUT (a directory), with the load average before it; run it under `flock /tmp/bench.lock` on a shared machine.
#
#   bench/realtime/run.sh                                   # BENCHES="idle latency" ROUNDS=3
#   BENCHES=idle GCDUMP=1 bench/realtime/run.sh             # also managed heap by type (dotnet-gcdump) and smaps
#   BENCHES=latency RATES=100,300,600,1000 bench/realtime/run.sh
#   BENCHES=latency SOURCE=stream RATES=100,250,500,1000 bench/realtime/run.sh
#   BENCHES=latency EXTRA="--set DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0" bench/realtime/run.sh   # settings for every service
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
BENCHES="${BENCHES:-idle latency}"
ROUNDS="${ROUNDS:-3}"
IDLE_CONNECTIONS="${IDLE_CONNECTIONS:-10000}"
CONNECT_RATE="${CONNECT_RATE:-1000}"   # idle handshakes started per second; 0: as fast as 50 in flight allow (a burst)
SETTLE_SECONDS="${SETTLE_SECONDS:-45}"
SUBSCRIBERS="${SUBSCRIBERS:-1000}"
RATES="${RATES:-100,300,600,1000}"
SECONDS_PER_RATE="${SECONDS_PER_RATE:-10}"
WARMUP_SECONDS="${WARMUP_SECONDS:-60}"   # at 30 s the AgentRuntime was still 28 % JIT on the shared core (docs/benchmarks.md, session 5)
SOURCE="${SOURCE:-outbox}"
TRANSPORT="${TRANSPORT:-websocket}"
OUT="${OUT:-$(mktemp -d /tmp/realtime-bench.XXXXXX)}"
mkdir -p "$OUT"

if [[ "${BUILD:-1}" == 1 ]]; then
  for project in Gateway.Realtime Gateway.Edge samples/AgentRuntime bench/realtime; do
    dotnet build -c Release "$project" -v quiet -nologo >&2
  done
fi
dotnet tool restore >/dev/null

bin() { echo "$ROOT/$1/bin/Release/net10.0/$2"; }
BENCH="$(bin bench/realtime RealtimeBench.dll)"
REALTIME="$(bin Gateway.Realtime AgentCore.Gateway.Realtime.dll)"
EDGE="$(bin Gateway.Edge AgentCore.Gateway.Edge.dll)"
AGENTRUNTIME="${AGENTRUNTIME:-$(bin samples/AgentRuntime AgentCore.Samples.AgentRuntime.dll)}"   # AGENTRUNTIME=path.dll: another build, for an A/B

# run NAME ARGS...: one bench, its stdout (the JSON result) appended to $OUT/NAME.jsonl after the load average
run() {
  local name=$1; shift
  echo "# $(date -u +%FT%TZ) $name: $(uptime)" | tee -a "$OUT/$name.jsonl" >&2
  taskset -c 1 dotnet "$BENCH" "$@" | tee -a "$OUT/$name.jsonl"
}

for round in $(seq 1 "$ROUNDS"); do
  for bench in $BENCHES; do
    case "$bench" in
      idle)
        for target in realtime bare; do
          server="$REALTIME"; [[ "$target" == bare ]] && server=bare
          dumps=()
          if [[ -n "${GCDUMP:-}" ]]; then mkdir -p "$OUT/$target-$round"; dumps=(--gcdump-dir "$OUT/$target-$round"); fi
          run "idle-$target" idle --realtime "$server" --connections "$IDLE_CONNECTIONS" --connect-rate "$CONNECT_RATE" --settle-seconds "$SETTLE_SECONDS" "${dumps[@]}" \
            2> >(tee -a "$OUT/idle-$target.log" >&2)
        done
        ;;
      latency)
        run "latency-$SOURCE-$TRANSPORT" latency --source "$SOURCE" --transport "$TRANSPORT" --realtime "$REALTIME" --edge "$EDGE" \
          --agentruntime "$AGENTRUNTIME" --subscribers "$SUBSCRIBERS" --rates "$RATES" --seconds "$SECONDS_PER_RATE" \
          --warmup-seconds "$WARMUP_SECONDS" ${EXTRA:-} 2> >(tee -a "$OUT/latency-$SOURCE-$TRANSPORT.log" >&2)
        ;;
    esac
  done
done
echo "results in $OUT" >&2
