#!/usr/bin/env bash
# The whole benchmark comparison on this machine, in one go; writes docs/benchmarks.md.
#
#   scripts/bench.sh           the record: 3 runs of 15 s (5 s warm-up) per figure, 10000 members
#   scripts/bench.sh --quick   a smoke version: 3 runs of 3 s (1 s warm-up), 500 members
#   scripts/bench.sh --tls-only  only the cost of mutual TLS (minutes): 5 turns of 10 s runs (3 s
#                              warm-up), 2000 members; replaces that section of docs/benchmarks.md
#   scripts/bench.sh --against REV  only this tree's services against REV's (any git revision), by
#                              turns as --tls-only: accrue, redeem and GetBalances; writes the
#                              section "## This tree against REV" of docs/benchmarks.md
# The two modes by turns take LOYALTY_BENCH_TURNS, LOYALTY_BENCH_DURATION_S and
# LOYALTY_BENCH_WARMUP_S (default 5, 10 and 3) for a shorter try.
#
# Builds Release (build-release/), starts its own PostgreSQL 15 (scripts/pg-local.sh in a temp
# dir, synchronous_commit on, default durability), loyalty-command and loyalty-query with their
# Prometheus endpoints on free loopback ports, and loyalty-noop-server, all on 127.0.0.1;
# prepares the data set through the public API; captures the SQL of one accrue, one redeem and
# one GetBalances (log_statement=all, only the call's own backend) and turns it into pgbench
# scripts grouped into the service's round trips; counts the call's database round trips from
# loyalty_db_round_trips_total; then measures, with a CHECKPOINT before every run and the median
# of the runs: pgbench (same SQL, same database concurrency as the service's pool), the no-op
# gRPC server under the same loyalty-bench load, the real services at peak (closed loop), at half
# of peak (open loop: server-side p99 and projection lag from the services' histograms), pgbench
# beside the no-op server's traffic at the service's rates (the transport's share), and the
# projector's catch-up rate; last, the cost of mutual TLS by turns (tls_cost below). Every step is
# bounded in time. Method: tools/bench/benchmarks_method.md.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

usage() { echo "usage: $0 [--quick | --tls-only | --against REV]" >&2; exit 2; }
quick=0 tls_only=0 against='' knobs=''
case ${1:-} in
  --quick) quick=1 ;;
  --tls-only) tls_only=1 ;;
  --against) if (($# != 2)) || [[ -z $2 ]]; then usage; fi; against=$2 ;;
  "") ;;
  *) usage ;;
esac
readonly RUNS=3
# Comparisons by turns (the cost of TLS, --against): TURNS pairs of runs, one on each pair.
if ((tls_only)) || [[ -n $against ]]; then
  readonly TURNS=${LOYALTY_BENCH_TURNS:-5}
  readonly DURATION_S=${LOYALTY_BENCH_DURATION_S:-10} WARMUP_S=${LOYALTY_BENCH_WARMUP_S:-3}
  readonly MEMBERS=2000 HISTORY=2
  for knob in TURNS DURATION_S WARMUP_S; do
    [[ ${!knob} =~ ^[1-9][0-9]{0,3}$ ]] || { echo "bench: $knob: 1..9999" >&2; exit 2; }
    knob=LOYALTY_BENCH_$knob
    [[ -z ${!knob:-} ]] || knobs+="$knob=${!knob} "
  done
  ((DURATION_S >= 3)) || { echo "bench: DURATION_S: at least 3" >&2; exit 2; }
elif ((quick)); then
  readonly TURNS=5 DURATION_S=3 WARMUP_S=1 MEMBERS=500 HISTORY=3
else
  readonly TURNS=5
  readonly DURATION_S=15 WARMUP_S=5 MEMBERS=10000 HISTORY=5
fi
readonly POOL_SIZE=16          # loyalty-command --pool_size = pgbench clients
readonly QUERY_POOL_SIZE=16    # loyalty-query --pool_size = pgbench clients of GetBalances
readonly CONCURRENCY=64        # loyalty-bench calls outstanding (closed loop)
readonly CHANNELS=4
readonly PG_PORT=${LOYALTY_BENCH_PG_PORT:-54339}
readonly COMMAND_ADDRESS=127.0.0.1:${LOYALTY_BENCH_COMMAND_PORT:-50071}
readonly QUERY_ADDRESS=127.0.0.1:${LOYALTY_BENCH_QUERY_PORT:-50072}
readonly NOOP_ADDRESS=127.0.0.1:${LOYALTY_BENCH_NOOP_PORT:-50073}
# The pairs of loyalty-command and loyalty-query compared by turns (pair_start): the first serves on
# ports 50074 and 50075, the second on 50076 and 50077 (unless LOYALTY_BENCH_TLS_PORT says where
# they begin).
readonly PAIR_PORT=${LOYALTY_BENCH_TLS_PORT:-50074}
declare -A PAIR_COMMAND=() PAIR_QUERY=() PAIR_CLIENT=()
readonly BUILD_DIR=${LOYALTY_BENCH_BUILD_DIR:-build-release}
readonly BUILD_TYPE=${LOYALTY_BENCH_BUILD_TYPE:-Release}
readonly OUT=${LOYALTY_BENCH_OUT:-docs/benchmarks.md}
readonly PGBENCH=/usr/lib/postgresql/15/bin/pgbench
readonly DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/loyalty"
command_line="scripts/bench.sh${1:+ $1}"
if [[ -n $against ]]; then
  against_commit=$(git rev-parse --verify --quiet "$against^{commit}") ||
    { echo "bench: --against $against: not a commit of this repository" >&2; exit 2; }
  against_short=$(git rev-parse --short "$against_commit")
  command_line="scripts/bench.sh --against $against_short"
