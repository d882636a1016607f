#!/usr/bin/env bash
# Rate limiting, measured in one run on this machine (see docs/benchmarks.md, "Rate limiting"):
#   1. decision latency, p50/p99, on the Redis path and on the fast path (bench/RateLimitBench);
#   2. the Edge's throughput through a limited route and an unlimited one, side by side (wrk).
# Layout as in shared/notes/perf-baselines.md: the load generator on CPU 0, servers on CPU 1, 30 s of warm-up,
# three interleaved rounds of 10 s. Needs redis-server and wrk (apt-get install redis-server wrk).
set -euo pipefail
cd "$(dirname "$0")/../.."
WARMUP=${WARMUP:-30}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-64}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
wait_http() { for _ in $(seq 1 100); do curl -fs -o /dev/null "$1" && return 0; sleep 0.2; done; echo "no answer from $1" >&2; return 1; }

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

dotnet build -c Release -v quiet bench/BenchBackend >/dev/null || { echo "build of bench/BenchBackend failed" >&2; exit 1; }
dotnet build -c Release -v quiet bench/RateLimitBench >/dev/null || { echo "build of bench/RateLimitBench failed" >&2; exit 1; }
dotnet build -c Release -v quiet Gateway.Edge >/dev/null || { echo "build of Gateway.Edge failed" >&2; exit 1; }

redis_port=$(free_port); backend_port=$(free_port); edge_port=$(free_port)
taskset -c 1 redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no >/dev/null & pids+=($!)
sleep 0.5

# Decisions are made on one thread pinned to CPU 0. With the process on CPU 0 alone, the refills' Redis I/O shares that
# core (the worst case); on CPUs 0 and 1 it may run beside Redis on the other core, as on a gateway with two cores.
echo "## Decision latency (one caller, Redis on CPU 1, the process on CPU 0)"
taskset -c 0 dotnet bench/RateLimitBench/bin/Release/net10.0/RateLimitBench.dll "127.0.0.1:$redis_port" 100000 20000 0
echo "## Decision latency (one caller, Redis on CPU 1, the process on CPUs 0-1, decisions on CPU 0)"
taskset -c 0,1 dotnet bench/RateLimitBench/bin/Release/net10.0/RateLimitBench.dll "127.0.0.1:$redis_port" 100000 20000 0

taskset -c 1 dotnet bench/BenchBackend/bin/Release/net10.0/BenchBackend.dll --urls "http://127.0.0.1:$backend_port" >/dev/null & pids+=($!)
edge_args=(
  --urls "http://127.0.0.1:$edge_port"
  --contentRoot "$PWD/Gateway.Edge/bin/Release/net10.0"
  --ConnectionStrings:redis "127.0.0.1:$redis_port"
  --Gateway:Issuer "http://bench.invalid/"
  --Authentication:Jwt:MetadataAddress "http://127.0.0.1:$backend_port/.well-known/openid-configuration"
  --EdgeTrust:Key "bench-only-edge-trust-key-0123456789abcdefghijkl"
  --Logging:LogLevel:Default Warning
  --services:identity:http:0 "http://127.0.0.1:$backend_port"
  --services:realtime:http:0 "http://127.0.0.1:$backend_port"
  --services:audit:http:0 "http://127.0.0.1:$backend_port"
  --services:agentruntime:http:0 "http://127.0.0.1:$backend_port"
  --ReverseProxy:Clusters:bench:Destinations:d1:Address "http://127.0.0.1:$backend_port"
  --ReverseProxy:Routes:bench-open:ClusterId bench
  --ReverseProxy:Routes:bench-open:Match:Path "/open/{**rest}"
  --ReverseProxy:Routes:bench-limited:ClusterId bench
  --ReverseProxy:Routes:bench-limited:Match:Path "/limited/{**rest}"
  --ReverseProxy:Routes:bench-limited:RateLimiterPolicy bench
  --RateLimiting:Policies:bench:Limits:0:Name burst
  --RateLimiting:Policies:bench:Limits:0:Algorithm TokenBucket
  --RateLimiting:Policies:bench:Limits:0:PartitionBy:0 SourceAddress
  --RateLimiting:Policies:bench:Limits:0:PermitLimit 1000000000
  --RateLimiting:Policies:bench:Limits:0:TokensPerPeriod 1000000000
  --RateLimiting:Policies:bench:Limits:0:ReplenishmentPeriod 00:00:01
)
ASPNETCORE_ENVIRONMENT=Production taskset -c 1 dotnet Gateway.Edge/bin/Release/net10.0/AgentCore.Gateway.Edge.dll "${edge_args[@]}" >/dev/null & edge_pid=$!; pids+=($edge_pid)
wait_http "http://127.0.0.1:$backend_port/health"
wait_http "http://127.0.0.1:$edge_port/open/warm"
wait_http "http://127.0.0.1:$edge_port/limited/warm"

echo
echo "## Edge throughput, limited route vs unlimited route (wrk -t1 -c$CONNECTIONS, CPU 0; Edge, backend and Redis on CPU 1)"
taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d"$((WARMUP / 2))s" "http://127.0.0.1:$edge_port/open/x" >/dev/null
taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d"$((WARMUP / 2))s" "http://127.0.0.1:$edge_port/limited/x" >/dev/null
printf '%-8s %-6s %10s %8s %8s %12s %6s\n' round route req/s p50_ms p99_ms cpu_us/req non2xx
declare -A total
for round in $(seq 1 "$ROUNDS"); do
  for route in open limited; do
    before=$(cpu_ticks "$edge_pid")
    out=$(taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$edge_port/$route/x")
    after=$(cpu_ticks "$edge_pid")
    requests=$(echo "$out" | awk '/requests in/ {print $1}')
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1=="50%" {print $2}')
    p99=$(echo "$out" | awk '$1=="99%" {print $2}')
    non2xx=$(echo "$out" | awk '/Non-2xx/ {print $5}'); non2xx=${non2xx:-0}
    cpu=$(awk -v t="$((after - before))" -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
    printf '%-8s %-6s %10s %8s %8s %12s %6s\n' "$round" "$route" "$rps" "$p50" "$p99" "$cpu" "$non2xx"
    total[$route]=$(awk -v a="${total[$route]:-0}" -v b="$rps" 'BEGIN { print a + b }')
  done
done
awk -v l="${total[limited]}" -v o="${total[open]}" 'BEGIN { printf "throughput ratio limited/open: %.3f\n", l / o }'
