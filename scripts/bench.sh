#!/usr/bin/env bash
# The whole benchmark comparison on this machine, in one go; writes docs/benchmarks.md.
#
#   scripts/bench.sh           the record: 3 runs of 15 s (5 s warm-up) per figure, 10000 members
#   scripts/bench.sh --quick   a smoke version: 3 runs of 3 s (1 s warm-up), 500 members
#   scripts/bench.sh --tls-only  only the cost of mutual TLS (minutes): 5 turns of 10 s runs (3 s
#                              warm-up), 2000 members; replaces that section of docs/benchmarks.md
#   scripts/bench.sh --conversions  only the worker's partner conversions of 100,000 matured lots,
#                              with the expiry job as baseline; writes the section "## Conversions"
#   scripts/bench.sh --against REV  only this tree's services against REV's (any git revision), by
#                              turns as --tls-only: accrue, redeem and GetBalances; writes the
#                              section "## This tree against REV" of docs/benchmarks.md
#   scripts/bench.sh --badges  only accrue (purchase) throughput with 10 active badge definitions
#                              against none, by turns as --tls-only: one loyalty-command, two orgs
#                              prepared alike, "bench" without badges and "bench-badges" with the
#                              ten of tools/bench/badges.h (loyalty-bench prepare --badges: 6 spend,
#                              2 advocacy, 2 tenure); the same closed-loop accrue load on each org
#                              by turns; writes the section "## Badges" of docs/benchmarks.md
#   scripts/bench.sh --standby  only GetBalances from a hot standby against the primary, by turns
#                              as --tls-only: a streaming standby of the script's PostgreSQL
#                              (scripts/pg-local.sh standby), loyalty-query --project=false on the
#                              primary, on the standby, and on the standby without its balance
#                              cache; read-only and with one accrue in ten; writes the section
#                              "## Query replicas on a standby" of docs/benchmarks.md
#   scripts/bench.sh --failover  only the write outage of a primary failover under load: the
#                              failover test (tests/fault/failover_test.cc: Patroni, two nodes,
#                              synchronous replication, kill -9 of the primary) run 5 times
#                              (LOYALTY_BENCH_FAILOVER_RUNS); writes the section "## Failover"
# The modes by turns take LOYALTY_BENCH_TURNS, LOYALTY_BENCH_DURATION_S and
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
# The functions, by theme (tools/bench/bench_*.sh).
for part in services figures runs turns conversions badges standby failover; do
  source "tools/bench/bench_$part.sh"
done

usage() {
  echo "usage: $0 [--quick | --tls-only | --conversions | --against REV | --badges | --standby |" \
    "--failover]" >&2
  exit 2
}
quick=0 tls_only=0 conversions=0 badges=0 standby=0 failover=0 against='' knobs=''
case ${1:-} in
  --quick) quick=1 ;;
  --tls-only) tls_only=1 ;;
  --conversions) conversions=1 ;;
  --badges) badges=1 ;;
  --standby) standby=1 ;;
  --failover) failover=1 ;;
  --against) if (($# != 2)) || [[ -z $2 ]]; then usage; fi; against=$2 ;;
  "") ;;
  *) usage ;;
esac
readonly RUNS=3
# Comparisons by turns (the cost of TLS, --against, --badges, --standby): TURNS rounds of runs,
# one on each side.
if ((tls_only || badges || standby)) || [[ -n $against ]]; then
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
declare -A PAIR_COMMAND=() PAIR_QUERY=() PAIR_CLIENT=() PAIR_DATABASE=() PAIR_PROJECT=()
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

echo "== build ($BUILD_DIR, $BUILD_TYPE)"
targets=(loyalty-command loyalty-worker loyalty-bench loyalty-noop-server)
((conversions)) && targets=(loyalty-command loyalty-conversion-bench)
((failover)) && targets=(failover_test)
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
trap cleanup EXIT INT TERM

if ((failover)); then  # the test brings its own cluster and services
  failover_runs
  mkdir -p "$(dirname "$OUT")"
  splice_section "$OUT" "## Failover" failover_section
  echo "== wrote the failover figures into $OUT"
  exit 0
