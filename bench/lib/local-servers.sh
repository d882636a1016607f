# Sourced by benchmark scripts (not run): a throw-away redis-server and PostgreSQL on free loopback ports. The caller
# sets WORK (a scratch directory) and PIDS (an array whose processes it stops on exit) before calling these.
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
export PGPASSWORD=${PGPASSWORD:-bench-only}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# PostgreSQL refuses to run as root; as root, run it as the postgres OS user.
as_postgres() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups "$@"; else "$@"; fi; }

# start_redis: sets REDIS_PORT
start_redis() {
  REDIS_PORT=$(free_port)
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no >"$WORK/redis.log" 2>&1 &
  PIDS+=($!)
}

# start_postgres DATABASE: initdb, start, create DATABASE; sets PG_PORT and PSQL (a psql command line, as an array)
start_postgres() {
  PG_PORT=$(free_port)
  PSQL=(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAq)
  chmod 755 "$WORK"
  mkdir -p "$WORK/pg"
  echo "$PGPASSWORD" >"$WORK/pg/pwfile"
  if [ "$(id -u)" = 0 ]; then chown -R postgres: "$WORK/pg"; fi
  as_postgres "$PG_BIN/initdb" -D "$WORK/pg/data" -U postgres --auth=scram-sha-256 --pwfile="$WORK/pg/pwfile" --no-sync >/dev/null
  as_postgres "$PG_BIN/postgres" -D "$WORK/pg/data" -p "$PG_PORT" -c listen_addresses=127.0.0.1 -c unix_socket_directories= >"$WORK/pg.log" 2>&1 &
  PIDS+=($!)
  until "${PSQL[@]}" -d postgres -c 'SELECT 1' >/dev/null 2>&1; do sleep 0.2; done
  "${PSQL[@]}" -d postgres -c "CREATE DATABASE $1"
}
