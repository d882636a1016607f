#!/usr/bin/env bash
# The fault suite's full form (docs/resilience.md): tests/Resilience.Tests with RESILIENCE_PROFILE=full (more load,
# longer outages) on the real AppHost, each fault's row of recovery times and counts appended to a table.
# .ci/run runs the same suite in its short form (the default profile) with the other tests.
# Usage: bench/resilience/run.sh [TABLE_FILE]   (default: bench/results/resilience-<UTC time>.md)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
mkdir -p bench/results
table=${1:-bench/results/resilience-$(date -u +%Y%m%dT%H%M%SZ).md}
table=$(realpath -m "$table")

{
  echo "Fault suite, profile ${RESILIENCE_PROFILE:-full}, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| fault | outage s | recovery s | tasks sent | 201 | 503 | other | subscribers | delivered each | duplicates | lost | reconnects | tokens 200 / 503 / other | load avg |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
} >"$table"

build_log=$(mktemp)
dotnet build tests/Resilience.Tests -v q -nologo >"$build_log" 2>&1 || { cat "$build_log" >&2; exit 1; }
# The stack uses fixed ports (https, dashboard): one stack at a time on this machine.
status=0
RESILIENCE_PROFILE=${RESILIENCE_PROFILE:-full} RESILIENCE_REPORT="$table" \
  flock /tmp/apphost.lock dotnet test --project tests/Resilience.Tests --no-build || status=$?
cat "$table"
exit "$status"
