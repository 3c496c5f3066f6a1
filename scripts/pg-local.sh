#!/usr/bin/env bash
# A throwaway local PostgreSQL 15 cluster for development and tests.
#
#   scripts/pg-local.sh start DATA_DIR PORT   initialise DATA_DIR if absent, start on 127.0.0.1:PORT
#   scripts/pg-local.sh init DATA_DIR         only initialise DATA_DIR if absent (e.g. a template)
#   scripts/pg-local.sh stop DATA_DIR         stop (fast mode); a no-op when not running
#   scripts/pg-local.sh crash DATA_DIR        stop in immediate mode (no checkpoint, as a crash:
#                                             the next start runs crash recovery); fault tests
#   scripts/pg-local.sh status DATA_DIR       exit 0 when running, 3 when not
#   scripts/pg-local.sh standby DATA_DIR PORT PRIMARY_PORT
#                                             a hot standby of the cluster on 127.0.0.1:PRIMARY_PORT
#                                             (pg_basebackup -R into the empty DATA_DIR: streaming
#                                             replication), started on 127.0.0.1:PORT
#
# The cluster trusts every local connection (user postgres, no password): never expose it.
# The unix socket lives in DATA_DIR, the server log in DATA_DIR/server.log. Extra server settings
# come from PG_LOCAL_OPTIONS, e.g. PG_LOCAL_OPTIONS="-c fsync=off -c max_connections=200".
# PostgreSQL refuses to run as root: as root, the cluster is owned and run by user postgres.
set -euo pipefail

readonly PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
readonly PG_USER=postgres

die() {
  echo "pg-local: $*" >&2
  exit 1
}

usage() {
  echo "usage: $0 start DATA_DIR PORT | init DATA_DIR | stop DATA_DIR | crash DATA_DIR |" \
    "status DATA_DIR | standby DATA_DIR PORT PRIMARY_PORT" >&2
  exit 2
}

# Runs a PostgreSQL binary as the cluster owner.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u "$PG_USER" -- "$@"
  else
    "$@"
  fi
}

# Creates DATA_DIR (and makes it usable by the postgres user when running as root).
prepare_dir() {
  local dir=$1
  mkdir -p "$dir"
  if [[ $(id -u) -eq 0 ]]; then
    id "$PG_USER" >/dev/null 2>&1 || die "running as root needs a '$PG_USER' user to own it"
    chown "$PG_USER:" "$dir"
    # Every ancestor must be traversable by the postgres user.
    local parent
    parent=$(dirname "$dir")
    while [[ $parent != / ]]; do
      chmod o+x "$parent"
      parent=$(dirname "$parent")
    done
  fi
  chmod 700 "$dir"
}

is_running() {
  local dir=$1
  [[ -f $dir/PG_VERSION ]] || return 1
  as_owner "$PG_BIN/pg_ctl" status -D "$dir" >/dev/null 2>&1
}

# Creates the cluster in DATA_DIR unless it holds one already.
init_cluster() {
  local dir=$1
  [[ -x $PG_BIN/initdb ]] || die "PostgreSQL binaries not found in $PG_BIN"
  prepare_dir "$dir"
  [[ -f $dir/PG_VERSION ]] && return 0
  [[ -z $(ls -A "$dir") ]] || die "$dir is not empty and holds no cluster"
  local initdb_log
  initdb_log=$(mktemp)
  if ! as_owner "$PG_BIN/initdb" -D "$dir" -A trust -U "$PG_USER" --encoding UTF8 --locale C \
      --no-sync >"$initdb_log" 2>&1; then
    cat "$initdb_log" >&2
    rm -f "$initdb_log"
    die "initdb failed in $dir"
  fi
  rm -f "$initdb_log"
}

absolute_dir() {
  mkdir -p "$1"
  (cd "$1" && pwd)
}

cmd_init() {
  local dir
  dir=$(absolute_dir "$1")
  init_cluster "$dir"
  echo "pg-local: cluster initialised in $dir"
}

cmd_start() {
  local dir port=$2
  if ! [[ $port =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
    die "invalid port '$port'"
  fi
  dir=$(absolute_dir "$1")
  if is_running "$dir"; then
    echo "pg-local: already running in $dir"
    return 0
  fi
  init_cluster "$dir"
  [[ $dir != *\'* ]] || die "DATA_DIR must not contain a single quote: $dir"
  local server_options="-p $port -c listen_addresses=127.0.0.1 -k '$dir' ${PG_LOCAL_OPTIONS:-}"
  if ! as_owner "$PG_BIN/pg_ctl" start -w -t 60 -D "$dir" -l "$dir/server.log" \
      -o "$server_options" >/dev/null; then
    echo "pg-local: server log ($dir/server.log):" >&2
    tail -n 50 "$dir/server.log" >&2 || true
    die "could not start PostgreSQL in $dir on port $port"
  fi
  echo "pg-local: running in $dir on 127.0.0.1:$port"
}

# Stops the cluster in DATA_DIR with pg_ctl's shutdown MODE (fast, or immediate for a crash).
cmd_stop() {
  local dir=$1 mode=$2
  [[ -d $dir ]] || { echo "pg-local: $dir does not exist, nothing to stop"; return 0; }
  if ! is_running "$dir"; then
    echo "pg-local: not running in $dir"
    return 0
  fi
  as_owner "$PG_BIN/pg_ctl" stop -w -t 60 -m "$mode" -D "$dir" >/dev/null ||
    die "could not stop PostgreSQL in $dir (see $dir/server.log)"
  echo "pg-local: stopped $dir ($mode)"
}

cmd_standby() {
  local dir port=$2 primary_port=$3
  dir=$(absolute_dir "$1")
  prepare_dir "$dir"
  [[ -z $(ls -A "$dir") ]] || die "$dir is not empty"
  if ! as_owner "$PG_BIN/pg_basebackup" -D "$dir" -R -X stream --checkpoint=fast --no-sync \
      -h 127.0.0.1 -p "$primary_port" -U "$PG_USER" >"$dir.basebackup.log" 2>&1; then
    cat "$dir.basebackup.log" >&2
    die "pg_basebackup from 127.0.0.1:$primary_port failed"
  fi
  rm -f "$dir.basebackup.log" "$dir/server.log"
  PG_LOCAL_OPTIONS="${PG_LOCAL_OPTIONS:-} -c hot_standby=on" cmd_start "$dir" "$port"
}

cmd_status() {
  local dir=$1
  if is_running "$dir"; then
    echo "pg-local: running in $dir"
  else
    echo "pg-local: not running in $dir"
    exit 3
  fi
}

main() {
  (($# >= 2)) || usage
  local command=$1 dir=$2
  case $command in
    start) (($# == 3)) || usage; cmd_start "$dir" "$3" ;;
    init) (($# == 2)) || usage; cmd_init "$dir" ;;
    stop) (($# == 2)) || usage; cmd_stop "$dir" fast ;;
    crash) (($# == 2)) || usage; cmd_stop "$dir" immediate ;;
    status) (($# == 2)) || usage; cmd_status "$dir" ;;
    standby) (($# == 4)) || usage; cmd_standby "$dir" "$3" "$4" ;;
    *) usage ;;
  esac
}

main "$@"
