#!/usr/bin/env bash
# Start a throwaway PostgreSQL 15 server for the tests: initdb into a temp folder,
# run as an unprivileged user, listen on a loopback port only. Prints the URL.
# Usage: eval "$(bash .ci/postgres.sh start)"; ...; bash .ci/postgres.sh stop
set -euo pipefail
PORT="${WORKBENCH_PG_PORT:-54329}"
DIR="${WORKBENCH_PG_DIR:-/tmp/workbench-pg-$PORT}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)"

run_as() {
  if [ "$(id -u)" = 0 ]; then su -s /bin/sh "$PGUSER_OS" -c "$*"; else sh -c "$*"; fi
}

case "${1:-start}" in
start)
  if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
    echo "postgres: installing the server (apt-get)" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) >&2
    BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
  fi
  PGUSER_OS=postgres
  if [ "$(id -u)" = 0 ] && ! id "$PGUSER_OS" >/dev/null 2>&1; then useradd --system --no-create-home "$PGUSER_OS"; fi
  if [ -f "$DIR/data/postmaster.pid" ]; then run_as "$BIN/pg_ctl -D $DIR/data -m immediate stop" >&2 || true; fi
  rm -rf "$DIR"; mkdir -p "$DIR"
  [ "$(id -u)" = 0 ] && chown "$PGUSER_OS" "$DIR"
  run_as "$BIN/initdb -D $DIR/data -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null" >&2
  run_as "$BIN/pg_ctl -D $DIR/data -l $DIR/log -w -o '-h 127.0.0.1 -p $PORT -k $DIR -c fsync=off -c max_connections=200' start >/dev/null" >&2
  echo "export WORKBENCH_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
  ;;
stop)
  PGUSER_OS=postgres
  [ -f "$DIR/data/postmaster.pid" ] && run_as "$BIN/pg_ctl -D $DIR/data -m fast stop >/dev/null" >&2 || true
  ;;
esac
