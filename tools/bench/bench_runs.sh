# shellcheck shell=bash
# scripts/bench.sh: the measurements: loyalty-bench runs (closed and open loop), pgbench on the captured SQL, the transport's share, the projector's apply rate, the statement capture.
# Sourced by scripts/bench.sh; the functions read its settings and state ($work, $bin, ...).

# service_run NAME TARGET I ARGS...: run I of a loyalty-bench measurement (CHECKPOINT first).
service_run() {
  local name=$1 target=$2 i=$3
  shift 3
  sql "CHECKPOINT"
  ((i == 1)) && cpu_share "$name" "$WARMUP_S" "$((DURATION_S - 2))"
  timeout $((DURATION_S + WARMUP_S + 60)) "$bench" run --target="$target" "${common[@]}" \
    --label="$name" --json_out="$work/$name-$i.json" "$@" >"$work/$name-$i.txt" 2>&1 || true
  wait "${cpu_pid:-}" 2>/dev/null || true
  echo "  $name run $i: $(tail -n 1 "$work/$name-$i.txt")" >&2
}

# service_median NAME [RUNS]: the median throughput of its runs; the median run p99 into
# $work/NAME.p99.
service_median() {
  local name=$1 i throughputs=() p99s=()
  for i in $(seq 1 "${2:-$RUNS}"); do
    throughputs+=("$(json_number "$work/$name-$i.json" throughput_per_s 2>/dev/null || echo)")
    p99s+=("$(json_p99 "$work/$name-$i.json" 2>/dev/null || echo)")
  done
  printf '%s\n' "${p99s[@]}" | sed '/^$/d' | median >"$work/$name.p99"
  printf '%s\n' "${throughputs[@]}" | sed '/^$/d' | median
}

# measure NAME TARGET ARGS...: RUNS runs of loyalty-bench, CHECKPOINT before each; prints the
# median throughput and keeps the median run's p99 in $work/NAME.p99.
measure() {
  local name=$1 target=$2 i
  shift 2
  for i in $(seq 1 $RUNS); do service_run "$name" "$target" "$i" "$@"; done
  service_median "$name"
}

# open_loop NAME RATE TARGET ARGS...: RUNS open-loop runs at RATE calls/s, CHECKPOINT before
# each; scrapes both services' metrics after the warm-up and after the run into
# $work/NAME-I.{command,query}.{before,after}.
open_loop() {
  local name=$1 rate=$2 target=$3 i runner
  shift 3
  for i in $(seq 1 $RUNS); do
    rm -f "$work/$name-$i".*.before "$work/$name-$i".*.after
    [[ $rate == n/a ]] && continue
    sql "CHECKPOINT"
    timeout $((DURATION_S + WARMUP_S + 60)) "$bench" run --target="$target" "${common[@]}" \
      --rate="$rate" --label="$name" --json_out="$work/$name-$i.json" "$@" \
      >"$work/$name-$i.txt" 2>&1 &
    runner=$!
    sleep "$WARMUP_S"
    scrape "$command_metrics_url" "$work/$name-$i.command.before"
    scrape "$query_metrics_url" "$work/$name-$i.query.before"
    wait "$runner" || true
    scrape "$command_metrics_url" "$work/$name-$i.command.after"
    scrape "$query_metrics_url" "$work/$name-$i.query.after"
    echo "  $name run $i at $rate/s: $(tail -n 1 "$work/$name-$i.txt")" >&2
  done
}

# run_quantile NAME SERVICE HISTOGRAM LABELS...: the median over the runs of the histogram's p99
# (in ms) between the scrapes of open_loop NAME.
run_quantile() {
  local name=$1 service=$2 histogram=$3 i values=()
  shift 3
  for i in $(seq 1 $RUNS); do
    values+=("$(prom quantile "$work/$name-$i.$service.before" "$work/$name-$i.$service.after" \
      "$histogram" 0.99 "$@")")
  done
  printf '%s\n' "${values[@]}" | sed '/^n\/a$/d; /^$/d' | median | python3 -c 'import sys
v = sys.stdin.read().strip()
try: print(f"{float(v) * 1000:.3f}")
except ValueError: print("n/a")'
}

# pgbench_exec OUT ARGS...: pgbench on the loyalty database (prepared statements, 2 threads),
# its output into OUT; fails when pgbench did or a client aborted.
pgbench_exec() {
  local out=$1
  shift
  timeout $((DURATION_S + WARMUP_S + 60)) "$PGBENCH" -n -M prepared -j 2 -D members=$MEMBERS \
    "$@" -h 127.0.0.1 -p "$PG_PORT" -U postgres loyalty >"$out" 2>&1 && ! grep -q "aborted" "$out"
}

