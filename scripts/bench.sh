#!/usr/bin/env bash
# The whole benchmark comparison on this machine, in one go; writes docs/benchmarks.md.
#
#   scripts/bench.sh           the record: 3 runs of 20 s (5 s warm-up) per figure, 10000 members
#   scripts/bench.sh --quick   a smoke version: 3 runs of 3 s (1 s warm-up), 500 members
#
# Builds Release (build-release/), starts its own PostgreSQL 15 (scripts/pg-local.sh in a temp
# dir, synchronous_commit on, default durability), loyalty-command (and loyalty-query when it was
# built), and loyalty-noop-server, all on 127.0.0.1; prepares the data set through the public
# API; captures the SQL one accrue and one redeem execute (log_statement=all) and turns it into
# pgbench scripts; then measures, with a CHECKPOINT before every run and the median of the runs:
# pgbench (same SQL, same database concurrency as the service's pool), the no-op gRPC server
# under the same loyalty-bench load, and the real services. Every step is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

quick=0
case ${1:-} in
  --quick) quick=1 ;;
  "") ;;
  *) echo "usage: $0 [--quick]" >&2; exit 2 ;;
esac
readonly RUNS=3
if ((quick)); then
  readonly DURATION_S=3 WARMUP_S=1 MEMBERS=500 HISTORY=3
else
  readonly DURATION_S=20 WARMUP_S=5 MEMBERS=10000 HISTORY=5
fi
readonly POOL_SIZE=16          # loyalty-command --pool_size = pgbench clients
readonly CONCURRENCY=64        # loyalty-bench calls outstanding (closed loop)
readonly CHANNELS=4
readonly PG_PORT=${LOYALTY_BENCH_PG_PORT:-54339}
readonly COMMAND_ADDRESS=127.0.0.1:${LOYALTY_BENCH_COMMAND_PORT:-50071}
readonly QUERY_ADDRESS=127.0.0.1:${LOYALTY_BENCH_QUERY_PORT:-50072}
readonly NOOP_ADDRESS=127.0.0.1:${LOYALTY_BENCH_NOOP_PORT:-50073}
readonly BUILD_DIR=${LOYALTY_BENCH_BUILD_DIR:-build-release}
readonly BUILD_TYPE=${LOYALTY_BENCH_BUILD_TYPE:-Release}
readonly OUT=${LOYALTY_BENCH_OUT:-docs/benchmarks.md}
readonly PGBENCH=/usr/lib/postgresql/15/bin/pgbench
readonly DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/loyalty"
command_line="scripts/bench.sh${1:+ $1}"

echo "== build ($BUILD_DIR, $BUILD_TYPE)"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" >/dev/null
targets=(loyalty-command loyalty-bench loyalty-noop-server)
[[ -f services/query/main.cc ]] && targets+=(loyalty-query)
timeout 3600 cmake --build "$BUILD_DIR" -j"$(nproc)" --target "${targets[@]}"
bin=$root/$BUILD_DIR
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

wait_for_port() {  # the bench tool's connect wait is the readiness probe
  local address=$1
  for _ in $(seq 1 100); do
    if timeout 5 "$bench" once --target="$address" --op=accrue --key=probe --org=no-such-org \
        --timeout_ms=500 >/dev/null 2>&1 || [[ $? -eq 1 ]]; then
      return 0
    fi
    sleep 0.2
  done
  echo "bench: $address did not come up" >&2
  exit 1
}

echo "== services"
"$bin/services/command/loyalty-command" serve --database_url="$DATABASE_URL" \
  --listen="$COMMAND_ADDRESS" --metrics_listen= --pool_size=$POOL_SIZE >"$work/command.log" 2>&1 &
command_pid=$!
pids+=("$command_pid")
query_pid=
if [[ -x $query_binary ]]; then
  "$query_binary" --database_url="$DATABASE_URL" --listen="$QUERY_ADDRESS" --metrics_listen= \
    >"$work/query.log" 2>&1 &
  query_pid=$!
  pids+=("$query_pid")
fi
"$bin/tools/bench/loyalty-noop-server" --listen="$NOOP_ADDRESS" >"$work/noop.log" 2>&1 &
pids+=($!)
wait_for_port "$COMMAND_ADDRESS"
wait_for_port "$NOOP_ADDRESS"

echo "== prepare ($MEMBERS members, $HISTORY purchases each)"
timeout 1800 "$bench" prepare --target="$COMMAND_ADDRESS" --members=$MEMBERS --history=$HISTORY \
  --prepare_concurrency=$POOL_SIZE

common=(--channels=$CHANNELS --concurrency=$CONCURRENCY --members=$MEMBERS
        --warmup_s=$WARMUP_S --duration_s=$DURATION_S)

echo "== warm every pooled connection, then capture one accrue and one redeem"
timeout 60 "$bench" run --target="$COMMAND_ADDRESS" "${common[@]}" --mix=accrue=1,redeem=1 \
  --warmup_s=0 --duration_s=2 >/dev/null
