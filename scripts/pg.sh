#!/usr/bin/env bash
# Starts or stops a throw-away PostgreSQL 15 server for tests and benchmarks.
#
#   scripts/pg.sh start   # initdb into $CAIRN_PG_DIR (a temp dir), start on 127.0.0.1:$CAIRN_PG_PORT
#   scripts/pg.sh stop    # stop it and remove the directory
#   scripts/pg.sh pause   # stop it, keeping its data (a restart's first half)
#   scripts/pg.sh resume  # start it again on the same data
#   scripts/pg.sh env     # print the export lines the tests read (eval "$(scripts/pg.sh env)")
#
# initdb refuses to run as root, so as root the server runs as the unprivileged system user
# 'cairnpg' (created if missing). The superuser is 'cairn' with password
# $CAIRN_TEST_PG_PASSWORD; TCP connections need the password (scram-sha-256), so tests can
# check the wrong-password path. Every statement is logged (log_statement=all) to
# $CAIRN_PG_DIR/server.log, which the pushdown tests read.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
export CAIRN_PG_PORT=${CAIRN_PG_PORT:-54329}
export CAIRN_PG_DIR=${CAIRN_PG_DIR:-/tmp/cairn-pg-$CAIRN_PG_PORT}
export CAIRN_TEST_PG_PASSWORD=${CAIRN_TEST_PG_PASSWORD:-cairn-test-pw}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u cairnpg -- "$@"; else "$@"; fi
}

print_env() {
  cat <<ENV
export CAIRN_TEST_PG_HOST=127.0.0.1
export CAIRN_TEST_PG_PORT=$CAIRN_PG_PORT
export CAIRN_TEST_PG_USER=cairn
export CAIRN_TEST_PG_PASSWORD=$CAIRN_TEST_PG_PASSWORD
export CAIRN_TEST_PG_DB=cairn_test
export CAIRN_TEST_PG_LOG=$CAIRN_PG_DIR/server.log
ENV
}

start() {
  if [ "$(id -u)" = 0 ] && ! id cairnpg >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin cairnpg
  fi
  if [ -f "$CAIRN_PG_DIR/data/postmaster.pid" ] &&
     as_pg "$PG_BIN/pg_ctl" -D "$CAIRN_PG_DIR/data" status >/dev/null 2>&1; then
    echo "pg.sh: already running on port $CAIRN_PG_PORT" >&2
    return 0
  fi
  rm -rf "$CAIRN_PG_DIR"
  mkdir -p "$CAIRN_PG_DIR"
  [ "$(id -u)" = 0 ] && chown cairnpg "$CAIRN_PG_DIR"
  local pwfile="$CAIRN_PG_DIR/pwfile"
  printf '%s\n' "$CAIRN_TEST_PG_PASSWORD" >"$pwfile"
  [ "$(id -u)" = 0 ] && chown cairnpg "$pwfile"
  as_pg "$PG_BIN/initdb" -D "$CAIRN_PG_DIR/data" -U cairn --pwfile="$pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$CAIRN_PG_DIR/initdb.log"
  rm -f "$pwfile"
  cat >>"$CAIRN_PG_DIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $CAIRN_PG_PORT
unix_socket_directories = '$CAIRN_PG_DIR'
log_statement = 'all'
log_line_prefix = '%m [%p] '
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 256MB
max_connections = 400
CONF
  as_pg "$PG_BIN/pg_ctl" -D "$CAIRN_PG_DIR/data" -l "$CAIRN_PG_DIR/server.log" -w start >/dev/null
  as_pg "$PG_BIN/psql" -h "$CAIRN_PG_DIR" -p "$CAIRN_PG_PORT" -U cairn -d postgres -qAt \
    -c "CREATE DATABASE cairn_test" >/dev/null
  echo "pg.sh: PostgreSQL 15 on 127.0.0.1:$CAIRN_PG_PORT (data in $CAIRN_PG_DIR)" >&2
}

stop() {
  if [ -d "$CAIRN_PG_DIR/data" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$CAIRN_PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$CAIRN_PG_DIR"
}

# Stops the server but keeps its data, and starts it again: what a PostgreSQL restart looks like
# to the nodes connected to it (the multi-node tests use a private server for this).
pause() {
  as_pg "$PG_BIN/pg_ctl" -D "$CAIRN_PG_DIR/data" -m fast -w stop >/dev/null
}
resume() {
  as_pg "$PG_BIN/pg_ctl" -D "$CAIRN_PG_DIR/data" -l "$CAIRN_PG_DIR/server.log" -w start >/dev/null
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  pause) pause ;;
  resume) resume ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|pause|resume|env" >&2; exit 2 ;;
esac