fi

echo "== PostgreSQL in $work/pgdata"
PG_LOCAL_OPTIONS="-c synchronous_commit=on -c max_connections=200" \
  bash scripts/pg-local.sh start "$work/pgdata" "$PG_PORT"
psql_run -d postgres -c "CREATE DATABASE loyalty"

sql "ALTER SYSTEM SET log_line_prefix = '%m [%p] '" && sql "SELECT pg_reload_conf()" >/dev/null
command_metrics=127.0.0.1:$(free_port)
query_metrics=127.0.0.1:$(free_port)
command_metrics_url=http://$command_metrics/metrics
query_metrics_url=http://$query_metrics/metrics

echo "== services (metrics on $command_metrics and $query_metrics)"
partner_flags=()
((conversions)) && partner_flags=(--partner_insecure_plaintext)  # the bench's own partner
"$bin/services/command/loyalty-command" serve --database_url="$DATABASE_URL" \
  --listen="$COMMAND_ADDRESS" --metrics_listen="$command_metrics" --pool_size=$POOL_SIZE \
  --insecure_plaintext "${partner_flags[@]}" >"$work/command.log" 2>&1 &
command_pid=$!
pids+=("$command_pid")
if ((conversions)); then  # no other process: the worker's jobs run in the bench tool
  wait_for_port "$COMMAND_ADDRESS"
  conversion_run
  mkdir -p "$(dirname "$OUT")"
  splice_section "$OUT" "## Conversions" conversion_section
  echo "== wrote the conversions into $OUT"
  exit 0
fi
query_pid=
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

# Plaintext, as the services of the record serve; the TLS runs add --insecure_plaintext=false and
# the TLS flags (the last --insecure_plaintext counts).
common=("--channels=$CHANNELS" "--concurrency=$CONCURRENCY" "--members=$MEMBERS"
        "--warmup_s=$WARMUP_S" "--duration_s=$DURATION_S" --insecure_plaintext)

if ((badges)); then  # two orgs of its own instead of the record's data set
  badges_compare
  mkdir -p "$(dirname "$OUT")"
  splice_section "$OUT" "## Badges" badges_section
  echo "== wrote the badges comparison into $OUT; failed calls: $(failed_calls)"
  exit 0
fi

if ((standby)); then  # the script's data set, read from a standby of its PostgreSQL
  standby_compare
  mkdir -p "$(dirname "$OUT")"
  splice_section "$OUT" "## Query replicas on a standby" standby_section
  echo "== wrote the standby comparison into $OUT; failed calls: $(failed_calls)"
  exit 0
fi

# Twice the members: the service's runs use the first MEMBERS, pgbench's command replays the
# others (replay_members below).
echo "== prepare ($((2 * MEMBERS)) members, $HISTORY purchases each)"
timeout 1800 "$bench" prepare --target="$COMMAND_ADDRESS" --members=$((2 * MEMBERS)) \
  --history=$HISTORY --insecure_plaintext \
  --prepare_concurrency=$POOL_SIZE

# The cost of mutual TLS: one pair --insecure_plaintext, one mutual TLS with an access policy.
readonly TLS_MIX=accrue=60,redeem=20,group_redeem=5,transfer=5
tls_dir=$work/pki
tls_client=(--insecure_plaintext=false --tls_ca="$tls_dir/ca.crt" --tls_cert="$tls_dir/operator.crt"
            --tls_key="$tls_dir/operator.key")

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
capture_member=$((MEMBERS - 1))
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

kind="the record"
((quick)) && kind="a **smoke run** (--quick: short runs on a shared machine; not the record)"

r_accrue=$(ratio "$svc_accrue" "$pg_accrue")
r_redeem=$(ratio "$svc_redeem" "$pg_redeem")
r_balances=$(ratio "$svc_balances" "$pg_balances")
r_hot=$(ratio "$svc_hot1" "$svc_accrue")
r_apply=$(ratio "$apply_rate" "$svc_accrue")
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