# pgbench_run NAME SCRIPT CLIENTS I: run I of a pgbench measurement (CHECKPOINT first); its tps
# into $work/NAME-I.tps unless it failed.
pgbench_run() {
  local name=$1 script=$2 clients=$3 i=$4
  [[ -s $script ]] || return 0
  sql "CHECKPOINT"
  ((i == 1)) && cpu_share "$name" 1 "$((DURATION_S > 4 ? DURATION_S - 3 : 1))"
  if pgbench_exec "$work/$name-$i.txt" -c "$clients" -T "$DURATION_S" -f "$script"; then
    sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' "$work/$name-$i.txt" \
      >"$work/$name-$i.tps"
    echo "  $name run $i: $(cat "$work/$name-$i.tps") tps" >&2
  else
    echo "  $name run $i: pgbench failed: $(tail -n 3 "$work/$name-$i.txt")" >&2
  fi
  wait "${cpu_pid:-}" 2>/dev/null || true
}

pgbench_median() { { cat "$work/$1"-*.tps 2>/dev/null || true; } | sed '/^$/d' | median; }

# pgbench_rate NAME SCRIPT CLIENTS RATE: RUNS open-loop pgbench runs at RATE transactions/s
# (CHECKPOINT first), each for the warm-up and the measured time; prints the median of their p99
# latencies in ms, from the per-transaction logs without the warm-up (pgbench_latency.py).
pgbench_rate() {
  local name=$1 script=$2 clients=$3 rate=$4 i values=()
  if [[ -s $script && $rate != n/a ]]; then
    for i in $(seq 1 $RUNS); do
      sql "CHECKPOINT"
      rm -f "$work/$name-$i".log*
      if pgbench_exec "$work/$name-$i.txt" -c "$clients" -R "$rate" \
          -T $((WARMUP_S + DURATION_S)) -l --log-prefix="$work/$name-$i.log" -f "$script"; then
        values+=("$(timeout 60 python3 tools/bench/pgbench_latency.py "$WARMUP_S" \
          "$work/$name-$i".log*)")
        echo "  $name run $i at $rate/s: p99 ${values[-1]} ms" >&2
      else
        echo "  $name run $i: pgbench failed: $(tail -n 3 "$work/$name-$i.txt")" >&2
      fi
    done
  fi
  printf '%s\n' "${values[@]}" | sed '/^n\/a$/d; /^$/d' | median
}

# paired PG_NAME SCRIPT CLIENTS NAME TARGET ARGS...: pgbench and the service run by run in turn,
# so that both meet the database as it grows with their own inserts (medians: pgbench_median,
# service_median).
paired() {
  local pg_name=$1 script=$2 clients=$3 name=$4 target=$5 i
  shift 5
  for i in $(seq 1 $RUNS); do
    pgbench_run "$pg_name" "$script" "$clients" "$i"
    service_run "$name" "$target" "$i" "$@"
  done
}

# beside_noop NAME SCRIPT RATE OP: pgbench on SCRIPT by turns alone (NAME-alone) and beside
# loyalty-bench calling OP on the no-op server in open loop at RATE calls/s (NAME-beside): what
# the transport alone, at the rate the service reached, takes from the database on this machine.
beside_noop() {
  local name=$1 script=$2 rate=$3 op=$4 i runner
  [[ $rate == n/a || $rate == 0 ]] && return 0  # --rate=0 would be a closed loop
  for i in $(seq 1 $RUNS); do
    pgbench_run "$name-alone" "$script" $POOL_SIZE "$i"
    timeout $((DURATION_S + 60)) "$bench" run --target="$NOOP_ADDRESS" "${common[@]}" \
      --warmup_s=0 --duration_s=$((DURATION_S + 5)) --rate="$rate" --mix="$op=1" \
      --label="$name-noop" --json_out="$work/$name-noop-$i.json" >"$work/$name-noop-$i.txt" 2>&1 &
    runner=$!
    pgbench_run "$name-beside" "$script" $POOL_SIZE "$i"
    wait "$runner" || true
  done
}

