# shellcheck shell=bash
# scripts/bench.sh: the bench run's PostgreSQL and services: build, start, wait, stop, SQL and metrics scrapes.
# Sourced by scripts/bench.sh; the functions read its settings and state ($work, $bin, ...).

# build SOURCE DIR [CMAKE FLAGS...] -- TARGETS...: configures DIR (Ninja, BUILD_TYPE), builds TARGETS.
build() {
  local source=$1 dir=$2 flags=()
  shift 2
  while [[ $1 != -- ]]; do flags+=("$1"); shift; done
  shift
  cmake -S "$source" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" "${flags[@]}" >/dev/null
  timeout 3600 cmake --build "$dir" -j"$(nproc)" --target "$@"
}

cleanup() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  bash scripts/pg-local.sh stop "$work/standby" >/dev/null 2>&1 || true  # --standby's
  bash scripts/pg-local.sh stop "$work/pgdata" >/dev/null 2>&1 || true
  rm -rf "$work"
}

psql_run() { timeout 120 psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

sql() { psql_run -d "${2:-loyalty}" -c "$1"; }  # sql QUERY [DATABASE]

# wait_for_port ADDRESS [CLIENT TLS FLAGS]: the bench tool's connect wait is the readiness probe
# (plaintext unless TLS flags are given).
wait_for_port() {
  local address=$1
  shift
  (($#)) || set -- --insecure_plaintext
  for _ in $(seq 1 100); do
    if timeout 5 "$bench" once --target="$address" --op=accrue --key=probe --org=no-such-org \
        --timeout_ms=500 "$@" >/dev/null 2>&1 || [[ $? -eq 1 ]]; then
      return 0
    fi
    sleep 0.2
  done
  echo "bench: $address did not come up" >&2
  exit 1
}

# free_port: a free loopback port the kernel hands out, none of the fixed ones this script serves
# on (the services, the no-op server and the pairs), which may not be taken yet.
free_port() {
  local port fixed=" ${COMMAND_ADDRESS##*:} ${QUERY_ADDRESS##*:} ${NOOP_ADDRESS##*:} "
  fixed+="$(seq -s ' ' "$PAIR_PORT" $((PAIR_PORT + 3))) "
  while :; do
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
    [[ $fixed == *" $port "* ]] || break
  done
  echo "$port"
}

start_query() {  # start_query [EXTRA FLAGS]: loyalty-query serve, with its projector
  "$query_binary" serve --database_url="$DATABASE_URL" --listen="$QUERY_ADDRESS" \
    --metrics_listen="$query_metrics" --pool_size=$QUERY_POOL_SIZE --insecure_plaintext "$@" \
    >>"$work/query.log" 2>&1 &
  query_pid=$!
  pids+=("$query_pid")
}

stop_query() {
  [[ -n $query_pid ]] || return 0
  kill -TERM "$query_pid" 2>/dev/null || true
  timeout 30 tail --pid="$query_pid" -f /dev/null || kill -KILL "$query_pid" 2>/dev/null || true
  query_pid=
}

prom() { timeout 30 python3 tools/bench/prom.py "$@"; }

scrape() { prom scrape "$1" "$2" 2>>"$work/scrape.log" || rm -f "$2"; }

# apply_rate_run I: with the query service stopped, accrue at peak (closed loop) for DURATION_S;
# then start it and time the projector from its first checkpoint advance to the outbox's max
# position. Writes events/s to $work/apply-I.rate (not in a subshell: it restarts the service).
checkpoint_position() { sql "SELECT position FROM view_checkpoint" "${1:-loyalty}"; }

# The command-side runs go without the projector: pgbench's replayed outbox rows repeat the
# captured call's event (one member, the same lots), so a projector beside pgbench would do less
# work than beside the service. Its own cost is measured at half of peak and by the apply rate.
# wait_caught_up [DATABASE]: until the projector has applied every outbox position (bounded).
wait_caught_up() {
  local database=${1:-loyalty} to deadline=$((SECONDS + 600))
  to=$(sql "SELECT coalesce(max(position), 0) FROM outbox" "$database")
  while (($(checkpoint_position "$database") < to)); do
    ((SECONDS < deadline)) || { echo "bench: the projector did not catch up" >&2; exit 1; }
    sleep 0.5
  done
}

resume_query() {  # loyalty-query again, when the script runs one, once its projector caught up
  [[ -n $had_query ]] || return 0
  echo "== the projector catches up"
  start_query
  wait_for_port "$QUERY_ADDRESS"
  wait_caught_up
}