capture() {  # capture OP KEY MEMBER_INDEX OUT_SCRIPT
  local op=$1 key=$2 member=$3 script=$4 log=$work/pgdata/server.log start
  sql "ALTER SYSTEM SET log_statement = 'all'" && sql "SELECT pg_reload_conf()" >/dev/null
  sleep 0.5
  start=$(stat -c %s "$log")
  timeout 30 "$bench" once --target="$COMMAND_ADDRESS" --members=$MEMBERS --op="$op" \
    --member_index="$member" --key="$key" >/dev/null
  sleep 0.5
  tail -c +"$((start + 1))" "$log" >"$work/$op.log"
  sql "ALTER SYSTEM RESET log_statement" && sql "SELECT pg_reload_conf()" >/dev/null
  python3 tools/bench/capture_sql.py "$work/$op.log" "bm-$member" "$key" "$script" \
    2>"$work/$op.trips"
  sed -n 's/^round_trips //p' "$work/$op.trips"
}
capture_member=$((MEMBERS - 1))
accrue_trips=$(capture accrue "capture-accrue-$$" $capture_member "$work/accrue.sql")
redeem_trips=$(capture redeem "capture-redeem-$$" $capture_member "$work/redeem.sql")
echo "round trips: accrue $accrue_trips, redeem $redeem_trips"

median() { sort -g | awk '{v[NR] = $1} END {print (NR == 0 ? "n/a" : v[int((NR + 1) / 2)])}'; }
json_number() {  # json_number FILE KEY: the first "KEY": number after "overall"
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["overall"][sys.argv[2]])' \
    "$1" "$2"
}
json_p99() {
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["overall"]["latency_us"]["p99"])' "$1"
}

# measure NAME TARGET ARGS...: RUNS runs of loyalty-bench, CHECKPOINT before each; prints the
# median throughput and keeps the median run's p99 in $work/NAME.p99.
measure() {
  local name=$1 target=$2
  shift 2
  local i throughputs=() p99s=()
  for i in $(seq 1 $RUNS); do
    sql "CHECKPOINT"
    timeout $((DURATION_S + WARMUP_S + 60)) "$bench" run --target="$target" "${common[@]}" \
      --label="$name" --json_out="$work/$name-$i.json" "$@" >"$work/$name-$i.txt" 2>&1
    throughputs+=("$(json_number "$work/$name-$i.json" throughput_per_s)")
    p99s+=("$(json_p99 "$work/$name-$i.json")")
    echo "  $name run $i: $(tail -n 1 "$work/$name-$i.txt")" >&2
  done
  printf '%s\n' "${p99s[@]}" | median >"$work/$name.p99"
  printf '%s\n' "${throughputs[@]}" | median
}

# pgbench_measure NAME SCRIPT: RUNS runs at POOL_SIZE clients; median tps.
pgbench_measure() {
  local name=$1 script=$2 i tps=()
  for i in $(seq 1 $RUNS); do
    sql "CHECKPOINT"
    if timeout $((DURATION_S + WARMUP_S + 60)) "$PGBENCH" -n -M prepared -c $POOL_SIZE -j 2 \
        -T $DURATION_S -D members=$MEMBERS -f "$script" -h 127.0.0.1 -p "$PG_PORT" -U postgres \
        loyalty >"$work/$name-$i.txt" 2>&1; then
      tps+=("$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' \
        "$work/$name-$i.txt")")
    else
      echo "  $name run $i: pgbench failed: $(tail -n 3 "$work/$name-$i.txt")" >&2
    fi
    echo "  $name run $i: ${tps[-1]:-failed} tps" >&2
  done
  printf '%s\n' "${tps[@]}" | median
}

echo "== measure ($RUNS runs each)"
pg_accrue=$(pgbench_measure pgbench-accrue "$work/accrue.sql")
pg_redeem=$(pgbench_measure pgbench-redeem "$work/redeem.sql")
noop_accrue=$(measure noop-accrue "$NOOP_ADDRESS" --mix=accrue=1)
noop_mixed=$(measure noop-mixed "$NOOP_ADDRESS" --mix=accrue=60,redeem=20,group_redeem=5,transfer=5)
svc_accrue=$(measure service-accrue "$COMMAND_ADDRESS" --mix=accrue=1)
svc_redeem=$(measure service-redeem "$COMMAND_ADDRESS" --mix=redeem=1)
svc_mixed=$(measure service-mixed "$COMMAND_ADDRESS" --mix=accrue=60,redeem=20,group_redeem=5,transfer=5)
svc_hot1=$(measure service-accrue-hot1 "$COMMAND_ADDRESS" --mix=accrue=1 --distribution=hot1)
svc_hot=$(measure service-accrue-hot "$COMMAND_ADDRESS" --mix=accrue=1 --hot_fraction=0.01 \
  --hot_share=0.9)
