# shellcheck shell=bash
# scripts/bench.sh --standby: GetBalances served from a hot standby against the primary, by turns
# (pair_turns, bench_turns.sh), and the section it writes. Sourced by scripts/bench.sh; the
# functions read its settings and state ($work, $bin, ...).

readonly STANDBY_PORT=${LOYALTY_BENCH_STANDBY_PORT:-54340}
readonly STANDBY_URL="postgresql://postgres@127.0.0.1:$STANDBY_PORT/loyalty"
readonly STANDBY_SIDES="primary standby standby-uncached"
readonly STANDBY_WRITE_MIX=accrue=1,get_balances=9

# standby_query SIDE DATABASE_URL [FLAGS]: a loyalty-query serving SIDE without projecting.
standby_query() {
  local side=$1 database=$2 port
  shift 2
  port=$(free_port)
  PAIR_COMMAND[$side]=$COMMAND_ADDRESS PAIR_QUERY[$side]=127.0.0.1:$port PAIR_CLIENT[$side]=
  "$query_binary" serve --database_url="$database" --listen="${PAIR_QUERY[$side]}" \
    --metrics_listen="127.0.0.1:$(free_port)" --pool_size=$QUERY_POOL_SIZE --project=false \
    --insecure_plaintext "$@" >"$work/query-$side.log" 2>&1 &
  pids+=($!)
  wait_for_port "${PAIR_QUERY[$side]}"
}

# The script's data set, projected by its own loyalty-query on the primary; a streaming standby
# of the primary (scripts/pg-local.sh standby); three query services without a projector: on the
# primary, on the standby, and on the standby with the balance cache off; the same closed-loop
# load on each by turns, read-only and with one accrue (to the primary) in ten calls.
standby_compare() {
  echo "== prepare ($MEMBERS members, $HISTORY purchases each)"
  timeout 1800 "$bench" prepare --target="$COMMAND_ADDRESS" --members=$MEMBERS \
    --history=$HISTORY --insecure_plaintext --prepare_concurrency=$POOL_SIZE
  wait_caught_up
  echo "== standby in $work/standby on 127.0.0.1:$STANDBY_PORT"
  PG_LOCAL_OPTIONS="-c max_connections=200" \
    bash scripts/pg-local.sh standby "$work/standby" "$STANDBY_PORT" "$PG_PORT"
  standby_lag=$(standby_sql "SELECT CASE WHEN d <= 0 THEN 'caught up' ELSE d || ' bytes of WAL'
    || ' behind' END FROM pg_wal_lsn_diff('$(sql "SELECT pg_current_wal_lsn()")',
    pg_last_wal_replay_lsn()) AS d")
  standby_query primary "$DATABASE_URL"
  standby_query standby "$STANDBY_URL"
  standby_query standby-uncached "$STANDBY_URL" --balance_cache_mib=0
  echo "== GetBalances on the primary and the standby ($TURNS turns)"
  # shellcheck disable=SC2086
  pair_turns balances get_balances=1 $STANDBY_SIDES
  # shellcheck disable=SC2086
  pair_turns balances-writes "$STANDBY_WRITE_MIX" $STANDBY_SIDES
  standby_replay_lag=$(standby_sql "SELECT round(extract(epoch FROM
    now() - pg_last_xact_replay_timestamp()) * 1000)")
}

standby_sql() {
  timeout 60 psql -h 127.0.0.1 -p "$STANDBY_PORT" -U postgres -d loyalty -qAt -c "$1" ||
    echo n/a
}


# standby_rows NAME LOAD: a table row per standby side against the primary.
standby_rows() {
  local side
  for side in standby standby-uncached; do pair_row "$1" "$2, $side" primary "$side"; done
}

standby_section() {
  local cached uncached
  cached=$(ratio "$(service_median balances-standby "$TURNS")" \
    "$(service_median balances-primary "$TURNS")")
  uncached=$(ratio "$(service_median balances-standby-uncached "$TURNS")" \
    "$(service_median balances-primary "$TURNS")")
  run_header "Query replicas on a standby"
  cat <<EOF_STANDBY

GetBalances (\`--mix=get_balances=1\`, and \`--mix=$STANDBY_WRITE_MIX\`: one accrue, to the
primary's loyalty-command, in ten calls) through three loyalty-query processes
(\`--pool_size=$QUERY_POOL_SIZE --project=false\`, plaintext): one on the primary, one on a hot
standby of it (\`scripts/pg-local.sh standby\`: \`pg_basebackup -R\`, streaming replication,
\`hot_standby=on\`), with the balance cache that follows the standby's replay
(docs/read-side.md, "Balance cache on a standby"), and one on the standby with the cache off
(\`--balance_cache_mib=0\`). The script's own loyalty-query projects on the primary. $MEMBERS
members with $HISTORY purchases each; the same loyalty-bench load, closed loop ($CONCURRENCY calls
outstanding over $CHANNELS channels, warm-up ${WARMUP_S} s, measured ${DURATION_S} s, a
\`CHECKPOINT\` before each run), on each side by turns, $TURNS turns (the order reversed on even
turns). Figures are the medians of the turns; p99 is loyalty-bench's (client side), in µs; the
ratios are the standby side's over the primary's.

| load | primary calls/s | standby calls/s | standby / primary | primary p99 | standby p99 | standby / primary |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
$(standby_rows balances "GetBalances")
$(standby_rows balances-writes "GetBalances with accrues")

GetBalances from the standby with its cache / from the primary with its cache: $cached; with the
standby's cache off: $uncached.

Each turn, calls/s primary/standby/standby-uncached, read-only:
$(pair_each balances primary standby), cache off $(pair_each balances primary standby-uncached);
with accrues: $(pair_each balances-writes primary standby), cache off
$(pair_each balances-writes primary standby-uncached).

Replication: the standby was $standby_lag right after the base backup;
after the turns its last replayed transaction was $standby_replay_lag ms old (the load's last
accrue).

Failed calls (every run, by status code): $(failed_calls)

Cores each program used during the first turn (\`tools/bench/cpu_share.py\`; 2.00 is the whole
machine; the standby's PostgreSQL counts as postgres):

| run | cores by program |
| --- | --- |
$(pair_cores "$STANDBY_SIDES" balances balances-writes)
EOF_STANDBY
}