apply_rate_run() {
  local i=$1 from to first_at first_position done_at deadline
  stop_query
  sql "CHECKPOINT"
  timeout $((DURATION_S + 60)) "$bench" run --target="$COMMAND_ADDRESS" "${common[@]}" \
    --warmup_s=0 --mix=accrue=1 --label=backlog --json_out="$work/backlog-$i.json" \
    >"$work/backlog-$i.txt" 2>&1 || true
  from=$(checkpoint_position)
  to=$(sql "SELECT coalesce(max(position), 0) FROM outbox")
  start_query
  deadline=$((SECONDS + 300))
  first_at= first_position=
  while ((SECONDS < deadline)); do
    local now position
    position=$(checkpoint_position)
    now=$(date +%s.%N)
    if [[ -z $first_at && $position -gt $from ]]; then first_at=$now first_position=$position; fi
    if ((position >= to)); then done_at=$now; break; fi
    sleep 0.02
  done
  wait_for_port "$QUERY_ADDRESS"
  if [[ -z ${done_at:-} || -z $first_at ]] || ((to - first_position < 1)); then
    echo "  apply run $i: backlog $((to - from)) events, no rate (caught up in one batch?)" >&2
    return 0
  fi
  python3 -c 'import sys
events, seconds = int(sys.argv[1]), float(sys.argv[3]) - float(sys.argv[2])
print(f"{events / seconds:.1f}" if seconds > 0 else "")' "$((to - first_position))" \
    "$first_at" "$done_at" >"$work/apply-$i.rate"
  echo "  apply run $i: $((to - from)) events behind, $((to - first_position)) timed:" \
    "$(cat "$work/apply-$i.rate") events/s" >&2
}

# capture NAME METRICS_URL POOL ANCHOR NEEDLE ONCE_ARGS...: one call with log_statement=all;
# writes $work/NAME.sql (pgbench), $work/NAME.trips (listing), $work/NAME.statements and
# $work/NAME.round_trips (the metric's delta around the call, or n/a).
capture() {
  local name=$1 metrics_url=$2 pool=$3 anchor=$4 needle=$5 log=$work/pgdata/server.log start
  shift 5
  local member_id=bm-$capture_member
  timeout 60 python3 tools/bench/capture_sql.py snapshot "$DATABASE_URL" bench "$member_id" \
    "$work/$name.before.json"
  sql "ALTER SYSTEM SET log_statement = 'all'" && sql "SELECT pg_reload_conf()" >/dev/null
  sleep 0.5
  start=$(stat -c %s "$log")
  scrape "$metrics_url" "$work/$name.metrics.before"
  timeout 30 "$bench" once --members=$MEMBERS --member_index="$capture_member" \
    --insecure_plaintext "$@" >/dev/null
  scrape "$metrics_url" "$work/$name.metrics.after"
  sleep 0.5
  tail -c +"$((start + 1))" "$log" >"$work/$name.log"
  sql "ALTER SYSTEM RESET log_statement" && sql "SELECT pg_reload_conf()" >/dev/null
  timeout 60 python3 tools/bench/capture_sql.py snapshot "$DATABASE_URL" bench "$member_id" \
    "$work/$name.after.json"
  prom counter "$work/$name.metrics.before" "$work/$name.metrics.after" \
    loyalty_db_round_trips_total pool="$pool" | sed 's/\.0*$//' >"$work/$name.round_trips"
  timeout 60 python3 tools/bench/capture_sql.py script "$work/$name.log" "$anchor" "$needle" \
    "$member_id" "$(cat "$work/$name.round_trips")" "$work/$name.before.json" \
    "$work/$name.after.json" "$work/$name.sql" 2>"$work/$name.trips"
  sed -n 's/^statements //p' "$work/$name.trips" >"$work/$name.statements"
  echo "  $name: $(cat "$work/$name.statements") statements," \
    "$(cat "$work/$name.round_trips") round trips (metric)" >&2
}

# warm_once OP: one call on the capture member first, so that the captured one finds the member
# in the command service's cache as a steady load does.
warm_once() {
  timeout 30 "$bench" once --target="$COMMAND_ADDRESS" --members=$MEMBERS --insecure_plaintext \
    --member_index="$capture_member" --op="$1" --key="warm-$1-$$" >/dev/null
}

# replay_members SCRIPT FIRST: the replay's members are bm-FIRST .. bm-(FIRST+MEMBERS-1). The
# command replays get members of their own: every replayed command raises its member's state
# version, so on the service's members pgbench's run would leave the command service's member
# cache stale for nearly all of them before each service run, and the service would read again
# what the replay, built for a member the cache holds, spares. GetBalances' replay reads the
# service's members, whose views the projector keeps.
replay_members() { [[ ! -f $1 ]] || sed -i "s/:first_member/$2/g" "$1"; }

transport_row() {  # transport_row NAME CALL RATE: the Other figures row of beside_noop NAME
  local alone beside
  alone=$(pgbench_median "$1-alone") beside=$(pgbench_median "$1-beside")
  echo "| pgbench on the $2's SQL beside no-op gRPC traffic at the service's $2 rate ($3" \
    "calls/s, open loop) | $beside tps | the same pgbench alone (by turns): $alone tps |" \
    "$(ratio "$beside" "$alone") |"
}