fi
command_line=$knobs$command_line
[[ $BUILD_DIR == build-release && $BUILD_TYPE == Release ]] ||
  command_line="LOYALTY_BENCH_BUILD_DIR=$BUILD_DIR LOYALTY_BENCH_BUILD_TYPE=$BUILD_TYPE $command_line"
cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)
memory=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)

# build SOURCE DIR [CMAKE FLAGS...] -- TARGETS...: configures DIR (Ninja, BUILD_TYPE), builds TARGETS.
build() {
  local source=$1 dir=$2 flags=()
  shift 2
  while [[ $1 != -- ]]; do flags+=("$1"); shift; done
  shift
  cmake -S "$source" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" "${flags[@]}" >/dev/null
  timeout 3600 cmake --build "$dir" -j"$(nproc)" --target "$@"
}
echo "== build ($BUILD_DIR, $BUILD_TYPE)"
targets=(loyalty-command loyalty-worker loyalty-bench loyalty-noop-server)
[[ -f services/query/main.cc ]] && targets+=(loyalty-query)
build . "$BUILD_DIR" -- "${targets[@]}"
bin=$root/$BUILD_DIR
# --against: REV's source in build-against/src (git archive, kept while REV stays the same, so a
# second run builds nothing), built as this tree is: the same build type, its build directory at
# the same place in its tree, and this build's compiler launcher (ccache, when CMake found one in
# CMAKE_CXX_COMPILER_LAUNCHER; with a CCACHE_BASEDIR above both trees, the files REV shares with
# this tree come from the cache).
if [[ -n $against ]]; then
  against_dir=$root/build-against
  if [[ $(cat "$against_dir/commit" 2>/dev/null) != "$against_commit" ]]; then
    rm -rf "$against_dir"
    mkdir -p "$against_dir/src"
    git archive "$against_commit" | tar -x -m -C "$against_dir/src"
    echo "$against_commit" >"$against_dir/commit"
  fi
  against_bin=$against_dir/src/${BUILD_DIR##*/}
  launcher=$(sed -n 's/^CMAKE_CXX_COMPILER_LAUNCHER:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt")
  echo "== build $against_short (${against_bin#"$root/"}, $BUILD_TYPE)"
  build "$against_dir/src" "$against_bin" \
    ${launcher:+"-DCMAKE_CXX_COMPILER_LAUNCHER=$launcher"} -- loyalty-command loyalty-query
fi
bench=$bin/tools/bench/loyalty-bench
query_binary=$bin/services/query/loyalty-query

work=$(mktemp -d /tmp/loyalty-bench.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  bash scripts/pg-local.sh stop "$work/pgdata" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

echo "== PostgreSQL in $work/pgdata"
PG_LOCAL_OPTIONS="-c synchronous_commit=on -c max_connections=200" \
  bash scripts/pg-local.sh start "$work/pgdata" "$PG_PORT"
psql_run() { timeout 120 psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
psql_run -d postgres -c "CREATE DATABASE loyalty"
sql() { psql_run -d loyalty -c "$1"; }

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

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
sql "ALTER SYSTEM SET log_line_prefix = '%m [%p] '" && sql "SELECT pg_reload_conf()" >/dev/null
command_metrics=127.0.0.1:$(free_port)
query_metrics=127.0.0.1:$(free_port)
command_metrics_url=http://$command_metrics/metrics
query_metrics_url=http://$query_metrics/metrics

echo "== services (metrics on $command_metrics and $query_metrics)"
"$bin/services/command/loyalty-command" serve --database_url="$DATABASE_URL" \
  --listen="$COMMAND_ADDRESS" --metrics_listen="$command_metrics" --pool_size=$POOL_SIZE \
  --insecure_plaintext >"$work/command.log" 2>&1 &
command_pid=$!
pids+=("$command_pid")
query_pid=
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
[[ -x $query_binary ]] && start_query
"$bin/tools/bench/loyalty-noop-server" --listen="$NOOP_ADDRESS" >"$work/noop.log" 2>&1 &
pids+=($!)
wait_for_port "$COMMAND_ADDRESS"  # it has migrated the database
# The worker runs throughout, as deployed: its jobs find nothing due in this data set (the
# earliest expiry is 30 days away), so it costs only its rounds' candidate reads.
"$bin/services/worker/loyalty-worker" --database_url="$DATABASE_URL" \
  --metrics_listen="127.0.0.1:$(free_port)" >"$work/worker.log" 2>&1 &
worker_pid=$!
pids+=("$worker_pid")
wait_for_port "$NOOP_ADDRESS"
[[ -n $query_pid ]] && wait_for_port "$QUERY_ADDRESS"

# Twice the members: the service's runs use the first MEMBERS, pgbench's command replays the
# others (replay_members below).
echo "== prepare ($((2 * MEMBERS)) members, $HISTORY purchases each)"
timeout 1800 "$bench" prepare --target="$COMMAND_ADDRESS" --members=$((2 * MEMBERS)) \
  --history=$HISTORY --insecure_plaintext \
  --prepare_concurrency=$POOL_SIZE

# Plaintext, as the services of the record serve; the TLS runs add --insecure_plaintext=false and
# the TLS flags (the last --insecure_plaintext counts).
common=("--channels=$CHANNELS" "--concurrency=$CONCURRENCY" "--members=$MEMBERS"
        "--warmup_s=$WARMUP_S" "--duration_s=$DURATION_S" --insecure_plaintext)
prom() { timeout 30 python3 tools/bench/prom.py "$@"; }
scrape() { prom scrape "$1" "$2" 2>>"$work/scrape.log" || rm -f "$2"; }

failed_calls() {  # the runs whose calls failed, with their codes, from the JSON reports
  python3 - "$work" <<'PY'
import glob, json, os, sys
runs = []
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
    try:
        overall = json.load(open(path))["overall"]
    except (OSError, ValueError, KeyError, TypeError):
        continue
    if overall.get("errors", 0) > 0:
        codes = ", ".join(f"{code} {n}" for code, n in overall["errors_by_code"].items())
        runs.append(f"{os.path.basename(path)[:-5]} {overall['errors']} ({codes})")
print("; ".join(runs) + "." if runs else "none.")
PY
}
ratio() { python3 -c 'import sys
a, b = sys.argv[1], sys.argv[2]
try: print(f"{float(a) / float(b):.2f}")
except (ValueError, ZeroDivisionError): print("n/a")' "$1" "$2"; }
value() { [[ -s $1 ]] && cat "$1" || echo n/a; }
median() { sort -g | awk '{v[NR] = $1} END {print (NR == 0 ? "n/a" : v[int((NR + 1) / 2)])}'; }
json_number() {  # json_number FILE KEY: overall[KEY] of a loyalty-bench JSON report
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["overall"][sys.argv[2]])' \
    "$1" "$2"
}
json_p99() {
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["overall"]["latency_us"]["p99"])' "$1"
}
half() { python3 -c 'import sys
try: print(max(1, round(float(sys.argv[1]) / 2)))
except ValueError: print("n/a")' "$1"; }

# measure NAME TARGET ARGS...: RUNS runs of loyalty-bench, CHECKPOINT before each; prints the
# median throughput and keeps the median run's p99 in $work/NAME.p99.
# cpu_share NAME DELAY_S SECONDS: in the background, the CPU each program uses from DELAY_S into
# the run for SECONDS into $work/NAME.cpu; its pid in $cpu_pid. The window must end before the
# run's processes do (pgbench's backends exit with it), or their time is not counted.
cpu_share() {
  timeout $((DURATION_S + 30)) python3 tools/bench/cpu_share.py "$2" "$3" "$(date +%s.%N)" \
    >"$work/$1.cpu" 2>/dev/null &
  cpu_pid=$!
}

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
measure() {  # measure NAME TARGET ARGS...: RUNS runs; median throughput
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

# apply_rate_run I: with the query service stopped, accrue at peak (closed loop) for DURATION_S;
# then start it and time the projector from its first checkpoint advance to the outbox's max
# position. Writes events/s to $work/apply-I.rate (not in a subshell: it restarts the service).
checkpoint_position() { sql "SELECT position FROM view_checkpoint"; }
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

# The command-side runs go without the projector: pgbench's replayed outbox rows repeat the
# captured call's event (one member, the same lots), so a projector beside pgbench would do less
# work than beside the service. Its own cost is measured at half of peak and by the apply rate.
wait_caught_up() {  # until the projector has applied every outbox position (bounded)
  local to deadline=$((SECONDS + 600))
  to=$(sql "SELECT coalesce(max(position), 0) FROM outbox")
  while (($(checkpoint_position) < to)); do
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
# Comparisons by turns in one run (the cost of mutual TLS, --against): two pairs of loyalty-command
# and loyalty-query on the same database, alike but for one thing (their security; their build),
# neither projecting (the script's own loyalty-query does), and the same closed-loop load on the
# first pair, then on the second, then the other way round, TURNS turns, so that drift (the data
# set grows, the machine is shared) hits both sides alike.
# pair_start SIDE BIN [CLIENT FLAGS...] -- SERVER FLAGS...: SIDE's pair from the build in BIN,
# serving with the server flags on the next pair's ports; waits for both with the client flags
# (kept in PAIR_CLIENT, one a line; none: plaintext).
pair_start() {
  local side=$1 dir=$2 port=$((PAIR_PORT + 2 * ${#PAIR_COMMAND[@]})) client=()
  shift 2
  while [[ $1 != -- ]]; do client+=("$1"); shift; done
  shift
  PAIR_COMMAND[$side]=127.0.0.1:$port PAIR_QUERY[$side]=127.0.0.1:$((port + 1))
  PAIR_CLIENT[$side]=$(printf '%s\n' "${client[@]}")
  "$dir/services/command/loyalty-command" serve --database_url="$DATABASE_URL" \
    --listen="${PAIR_COMMAND[$side]}" --metrics_listen="127.0.0.1:$(free_port)" \
    --pool_size=$POOL_SIZE "$@" >"$work/command-$side.log" 2>&1 &
  pids+=($!)
  "$dir/services/query/loyalty-query" serve --database_url="$DATABASE_URL" \
    --listen="${PAIR_QUERY[$side]}" --metrics_listen="127.0.0.1:$(free_port)" \
    --pool_size=$QUERY_POOL_SIZE --project=false "$@" >"$work/query-$side.log" 2>&1 &
  pids+=($!)
  wait_for_port "${PAIR_COMMAND[$side]}" "${client[@]}"
  wait_for_port "${PAIR_QUERY[$side]}" "${client[@]}"
}
# pair_turns NAME MIX SIDE...: TURNS turns of NAME-SIDE for each SIDE (service_run), each pair's
# loyalty-command the target and its loyalty-query the query target. The sides go in order on odd
# turns and in reverse on even ones: the side that runs second finds the database as the first
# left it (more rows, dead tuples), so alternating gives that drift to both.
pair_turns() {
  local name=$1 mix=$2 i side client order
  shift 2
  for i in $(seq 1 "$TURNS"); do
    order=("$@")
    if ((i % 2 == 0)); then
      order=()
      for side in "$@"; do order=("$side" "${order[@]}"); done
    fi
    for side in "${order[@]}"; do
      mapfile -t client < <(printf '%s' "${PAIR_CLIENT[$side]}")
      service_run "$name-$side" "${PAIR_COMMAND[$side]}" "$i" --mix="$mix" \
        --query_target="${PAIR_QUERY[$side]}" "${client[@]}"
    done
  done
}
# pair_row NAME LOAD A B: a table row: LOAD, A's and B's calls/s, B/A, their p99s, B/A.
pair_row() {
  local a b a_p99 b_p99
  a=$(service_median "$1-$3" "$TURNS") b=$(service_median "$1-$4" "$TURNS")
  a_p99=$(value "$work/$1-$3.p99") b_p99=$(value "$work/$1-$4.p99")
  echo "| $2 | $a | $b | $(ratio "$b" "$a") | $a_p99 | $b_p99 | $(ratio "$b_p99" "$a_p99") |"
}
# pair_each NAME A B: each turn's calls/s, A/B.
pair_each() {
  local i turns=()
  for i in $(seq 1 "$TURNS"); do
    turns+=("$(json_number "$work/$1-$2-$i.json" throughput_per_s 2>/dev/null ||
      echo n/a)/$(json_number "$work/$1-$3-$i.json" throughput_per_s 2>/dev/null || echo n/a)")
  done
  echo "${turns[*]}"
}
# pair_cores "SIDE..." NAME...: the cores by program of each NAME-SIDE's first turn, table rows.
pair_cores() {
  local sides=$1 name side
  shift
  for name in "$@"; do
    for side in $sides; do
      echo "| $name-$side | $(cat "$work/$name-$side.cpu" 2>/dev/null || echo n/a) |"
    done
  done
}
# run_header TITLE: the first lines of a section measured by turns: how, when, where.
run_header() {
  local note="nothing else ran on the machine"
  ((tls_only)) || [[ -n $against ]] &&
    note="a shared machine: other work may have run beside it; the turns give any
such drift to both sides"
  cat <<EOF_HEADER
## $1

Measured by turns in one run by \`$command_line\` on $(date -u +%Y-%m-%d) at commit
$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)'); $cpu, $(nproc) cores online, $memory,
build $BUILD_TYPE ($note).
EOF_HEADER
}
# splice_section FILE HEADING SECTION: FILE's section whose heading line matches the regular
# expression HEADING replaced by the output of the function SECTION (inserted before "## How each
# figure is measured" when it has none).
splice_section() {
  "$3" >"$work/section.md"
  python3 - "$1" "$2" "$work/section.md" <<'PY'
import os, re, sys
path, heading = sys.argv[1], sys.argv[2]
section = open(sys.argv[3]).read().rstrip("\n") + "\n\n"
doc = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
match = re.search("^" + heading + "$", doc, re.MULTILINE)
if match and match.start() > 0:
    start = match.start()
    end = doc.find("\n## ", start)
    doc = doc[:start] + section + (doc[end + 1:] if end >= 0 else "")
else:
    at = doc.find("\n## How each figure is measured")
    doc = doc[:at + 1] + section + doc[at + 1:] if at >= 0 else doc.rstrip("\n") + "\n\n" + section
open(path, "w").write(doc.rstrip("\n") + "\n")
PY
}

# The cost of mutual TLS: one pair --insecure_plaintext, one mutual TLS with an access policy.
readonly TLS_MIX=accrue=60,redeem=20,group_redeem=5,transfer=5
tls_dir=$work/pki
tls_client=(--insecure_plaintext=false --tls_ca="$tls_dir/ca.crt" --tls_cert="$tls_dir/operator.crt"
            --tls_key="$tls_dir/operator.key")
tls_cost() {
  echo "== the cost of mutual TLS ($TURNS turns: plaintext first on odd turns, TLS on even)"
  bash scripts/pki.sh local "$tls_dir"
  echo '{"grants":[{"identity":"spiffe://loyalty.local/operator","roles":["operator"],'\
'"all_orgs":true}]}' >"$tls_dir/policy.json"
  pair_start plaintext "$bin" -- --insecure_plaintext
  pair_start tls "$bin" "${tls_client[@]}" -- --tls_cert="$tls_dir/server.crt" \
    --tls_key="$tls_dir/server.key" --tls_client_ca="$tls_dir/ca.crt" \
    --access_policy="$tls_dir/policy.json" --max_calls_per_caller=$((2 * CONCURRENCY))
  pair_turns tls-mixed "$TLS_MIX" plaintext tls
  [[ -z $query_pid ]] || wait_caught_up
  pair_turns tls-balances get_balances=1 plaintext tls
}
tls_section() {
  run_header "The cost of mutual TLS"
  cat <<EOF_TLS

Two pairs of loyalty-command and loyalty-query (\`--pool_size=$POOL_SIZE\` each) on the same
database, alike but for their security: one \`--insecure_plaintext\`, one mutual TLS
(\`--tls_cert --tls_key --tls_client_ca\`, ECDSA P-256 certificates by \`scripts/pki.sh local\`)
with an access policy of one grant (the operator role on every organisation,
\`--max_calls_per_caller=$((2 * CONCURRENCY))\`). The same loyalty-bench load, closed loop
($CONCURRENCY calls outstanding over $CHANNELS channels, $MEMBERS members, warm-up ${WARMUP_S} s,
measured ${DURATION_S} s, a \`CHECKPOINT\` before each run), on the plaintext pair and on the TLS
pair (loyalty-bench with \`--tls_ca --tls_cert --tls_key\`), $TURNS turns, the plaintext pair
first on odd turns and second on even ones. Figures are the
medians of the turns; p99 is loyalty-bench's (client side), in µs.

| load | plaintext calls/s | mutual TLS calls/s | TLS / plaintext | plaintext p99 | mutual TLS p99 | TLS / plaintext |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
$(pair_row tls-mixed "mixed commands (accrue 60, redeem 20, group redeem 5, transfer 5)" plaintext tls)
$(pair_row tls-balances "GetBalances" plaintext tls)

Each turn, calls/s plaintext/TLS: mixed commands $(pair_each tls-mixed plaintext tls); GetBalances
$(pair_each tls-balances plaintext tls).

Cores each program used during the first turn (\`tools/bench/cpu_share.py\`; 2.00 is the whole
machine):

| run | cores by program |
| --- | --- |
$(pair_cores "plaintext tls" tls-mixed tls-balances)

Where TLS costs:

- **The handshake, once per connection**: an ECDHE key exchange and, mutual, a certificate
  chain verified and a signature checked on each side; on the server, the caller's identity is
  read from the certificate. loyalty-bench opens its channels and waits for them before the
  warm-up, so no handshake is in the figures: a client that keeps its channels (as gRPC clients
  do) pays it once per connection, and again only after a reconnect. A client that opened a
  channel per call would pay it on every call.
- **Every message, both ways**: each HTTP/2 frame is sealed into TLS records (AES-GCM, with
  AES-NI on this CPU) by the sender and opened by the receiver, client and server alike. For
  messages of a few hundred bytes the cipher is small; gRPC's secure endpoint also passes every
  read and write through its own buffers.
- **Every call, the access policy** (TLS pair only): the identity from the auth context, the
  grant looked up, the caller's calls in flight counted. A plaintext service does none of it.
- On this machine loyalty-bench, the services and PostgreSQL share the cores, so the CPU TLS takes
  on both sides is CPU that PostgreSQL (commands) or loyalty-query (GetBalances) does not get.
EOF_TLS
}

# --against REV: one pair built from REV, one from this tree, both --insecure_plaintext, on the
# database this tree's loyalty-command migrated. REV's binaries refuse a schema newer than they
# know (pg::Migrate: FAILED_PRECONDITION), so REV must have every migration of this tree; its
# `loyalty-command migrate` checks that first, and must find nothing to apply.
against_compare() {
  local sides=("$against_short" this-tree) before after
  echo "== this tree against $against_short ($TURNS turns: $against_short first on odd turns, this tree on even)"
  before=$(sql "SELECT max(version) FROM schema_migrations")
  if ! timeout 120 "$against_bin/services/command/loyalty-command" migrate \
      --database_url="$DATABASE_URL" >"$work/migrate-$against_short.log" 2>&1; then
    echo "bench: $against_short does not take this tree's schema (version $before):" >&2
    tail -n 3 "$work/migrate-$against_short.log" >&2
    exit 1
  fi
  after=$(sql "SELECT max(version) FROM schema_migrations")
  if [[ $after != "$before" ]]; then
    echo "bench: $against_short migrated the schema beyond this tree's ($before to $after)" >&2
    exit 1
  fi
  pair_start "$against_short" "$against_bin" -- --insecure_plaintext
  pair_start this-tree "$bin" -- --insecure_plaintext
  pair_turns accrue accrue=1 "${sides[@]}"
  pair_turns redeem redeem=1 "${sides[@]}"
  [[ -z $query_pid ]] || wait_caught_up
  pair_turns balances get_balances=1 "${sides[@]}"
}
against_section() {
  local rev=$against_short
  run_header "This tree against $rev"
  cat <<EOF_AGAINST

Two pairs of loyalty-command and loyalty-query (\`--pool_size=$POOL_SIZE\` each, all
\`--insecure_plaintext\`) on the same database, alike but for their build: one from $rev
(committed $(git log -1 --format=%cs "$against_commit")), one from this tree, both $BUILD_TYPE.
The database has this tree's schema (its loyalty-command migrated it; $rev's
\`loyalty-command migrate\` found nothing to apply). The same loyalty-bench load, closed loop
($CONCURRENCY calls outstanding over $CHANNELS channels, $MEMBERS members, warm-up ${WARMUP_S} s,
measured ${DURATION_S} s, a \`CHECKPOINT\` before each run), on the $rev pair and on this
tree's, $TURNS turns ($rev first on odd turns, second on even ones); accrue, then redeem, then GetBalances once the projector has caught up.
Figures are the medians of the turns; p99 is loyalty-bench's (client side), in µs.

| load | $rev calls/s | this tree calls/s | this tree / $rev | $rev p99 | this tree p99 | this tree / $rev |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
$(pair_row accrue accrue "$rev" this-tree)
$(pair_row redeem redeem "$rev" this-tree)
$(pair_row balances GetBalances "$rev" this-tree)

Each turn, calls/s $rev/this tree: accrue $(pair_each accrue "$rev" this-tree); redeem
$(pair_each redeem "$rev" this-tree); GetBalances $(pair_each balances "$rev" this-tree).

Failed calls (every run, by status code): $(failed_calls)

Cores each program used during the first turn (\`tools/bench/cpu_share.py\`; 2.00 is the whole
machine; both builds' programs have the same names, and only the pair under load is busy):

| run | cores by program |
| --- | --- |
$(pair_cores "$rev this-tree" accrue redeem balances)
EOF_AGAINST
}

if ((tls_only)); then
  tls_cost
  mkdir -p "$(dirname "$OUT")"
  splice_section "$OUT" "## The cost of mutual TLS" tls_section
  echo "== wrote the cost of mutual TLS into $OUT; failed calls: $(failed_calls)"
  exit 0
fi
if [[ -n $against ]]; then
  against_compare
  mkdir -p "$(dirname "$OUT")"
  splice_section "$OUT" "## This tree against .*" against_section
  echo "== wrote this tree against $against_short into $OUT; failed calls: $(failed_calls)"
  exit 0
fi

echo "== warm every pooled connection, then capture one accrue, one redeem, one GetBalances"
timeout 60 "$bench" run --target="$COMMAND_ADDRESS" "${common[@]}" --mix=accrue=1,redeem=1 \
  --warmup_s=0 --duration_s=2 >/dev/null
# Every sequence but the outbox's gets its own range of 10^12 values, so that an id the capture
# finds in a statement's parameters names its sequence without doubt (capture_sql.py).
sql "DO \$\$ DECLARE s record; i bigint := 0; BEGIN
  FOR s IN SELECT format('%I.%I', schemaname, sequencename) AS name, last_value, max_value
      FROM pg_sequences WHERE format('%I.%I', schemaname, sequencename)::regclass
        IS DISTINCT FROM pg_get_serial_sequence('outbox', 'position')::regclass ORDER BY 1 LOOP
    i := i + 1;
    IF i * 1000000000000 < s.max_value AND coalesce(s.last_value, 0) < i * 1000000000000 THEN
      PERFORM setval(s.name, i * 1000000000000);
    END IF;
  END LOOP; END \$\$"
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
capture_member=$((MEMBERS - 1))
# warm_once OP: one call on the capture member first, so that the captured one finds the member
# in the command service's cache as a steady load does.
warm_once() {
  timeout 30 "$bench" once --target="$COMMAND_ADDRESS" --members=$MEMBERS --insecure_plaintext \
    --member_index="$capture_member" --op="$1" --key="warm-$1-$$" >/dev/null
}
warm_once accrue
key=capture-accrue-$$
capture accrue "$command_metrics_url" command idempotency_claim "$key" \
  --target="$COMMAND_ADDRESS" --op=accrue --key="$key"
warm_once redeem
key=capture-redeem-$$
capture redeem "$command_metrics_url" command idempotency_claim "$key" \
  --target="$COMMAND_ADDRESS" --op=redeem --key="$key"
if [[ -n $query_pid ]]; then
  capture balances "$query_metrics_url" query query_select_member "'bm-$capture_member'" \
    --target="$COMMAND_ADDRESS" --query_target="$QUERY_ADDRESS" --op=get_balances
fi
# replay_members SCRIPT FIRST: the replay's members are bm-FIRST .. bm-(FIRST+MEMBERS-1). The
# command replays get members of their own: every replayed command raises its member's state
# version, so on the service's members pgbench's run would leave the command service's member
# cache stale for nearly all of them before each service run, and the service would read again
# what the replay, built for a member the cache holds, spares. GetBalances' replay reads the
# service's members, whose views the projector keeps.
replay_members() { [[ ! -f $1 ]] || sed -i "s/:first_member/$2/g" "$1"; }
replay_members "$work/accrue.sql" $MEMBERS
replay_members "$work/redeem.sql" $MEMBERS
replay_members "$work/balances.sql" 0

had_query=$query_pid
stop_query

echo "== measure ($RUNS runs each)"
paired pgbench-accrue "$work/accrue.sql" $POOL_SIZE service-accrue "$COMMAND_ADDRESS" \
  --mix=accrue=1
pg_accrue=$(pgbench_median pgbench-accrue)
svc_accrue=$(service_median service-accrue)
# Half of peak on the data set of the peak runs: each run grows the tables, and a larger data set
# makes every call dearer, so "half of peak" later in the record would be more than half.
accrue_rate=$(half "$svc_accrue")
lag_p99=n/a
resume_query
echo "== half of peak accrue (open loop)"
open_loop half-accrue "$accrue_rate" "$COMMAND_ADDRESS" --mix=accrue=1
accrue_half_p99=$(run_quantile half-accrue command grpc_server_handling_seconds grpc_method=Accrue)
if [[ -n $query_pid ]]; then
  lag_p99=$(run_quantile half-accrue query loyalty_projection_lag_seconds)
fi
stop_query
# The database alone at the same rate: the same SQL, the query service stopped.
pg_accrue_half_p99=$(pgbench_rate half-pgbench-accrue "$work/accrue.sql" $POOL_SIZE "$accrue_rate")
paired pgbench-redeem "$work/redeem.sql" $POOL_SIZE service-redeem "$COMMAND_ADDRESS" \
  --mix=redeem=1
pg_redeem=$(pgbench_median pgbench-redeem)
svc_redeem=$(service_median service-redeem)
echo "== pgbench beside the no-op server's traffic at the service's rates"
beside_noop transport-accrue "$work/accrue.sql" "$svc_accrue" accrue
beside_noop transport-redeem "$work/redeem.sql" "$svc_redeem" redeem
pg_balances=n/a
noop_accrue=$(measure noop-accrue "$NOOP_ADDRESS" --mix=accrue=1)
noop_mixed=$(measure noop-mixed "$NOOP_ADDRESS" --mix=accrue=60,redeem=20,group_redeem=5,transfer=5)
svc_mixed=$(measure service-mixed "$COMMAND_ADDRESS" --mix=accrue=60,redeem=20,group_redeem=5,transfer=5)
svc_hot1=$(measure service-accrue-hot1 "$COMMAND_ADDRESS" --mix=accrue=1 --distribution=hot1)
svc_hot=$(measure service-accrue-hot "$COMMAND_ADDRESS" --mix=accrue=1 --hot_fraction=0.01 \
  --hot_share=0.9)
svc_balances=n/a balances_p99=n/a apply_rate=n/a query_rss=n/a
resume_query
rss() { [[ -n $1 && -r /proc/$1/status ]] && awk '/^VmRSS/ {printf "%.1f MiB", $2 / 1024}' \
  "/proc/$1/status" || echo "n/a"; }
add() { python3 -c 'import sys
try: print(int(sys.argv[1]) + int(sys.argv[2]))
except ValueError: print("n/a")' "$1" "$2"; }
cache_lookups() {  # cache_lookups RESULT: hit, shared or miss, GetBalances calls since the first scrape
  prom counter "$work/cache.metrics.before" "$work/cache.metrics.after" \
    loyalty_query_balance_cache_lookups_total result="$1" 2>/dev/null | sed 's/\.0*$//' || echo n/a
}
svc_balances_views=n/a
if [[ -n $query_pid ]]; then
  scrape "$query_metrics_url" "$work/cache.metrics.before"
  paired pgbench-balances "$work/balances.sql" $QUERY_POOL_SIZE service-get-balances \
    "$COMMAND_ADDRESS" --query_target="$QUERY_ADDRESS" --mix=get_balances=1
  pg_balances=$(pgbench_median pgbench-balances)
  svc_balances=$(service_median service-get-balances)
  balances_rate=$(half "$svc_balances")
  open_loop half-balances "$balances_rate" "$COMMAND_ADDRESS" --query_target="$QUERY_ADDRESS" \
    --mix=get_balances=1
  balances_p99=$(run_quantile half-balances query grpc_server_handling_seconds grpc_method=GetBalances)
  query_rss=$(rss "$query_pid")
  scrape "$query_metrics_url" "$work/cache.metrics.after"
  cache_hits=$(add "$(cache_lookups hit)" "$(cache_lookups shared)")
  cache_misses=$(cache_lookups miss)
  echo "== GetBalances with the balance cache off: every call reads the views"
  stop_query
  start_query --balance_cache_mib=0
  wait_for_port "$QUERY_ADDRESS"
  svc_balances_views=$(measure service-get-balances-views "$COMMAND_ADDRESS" \
    --query_target="$QUERY_ADDRESS" --mix=get_balances=1)
  echo "== projector catch-up after accrue at peak with the query service stopped"
  for i in $(seq 1 $RUNS); do apply_rate_run "$i"; done
  apply_rate=$({ cat "$work"/apply-*.rate 2>/dev/null || true; } | sed '/^$/d' | median)
fi
command_rss=$(rss "$command_pid") worker_rss=$(rss "$worker_pid")
tls_cost

met() { python3 -c 'import sys
try: print("met" if float(sys.argv[1]) >= float(sys.argv[2]) else "**missed**")
except ValueError: print("not measured")' "$1" "$2"; }
met_at_most() { python3 -c 'import sys
try: print("met" if float(sys.argv[1]) <= float(sys.argv[2]) else "**missed**")
except ValueError: print("not measured")' "$1" "$2"; }
rss_met() { met_at_most "$(echo "$1" | cut -d' ' -f1)" 99.999; }

kind="the record"
((quick)) && kind="a **smoke run** (--quick: short runs on a shared machine; not the record)"

r_accrue=$(ratio "$svc_accrue" "$pg_accrue")
r_redeem=$(ratio "$svc_redeem" "$pg_redeem")
r_balances=$(ratio "$svc_balances" "$pg_balances")
r_hot=$(ratio "$svc_hot1" "$svc_accrue")
r_apply=$(ratio "$apply_rate" "$svc_accrue")
transport_row() {  # transport_row NAME CALL RATE: the Other figures row of beside_noop NAME
  local alone beside
  alone=$(pgbench_median "$1-alone") beside=$(pgbench_median "$1-beside")
  echo "| pgbench on the $2's SQL beside no-op gRPC traffic at the service's $2 rate ($3" \
    "calls/s, open loop) | $beside tps | the same pgbench alone (by turns): $alone tps |" \
    "$(ratio "$beside" "$alone") |"
}
accrue_trips=$(value "$work/accrue.round_trips")
redeem_trips=$(value "$work/redeem.round_trips")
mkdir -p "$(dirname "$OUT")"
{
  cat <<EOF_DOC
# Benchmarks

Figures of $kind, written by \`$command_line\` on $(date -u +%Y-%m-%d) at commit
$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)').

Reproduce: \`$command_line\` (Debian 12, the packages of \`scripts/install-deps.sh\`; nothing else
may run on the machine for the record).

## Machine

- CPU: $cpu, $(nproc) cores online
- memory: $memory
- build: $BUILD_TYPE; PostgreSQL 15 on the same machine, \`synchronous_commit=on\`, default durability (fsync on)

## Settings

- loyalty-command \`--pool_size=$POOL_SIZE\`, loyalty-query \`--pool_size=$QUERY_POOL_SIZE\`
  (database concurrency); pgbench \`-M prepared -c\` the same, \`-j 2\`; the data set holds
  $((2 * MEMBERS)) members: the services' runs use the first $MEMBERS, pgbench's accrue and
  redeem replays the other $MEMBERS (its GetBalances replay the first)
- loyalty-bench closed loop: $CONCURRENCY calls outstanding over $CHANNELS channels, $MEMBERS
  members, warm-up ${WARMUP_S} s, measured ${DURATION_S} s; open loop at half of the closed-loop
  median; each figure is the median of $RUNS runs with a \`CHECKPOINT\` before each run.

## Targets

| target | measured | baseline (same run) | ratio | target | status |
| --- | ---: | --- | ---: | --- | --- |
| accrue throughput through gRPC | $svc_accrue calls/s | pgbench, same SQL: $pg_accrue tps | $r_accrue | ≥ 0.9 | $(met "$r_accrue" 0.9) |
| redeem throughput through gRPC | $svc_redeem calls/s | pgbench, same SQL: $pg_redeem tps | $r_redeem | ≥ 0.8 | $(met "$r_redeem" 0.8) |
| database round trips per accrue | $accrue_trips | – | – | ≤ 2 | $(met_at_most "$accrue_trips" 2) |
| database round trips per redeem | $redeem_trips | – | – | ≤ 2 | $(met_at_most "$redeem_trips" 2) |
| GetBalances throughput | $svc_balances calls/s | pgbench, same SELECTs: $pg_balances tps | $r_balances | ≥ 0.8 | $(met "$r_balances" 0.8) |
| GetBalances server-side p99 at half of peak | $balances_p99 ms | – | – | ≤ 2 ms | $(met_at_most "$balances_p99" 2) |
| projection lag p99 at half of peak accrue | $lag_p99 ms | – | – | ≤ 100 ms | $(met_at_most "$lag_p99" 100) |
| projector apply rate | $apply_rate events/s | peak accrue: $svc_accrue calls/s | $r_apply | ≥ 1.5 | $(met "$r_apply" 1.5) |
| accrue, 100% on one member (hot1) | $svc_hot1 calls/s | uniform accrue: $svc_accrue | $r_hot | ≥ 0.5 | $(met "$r_hot" 0.5) |
| loyalty-command resident memory | $command_rss | – | – | < 100 MiB | $(rss_met "$command_rss") |
| loyalty-query resident memory | $query_rss | – | – | < 100 MiB | $(rss_met "$query_rss") |
| loyalty-worker resident memory | $worker_rss | – | – | < 100 MiB | $(rss_met "$worker_rss") |

## Other figures

| figure | calls/s (median) | baseline | ratio |
| --- | ---: | --- | ---: |
| accrue through gRPC | $svc_accrue | no-op server: $noop_accrue | $(ratio "$svc_accrue" "$noop_accrue") |
| mixed commands (accrue 60, redeem 20, group 5, transfer 5) | $svc_mixed | no-op server: $noop_mixed | $(ratio "$svc_mixed" "$noop_mixed") |
| accrue, 1% of members get 90% | $svc_hot | uniform accrue: $svc_accrue | $(ratio "$svc_hot" "$svc_accrue") |
| GetBalances, balance cache off (\`--balance_cache_mib=0\`) | $svc_balances_views | pgbench, same SELECTs: $pg_balances | $(ratio "$svc_balances_views" "$pg_balances") |
$(transport_row transport-accrue accrue "$svc_accrue")
$(transport_row transport-redeem redeem "$svc_redeem")

GetBalances calls of the cached runs (closed and open loop) that the balance cache answered:
${cache_hits:-n/a} of $(add "${cache_hits:-n/a}" "${cache_misses:-n/a}"); the others read the
views. No command runs beside them, so after the warm-up nearly every member is in the cache.

Server-side p99 of Accrue at half of peak ($accrue_rate calls/s, open loop): $accrue_half_p99 ms;
pgbench running the same SQL at the same rate (open loop, query service stopped), p99 of its
transactions: $pg_accrue_half_p99 ms.
Client-side closed-loop p99 at full load (µs, median run): accrue
$(value "$work/service-accrue.p99"), redeem $(value "$work/service-redeem.p99"), mixed
$(value "$work/service-mixed.p99"), hot1 $(value "$work/service-accrue-hot1.p99"), get balances
$(value "$work/service-get-balances.p99"), no-op accrue $(value "$work/noop-accrue.p99").

Failed calls (every loyalty-bench run of the record, by status code): $(failed_calls)

## Where the CPU goes

Cores each program used during the first run of each measurement (\`tools/bench/cpu_share.py\`,
from \`/proc\`; 2.00 is the whole machine). pgbench and the services share the machine's cores
with PostgreSQL, so what the service and its load generator use is what PostgreSQL does not get.

| run | cores by program |
| --- | --- |
$(for run in pgbench-accrue service-accrue pgbench-redeem service-redeem pgbench-balances \
    service-get-balances service-accrue-hot1 noop-accrue transport-accrue-alone \
    transport-accrue-beside; do
    echo "| $run | $(cat "$work/$run.cpu" 2>/dev/null || echo n/a) |"
  done)

## Database round trips and statements

| call | statements in its SQL transaction | round trips (metric) | round trips replayed by pgbench |
| --- | ---: | ---: | --- |
| accrue | $(value "$work/accrue.statements") | $accrue_trips | $(sed -n 's/^round_trips //p' "$work/accrue.trips") |
| redeem | $(value "$work/redeem.statements") | $redeem_trips | $(sed -n 's/^round_trips //p' "$work/redeem.trips") |
| GetBalances | $(value "$work/balances.statements") | $(value "$work/balances.round_trips") | $(sed -n 's/^round_trips //p' "$work/balances.trips" 2>/dev/null) |

The statements of each call's own backend, numbered by the round trip pgbench replays them in:

\`\`\`
accrue
$(grep '^  ' "$work/accrue.trips")

redeem
$(grep '^  ' "$work/redeem.trips")

GetBalances
$(grep '^  ' "$work/balances.trips" 2>/dev/null)
\`\`\`

$(tls_section)
EOF_DOC
  cat tools/bench/benchmarks_method.md
} >"$work/benchmarks.md"
mv "$work/benchmarks.md" "$OUT"
echo "== wrote $OUT"