svc_balances=n/a
if [[ -n $query_pid ]]; then
  svc_balances=$(measure service-get-balances "$COMMAND_ADDRESS" --query_target="$QUERY_ADDRESS" \
    --mix=get_balances=1)
fi

rss() { [[ -n $1 && -r /proc/$1/status ]] && awk '/^VmRSS/ {printf "%.1f MiB", $2 / 1024}' \
  "/proc/$1/status" || echo "n/a"; }
command_rss=$(rss "$command_pid")
query_rss=$(rss "$query_pid")

ratio() { python3 -c 'import sys
a, b = sys.argv[1], sys.argv[2]
try: print(f"{float(a) / float(b):.2f}")
except (ValueError, ZeroDivisionError): print("n/a")' "$1" "$2"; }
met() { python3 -c 'import sys
try: print("met" if float(sys.argv[1]) >= float(sys.argv[2]) else "**missed**")
except ValueError: print("not measured")' "$1" "$2"; }
rss_met() { python3 -c 'import sys
try: print("met" if float(sys.argv[1].split()[0]) < 100 else "**missed**")
except (ValueError, IndexError): print("not measured")' "$1"; }
trips_met() { [[ $1 =~ ^[0-9]+$ ]] && ((${1} <= 2)) && echo met || echo "**missed**"; }

cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)
memory=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
kind="the record"
((quick)) && kind="a **smoke run** (--quick: short runs on a shared machine; not the record)"

r_accrue=$(ratio "$svc_accrue" "$pg_accrue")
r_redeem=$(ratio "$svc_redeem" "$pg_redeem")
r_hot=$(ratio "$svc_hot1" "$svc_accrue")
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

- loyalty-command \`--pool_size=$POOL_SIZE\` (database concurrency); pgbench \`-c $POOL_SIZE -j 2\`
- loyalty-bench closed loop: $CONCURRENCY calls outstanding over $CHANNELS channels, $MEMBERS
  members, warm-up ${WARMUP_S} s, measured ${DURATION_S} s; each figure is the median of $RUNS runs
  with a \`CHECKPOINT\` before each run.

## Figures

| figure | calls/s (median) | baseline | ratio | target | status |
| --- | ---: | --- | ---: | --- | --- |
| accrue through gRPC | $svc_accrue | pgbench, same SQL: $pg_accrue tps | $r_accrue | ≥ 0.9 | $(met "$r_accrue" 0.9) |
| redeem through gRPC | $svc_redeem | pgbench, same SQL: $pg_redeem tps | $r_redeem | ≥ 0.8 | $(met "$r_redeem" 0.8) |
| accrue through gRPC | $svc_accrue | no-op server: $noop_accrue | $(ratio "$svc_accrue" "$noop_accrue") | – | – |
| mixed commands (accrue 60, redeem 20, group 5, transfer 5) | $svc_mixed | no-op server: $noop_mixed | $(ratio "$svc_mixed" "$noop_mixed") | – | – |
| accrue, 100% on one member (hot1) | $svc_hot1 | uniform accrue: $svc_accrue | $r_hot | ≥ 0.5 | $(met "$r_hot" 0.5) |
| accrue, 1% of members get 90% | $svc_hot | uniform accrue: $svc_accrue | $(ratio "$svc_hot" "$svc_accrue") | – | – |
| get balances | $svc_balances | pgbench of the same SELECTs: not built yet | n/a | ≥ 0.8 | not measured |

p99 latency (µs, median run): accrue $(cat "$work/service-accrue.p99"), redeem
$(cat "$work/service-redeem.p99"), mixed $(cat "$work/service-mixed.p99"), hot1
$(cat "$work/service-accrue-hot1.p99"), no-op accrue $(cat "$work/noop-accrue.p99"). These are
closed-loop latencies at full load, not the "p99 at half of peak" target (see below).

## Database round trips

| command | statements per call (log_statement=all) | target | status |
| --- | ---: | --- | --- |
| accrue | $accrue_trips | ≤ 2 | $(trips_met "$accrue_trips") |
| redeem | $redeem_trips | ≤ 2 | $(trips_met "$redeem_trips") |

Every statement is one libpq round trip (BEGIN and COMMIT included). The statements, in order:

\`\`\`
accrue $(cat "$work/accrue.trips")

redeem $(cat "$work/redeem.trips")
\`\`\`

## Memory

| service | VmRSS after the runs | target | status |
| --- | ---: | --- | --- |
| loyalty-command | $command_rss | < 100 MiB | $(rss_met "$command_rss") |
| loyalty-query | $query_rss | < 100 MiB | $(rss_met "$query_rss") |
EOF_DOC
  cat tools/bench/benchmarks_method.md
} >"$work/benchmarks.md"
mv "$work/benchmarks.md" "$OUT"
echo "== wrote $OUT"
