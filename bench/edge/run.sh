#!/usr/bin/env bash
# Edge benchmark, every target in one run: the backend directly, nginx and plain YARP (bench/PlainYarp: the same YARP
# and runtime settings as the Edge, no middleware) as plain reverse proxies, and the Edge on an anonymous route, on the
# JWT route (GET) and on the JWT write route (POST with a JSON body: JSON and input validation, the body's digest).
# Pinning as in /work/shared/notes/perf-baselines.md: wrk on CPU 0, every server on CPU 1.
#
# 1. Warm-up: each target is loaded until its CPU per request stops falling (warm_up in stack.sh).
# 2. Throughput: ROUNDS interleaved rounds of DURATION at -c$CONNECTIONS; the median per target.
# 3. Latency, paired: in each of ROUNDS rounds, every proxy target runs PAIRS short slices (LATENCY_SLICE) at
#    -c$LATENCY_CONNECTIONS, each right after a slice of the backend alone, so the two see the same moment of a shared
#    machine. What a proxy adds is the median over its pairs of (its p50/p99 - the backend's p50/p99 in the slice
#    before); a p99 of one 10 s run is mostly the scheduler's time slices on a loaded machine, and the same stall hits
#    both slices of a pair far more often than it hits two runs minutes apart.
# Usage: flock /tmp/bench.lock bench/edge/run.sh
#   env: DURATION=10s CONNECTIONS=64 LATENCY_CONNECTIONS=8 ROUNDS=3 PAIRS=5 LATENCY_SLICE=3s WARM_SLICE=10 WARM_MIN=30
#        WARM_MAX=300 WARM_TOLERANCE=0.03 WARM_STABLE=2 RUNTIME_ENV="..." (runtime settings for the Edge and plain YARP alike)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-64}"
LATENCY_CONNECTIONS="${LATENCY_CONNECTIONS:-8}"
ROUNDS="${ROUNDS:-3}"
PAIRS="${PAIRS:-5}"
LATENCY_SLICE="${LATENCY_SLICE:-3s}"
RESULTS="$ROOT/bench/results"
mkdir -p "$RESULTS"
# shellcheck source=bench/edge/stack.sh
source "$ROOT/bench/edge/stack.sh"

echo "building (Release)..." >&2
start_backend
publish_edge "$ROOT" "$WORK/edge"
EDGE_PORT=$(free_port); NGINX_PORT=$(free_port); PLAIN_PORT=$(free_port)
start_edge "$WORK/edge" "$EDGE_PORT"
EDGE_PID=$EDGE_STARTED_PID
start_plain_yarp "$PLAIN_PORT"
start_nginx "$NGINX_PORT"
# Targets, as parallel arrays: name, URL, the process whose CPU is the proxy's (- for none), wrk arguments.
NAMES=(); URLS=(); CPU_PIDS=(); WRK_ARGS=()
target() { NAMES+=("$1"); URLS+=("$2"); CPU_PIDS+=("$3"); WRK_ARGS+=("${4:-}"); }
POST="-s $ROOT/bench/edge/post.lua"
AUTH="-H 'Authorization: Bearer $TOKEN'"
target "backend direct" "http://127.0.0.1:$BACKEND_PORT$TASK_PATH" -
target "nginx" "http://127.0.0.1:$NGINX_PORT$TASK_PATH" "$NGINX_WORKER"
target "plain YARP" "http://127.0.0.1:$PLAIN_PORT$TASK_PATH" "$PLAIN_PID"
target "plain YARP, POST" "http://127.0.0.1:$PLAIN_PORT$TASKS_PATH" "$PLAIN_PID" "$POST"
target "Edge, anonymous route" "http://127.0.0.1:$EDGE_PORT$ANON_PATH" "$EDGE_PID"
target "Edge, JWT route" "http://127.0.0.1:$EDGE_PORT$TASK_PATH" "$EDGE_PID" "$AUTH"
target "Edge, JWT route, POST" "http://127.0.0.1:$EDGE_PORT$TASKS_PATH" "$EDGE_PID" "$AUTH $POST"
# Targets measured at -c$LATENCY_CONNECTIONS too.
LATENCY_TARGETS=(0 1 2 4 5)

TICKS=$(getconf CLK_TCK)
# measure TARGET_INDEX CONNECTIONS DURATION: one wrk run; prints "req/s requests p50 p99 non2xx proxy_us backend_us"
measure() {
  local pid=${CPU_PIDS[$1]} args=() b0 p0 b1 p1 out stats
  eval "args=(${WRK_ARGS[$1]})"
  b0=$(cpu_ticks "$BACKEND_PID"); p0=$([ "$pid" = - ] && echo 0 || cpu_ticks "$pid")
  out=$(taskset -c 0 wrk -t1 -c"$2" -d"$3" --latency "${args[@]}" "${URLS[$1]}")
  b1=$(cpu_ticks "$BACKEND_PID"); p1=$([ "$pid" = - ] && echo 0 || cpu_ticks "$pid")
  stats=$(python3 "$ROOT/bench/edge/wrk_stats.py" <<<"$out")
  python3 - "$stats" "$b0" "$b1" "$p0" "$p1" "$pid" "$TICKS" <<'PY'
import sys
rps, requests, p50, p99, non2xx = sys.argv[1].split()
b0, b1, p0, p1 = (int(value) for value in sys.argv[2:6])
pid, ticks, requests = sys.argv[6], int(sys.argv[7]), int(requests)
proxy = "-" if pid == "-" else f"{(p1 - p0) / ticks / requests * 1e6:.1f}"
print(rps, requests, p50, p99, non2xx, proxy, f"{(b1 - b0) / ticks / requests * 1e6:.1f}")
PY
}

