# Shared by the benchmarks (sourced, not run): private redis-server and PostgreSQL processes on free loopback ports,
# CPU accounting from /proc, and clean-up of everything started on exit. Makes WORK, a scratch directory.
# PostgreSQL keeps its stock settings (fsync and synchronous_commit on) except shared_buffers ($PG_SHARED_BUFFERS,
# default the stock 128MB). Set CPU_SERVERS to a CPU list (e.g. 0) to pin both servers with taskset.
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
WORK=$(mktemp -d /tmp/agentcore-bench.XXXXXX)
PIDS=()
export PGPASSWORD=bench-only

cleanup() {
  # SIGTERM ends the others (a background job of a script ignores SIGINT); for PostgreSQL it would wait for its
  # clients, SIGINT is its fast shutdown.
  for pid in "${PIDS[@]}"; do
    if [ "$pid" = "${PG_PID:-}" ]; then kill -INT "$pid" 2>/dev/null || true; else kill "$pid" 2>/dev/null || true; fi
  done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# Command prefixes (each one execs the next, so $! of a server started with them is the server's own PID):
# PostgreSQL refuses to run as root, and CPU_SERVERS pins the servers.
AS_POSTGRES=(); [ "$(id -u)" = 0 ] && AS_POSTGRES=(setpriv --reuid=postgres --regid=postgres --init-groups)
PINNED=(); [ -n "${CPU_SERVERS:-}" ] && PINNED=(taskset -c "$CPU_SERVERS")
now() { date +%s.%N; }
load_average() { cut -d' ' -f1-3 /proc/loadavg; }

# CPU seconds (user + system) used so far by the given processes, from /proc.
cpu_seconds() {
  local hz total=0 pid
  hz=$(getconf CLK_TCK)
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] || continue
    total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat")))
  done
  python3 -c "print(f'{$total / $hz:.3f}')"
}

start_redis() {
  REDIS_PORT=$(free_port)
  "${PINNED[@]}" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no >"$WORK/redis.log" 2>&1 &
  REDIS_PID=$!
  PIDS+=("$REDIS_PID")
  until redis-cli -p "$REDIS_PORT" PING >/dev/null 2>&1; do sleep 0.1; done
}

start_postgres() {
  PG_PORT=$(free_port)
  PSQL=(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAq)
  chmod 755 "$WORK"
  mkdir -p "$WORK/pg"
  echo "$PGPASSWORD" >"$WORK/pg/pwfile"
  [ "$(id -u)" = 0 ] && chown -R postgres: "$WORK/pg"
  "${AS_POSTGRES[@]}" "$PG_BIN/initdb" -D "$WORK/pg/data" -U postgres --auth=scram-sha-256 --pwfile="$WORK/pg/pwfile" --no-sync >/dev/null
  "${PINNED[@]}" "${AS_POSTGRES[@]}" "$PG_BIN/postgres" -D "$WORK/pg/data" -p "$PG_PORT" -c listen_addresses=127.0.0.1 -c unix_socket_directories= \
    -c shared_buffers="${PG_SHARED_BUFFERS:-128MB}" >"$WORK/pg.log" 2>&1 &
  PG_PID=$!
  PIDS+=("$PG_PID")
  until "${PSQL[@]}" -d postgres -c 'SELECT 1' >/dev/null 2>&1; do sleep 0.2; done
}

# The postmaster and its backends.
postgres_pids() { echo "$PG_PID" $(pgrep -P "$PG_PID"); }

# CPU seconds PostgreSQL used so far, backends that have exited included: the postmaster's own time and that of the
# children it reaped (cutime, cstime), plus the live backends'.
postgres_cpu_seconds() {
  local hz total pid
  hz=$(getconf CLK_TCK)
  total=$(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$PG_PID/stat")
  for pid in $(pgrep -P "$PG_PID"); do
    [ -r "/proc/$pid/stat" ] && total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat")))
  done
  python3 -c "print(f'{$total / $hz:.3f}')"
}

# A connection string for database $1 on the benchmark's PostgreSQL.
pg_connection() { echo "Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=$PGPASSWORD;Database=$1"; }

create_database() {
  "${PSQL[@]}" -d postgres -c 'SET client_min_messages = warning' -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"
}

# With QUIET set (a load average, e.g. 4), waits until the machine's 1-minute load average is below it, for at most
# QUIET_TIMEOUT seconds (default 900): on a shared machine, rounds measured while others build say little.
wait_for_quiet() {
  [ -n "${QUIET:-}" ] || return 0
  local deadline=$((SECONDS + ${QUIET_TIMEOUT:-900}))
  until awk -v limit="$QUIET" '{ exit !($1 < limit) }' /proc/loadavg; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "load average still $(load_average); measuring anyway" >&2; return 0; }
    sleep 5
  done
}
