#!/usr/bin/env bash
# What the test suite needs beyond Python packages, on a Debian machine:
#   - Debian's chromium, for the review-page browser tests (Playwright drives it; it never downloads one)
#   - Debian's postgresql, started on 127.0.0.1 in a throwaway cluster, for the store tests
# Usage: scripts/test-services.sh start   → prints `export EDITIONS_TEST_PG_URL=…` to eval
#        scripts/test-services.sh stop
# Installs with apt-get only when run as root and a package is missing; otherwise says what is missing
# (the tests that need it then skip with that message).
set -euo pipefail

PGPORT="${EDITIONS_TEST_PG_PORT:-54329}"
PGDIR="${EDITIONS_TEST_PG_DIR:-/tmp/editions-test-pg}"
PGUSER_OS=postgres

log() { echo "test-services: $*" >&2; }

apt_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    log "missing $* and not root with apt-get: install it to run those tests"
    return 1
  fi
  log "installing $* with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1; }
}

pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

start() {
  [ -x /usr/bin/chromium ] || apt_install chromium || true
  local bin
  bin="$(pg_bin)"
  if [ -z "$bin" ] || [ ! -x "$bin/postgres" ]; then
    apt_install postgresql || return 0
    bin="$(pg_bin)"
  fi
  local run=()
  if [ "$(id -u)" = 0 ]; then
    id "$PGUSER_OS" >/dev/null 2>&1 || { log "no $PGUSER_OS user to run PostgreSQL as"; return 0; }
    run=(runuser -u "$PGUSER_OS" --)
  fi
  stop_quiet
  rm -rf "$PGDIR"
  mkdir -p "$PGDIR"
  [ "$(id -u)" = 0 ] && chown "$PGUSER_OS" "$PGDIR"
  "${run[@]}" "$bin/initdb" -D "$PGDIR/data" -U editions --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${run[@]}" "$bin/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDIR -c fsync=off -c max_connections=200" start >/dev/null
  "${run[@]}" "$bin/createdb" -h 127.0.0.1 -p "$PGPORT" -U editions editions
  log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT"
  echo "export EDITIONS_TEST_PG_URL=postgresql+psycopg://editions@127.0.0.1:$PGPORT/editions"
}

stop_quiet() {
  local bin
  bin="$(pg_bin)"
  [ -n "$bin" ] && [ -f "$PGDIR/data/postmaster.pid" ] || return 0
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$PGUSER_OS" -- "$bin/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true
  else
    "$bin/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop_quiet; rm -rf "$PGDIR" ;;
  *) echo "usage: $0 start|stop" >&2; exit 64 ;;
esac