for index in "${!NAMES[@]}"; do
  eval "args=(${WRK_ARGS[$index]})"
  pid=${CPU_PIDS[$index]}; [ "$pid" = - ] && pid=$BACKEND_PID
  warm_up "${NAMES[$index]}" "$pid" "${args[@]}" "${URLS[$index]}" 2>>"$WORK/warmup"; tail -1 "$WORK/warmup" >&2
done

for round in $(seq 1 "$ROUNDS"); do
  for index in "${!NAMES[@]}"; do
    result=$(measure "$index" "$CONNECTIONS" "$DURATION")
    echo "throughput $index $round $result $(cut -d' ' -f1 /proc/loadavg)" >>"$WORK/rows"
    echo "round $round ${NAMES[$index]}: $result" >&2
  done
  for index in "${LATENCY_TARGETS[@]:1}"; do
    for pair in $(seq 1 "$PAIRS"); do
      direct=$(measure 0 "$LATENCY_CONNECTIONS" "$LATENCY_SLICE")
      result=$(measure "$index" "$LATENCY_CONNECTIONS" "$LATENCY_SLICE")
      echo "pair $index $round $result $direct $(cut -d' ' -f1 /proc/loadavg)" >>"$WORK/rows"
      echo "round $round pair $pair -c$LATENCY_CONNECTIONS ${NAMES[$index]}: $result / direct: $direct" >&2
    done
  done
done

REPORT="$RESULTS/edge-$(date -u +%Y%m%dT%H%M%SZ).md"
python3 - "$WORK/rows" "$(printf '%s\n' "${NAMES[@]}")" "$CONNECTIONS" "$LATENCY_CONNECTIONS" "$DURATION" "$ROUNDS" "$PAIRS" "$LATENCY_SLICE" <<'PY' | tee "$REPORT"
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
names = sys.argv[2].splitlines()
connections, latency_connections, duration, rounds, pairs, latency_slice = sys.argv[3:9]

def median(kind, index, column):
    values = [float(row[3 + column]) for row in rows if row[0] == kind and int(row[1]) == index and row[3 + column] != "-"]
    return statistics.median(values) if values else None

def index_of(name):
    return names.index(name)

loads = [float(row[-1]) for row in rows]
print(f"wrk -t1 on CPU 0, servers on CPU 1; median of {rounds} interleaved rounds of {duration}; "
      f"load average (1 min) during the rounds {min(loads):.1f}-{max(loads):.1f}")
print()
nginx_rps = median("throughput", index_of("nginx"), 0)
print(f"| target (-c{connections}) | req/s | p50 ms | p99 ms | proxy CPU/req (µs) | backend CPU/req (µs) | non-2xx | vs nginx req/s | CPU/req vs plain YARP |")
print("|---|---|---|---|---|---|---|---|---|")
for index, name in enumerate(names):
    rps, p50, p99, non2xx, proxy, backend = (median("throughput", index, column) for column in (0, 2, 3, 4, 5, 6))
    floor = median("throughput", index_of("plain YARP, POST" if "POST" in name else "plain YARP"), 5)
    versus = f"{proxy / floor:.2f}x" if proxy is not None and floor and name.startswith(("Edge", "plain", "nginx")) else "-"
    print(f"| {name} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {proxy if proxy is None else f'{proxy:.1f}'} | {backend:.1f} | "
          f"{non2xx:.0f} | {rps / nginx_rps:.2f}x | {versus} |")
print()
# Pair rows: kind, target, round, the target's 7 fields, the backend's 7 fields (in the slice just before), load.
paired = {}
for row in rows:
    if row[0] == "pair":
        paired.setdefault(int(row[1]), []).append(([float(v) for v in row[3:5] + row[5:7]], [float(v) for v in row[10:12] + row[12:14]]))
print(f"Latency at -c{latency_connections}: {pairs} pairs of {latency_slice} slices per target and round, each slice of a target right "
      "after one of the backend alone; added = median over the pairs of (target - backend of its pair).")
print()
print(f"| target (-c{latency_connections}) | pairs | req/s | p50 ms | p99 ms | backend p50 / p99 ms | added p50 ms | added p99 ms | pairs with added p99 <= 1 ms |")
print("|---|---|---|---|---|---|---|---|---|")
for index, items in sorted(paired.items()):
    target = [values for values, _ in items]
    direct = [values for _, values in items]
    added50 = statistics.median(t[2] - d[2] for t, d in zip(target, direct))
    added99 = statistics.median(t[3] - d[3] for t, d in zip(target, direct))
    within = sum(1 for t, d in zip(target, direct) if t[3] - d[3] <= 1.0)
    print(f"| {names[index]} | {len(items)} | {statistics.median(t[0] for t in target):,.0f} | {statistics.median(t[2] for t in target):.3f} | "
          f"{statistics.median(t[3] for t in target):.3f} | {statistics.median(d[2] for d in direct):.3f} / {statistics.median(d[3] for d in direct):.3f} | "
          f"{added50:+.3f} | {added99:+.3f} | {within}/{len(items)} |")
print()
print("Per round (kind, target, round, req/s, requests, p50, p99, non-2xx, proxy µs, backend µs, [pair: the same seven of the "
      "backend alone in the slice before,] load):")
for row in rows:
    print("    " + " ".join([row[0], names[int(row[1])].replace(" ", "_")] + row[2:]))
PY
sed 's/^/    /' "$WORK/warmup" >>"$REPORT"
echo "report: $REPORT" >&2
