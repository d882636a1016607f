#!/usr/bin/env bash
# A/B of Edge variants in one run, rounds alternating between them on the same route, so all see the same load.
# A variant is a source tree (published in Release) plus optional environment settings; each runs as its own Edge.
# Usage: A_SRC=/path/to/tree-a B_SRC=/path/to/tree-b bench/edge/ab.sh
#        B_ENV="OTEL_SDK_DISABLED=true" bench/edge/ab.sh     (both default to this tree, no extra env)
#        B_ENVS="DOTNET_GCgen0size=0x4000000;DOTNET_TieredPGO=0" bench/edge/ab.sh   (B1, B2, ... each vs A)
#        B_SRCS="/tmp/step1;/tmp/step2;/tmp/step3" bench/edge/ab.sh   (B1, B2, ... one tree each: a change at a time;
#          each is reported against A and against the variant before it)
#        URL_PATH=/api/v1/agents/agent-1/tasks WRK_ARGS="-s bench/edge/post.lua"   (the POST route instead of the JWT GET)
# env: ROUNDS=4 DURATION=10s CONNECTIONS=64, and warm_up's WARM_* (stack.sh): each variant is warmed up until its CPU
#      per request stops falling.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
A_SRC="${A_SRC:-$ROOT}"; B_SRC="${B_SRC:-$ROOT}"
ROUNDS="${ROUNDS:-4}"; DURATION="${DURATION:-10s}"; CONNECTIONS="${CONNECTIONS:-64}"
# shellcheck source=bench/edge/stack.sh
source "$ROOT/bench/edge/stack.sh"

# Variants: A, then B, or B1, B2, ... when B_ENVS lists several settings for B's tree.
LABELS=(A); SOURCES=("$A_SRC"); ENVS=("${A_ENV:-}")
if [ -n "${B_SRCS:-}" ]; then
  IFS=';' read -r -a trees <<<"$B_SRCS"
  for index in "${!trees[@]}"; do LABELS+=("B$((index + 1))"); SOURCES+=("${trees[$index]}"); ENVS+=("${B_ENV:-}"); done
elif [ -n "${B_ENVS:-}" ]; then
  IFS=';' read -r -a settings <<<"$B_ENVS"
  for index in "${!settings[@]}"; do LABELS+=("B$((index + 1))"); SOURCES+=("$B_SRC"); ENVS+=("${settings[$index]}"); done
else
  LABELS+=(B); SOURCES+=("$B_SRC"); ENVS+=("${B_ENV:-}")
fi

echo "building (Release)..." >&2
start_backend
declare -A PUBLISHED=()
PORTS=(); EDGE_PIDS=()
for index in "${!LABELS[@]}"; do
  src=${SOURCES[$index]}
  if [ -z "${PUBLISHED[$src]:-}" ]; then
    PUBLISHED[$src]="$WORK/edge-${LABELS[$index]}"
    publish_edge "$src" "${PUBLISHED[$src]}"
  fi
  # Each variant runs from a copy of its tree's build: the log file sits next to the directory.
  dir="$WORK/run-${LABELS[$index]}"; cp -r "${PUBLISHED[$src]}" "$dir"
  read -r -a extra <<<"${ENVS[$index]}"
  port=$(free_port); PORTS+=("$port")
  start_edge "$dir" "$port" "${extra[@]}"; EDGE_PIDS+=("$EDGE_STARTED_PID")
done

read -r -a WRK_EXTRA <<<"${WRK_ARGS:-}"
URL_PATH="${URL_PATH:-$TASK_PATH}"
for index in "${!LABELS[@]}"; do
  warm_up "${LABELS[$index]}" "${EDGE_PIDS[$index]}" "${WRK_EXTRA[@]}" -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:${PORTS[$index]}$URL_PATH"
done

TICKS=$(getconf CLK_TCK)
for index in "${!LABELS[@]}"; do echo "${LABELS[$index]}: ${SOURCES[$index]} ${ENVS[$index]}"; done
echo "| round | variant | req/s | p50 | Edge CPU per request (µs) | load average |"
echo "|---|---|---|---|---|---|"
for round in $(seq 1 "$ROUNDS"); do
  for index in "${!LABELS[@]}"; do
    pid=${EDGE_PIDS[$index]}
    c0=$(cpu_ticks "$pid")
    out=$(taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "${WRK_EXTRA[@]}" -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:${PORTS[$index]}$URL_PATH")
    c1=$(cpu_ticks "$pid")
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1=="50%" {print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
    [ -z "$non2xx" ] || { echo "variant ${LABELS[$index]} answered $non2xx non-2xx" >&2; exit 1; }
    us=$(python3 -c "print(round(($c1-$c0)/$TICKS/$requests*1e6,1))")
    echo "| $round | ${LABELS[$index]} | $rps | $p50 | $us | $(cut -d' ' -f1-3 /proc/loadavg) |"
    echo "$round ${LABELS[$index]} $us $rps" >>"$WORK/rounds"
  done
done
python3 - "$WORK/rounds" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
by_round = {}
for round_, label, us, rps in rows:
    by_round.setdefault(round_, {})[label] = (float(us), float(rps))
labels = list(dict.fromkeys(row[1] for row in rows))
# Every variant against A, then each against the one before it (what one more change bought).
comparisons = [("A", label) for label in labels[1:]] + list(zip(labels[1:], labels[2:]))
for base, label in comparisons:
    pairs = [(values[base], values[label]) for values in by_round.values() if base in values and label in values]
    print(f"median {label}/{base} over {len(pairs)} rounds: CPU per request {statistics.median(b[0] / a[0] for a, b in pairs):.3f}, "
          f"req/s {statistics.median(b[1] / a[1] for a, b in pairs):.3f}")
PY
