# shellcheck shell=bash
# scripts/bench.sh --failover: the write outage of a primary failover under load, from the
# failover test (tests/fault/failover_test.cc) run FAILOVER_RUNS times, and the section it
# writes. Sourced by scripts/bench.sh; the functions read its settings and state ($work, $bin).

readonly FAILOVER_RUNS=${LOYALTY_BENCH_FAILOVER_RUNS:-5}

# Each run: a one-node etcd, Patroni over two PostgreSQL nodes with synchronous replication,
# loyalty-command and loyalty-query on the multi-host URL, a load of 480 commands with retries;
# the primary's postmaster killed (kill -9) once a third are acknowledged.
failover_runs() {
  local i
  for i in $(seq 1 "$FAILOVER_RUNS"); do
    timeout 300 "$bin/tests/fault/failover_test" >"$work/failover-$i.txt" 2>&1 || true
    echo "  failover run $i: $(grep -m1 '^failover: write outage' "$work/failover-$i.txt" ||
      echo "failed (see the test's output)")" >&2
  done
}

# failover_figure I PATTERN: the number after PATTERN in run I's "failover:" lines, or n/a.
failover_figure() {
  sed -n "s/^failover.*$2 \([0-9.]*\).*/\1/p" "$work/failover-$1.txt" | head -n 1 | grep . ||
    echo n/a
}

failover_section() {
  local i rows='' outages=() failovers=()
  for i in $(seq 1 "$FAILOVER_RUNS"); do
    outages+=("$(failover_figure "$i" 'write outage')")
    failovers+=("$(failover_figure "$i" 'failover (Patroni)')")
    rows+="| $i | ${failovers[-1]} | ${outages[-1]} | $(failover_figure "$i" 'retried') |"
    rows+=" $(failover_figure "$i" 'replayed') | $(failover_figure "$i" 'lost') |"
    rows+=" $(failover_figure "$i" 'duplicated') |"$'\n'
  done
  run_header "Failover" "in $FAILOVER_RUNS runs"
  cat <<EOF_FAILOVER

The failover test (\`tests/fault/failover_test.cc\`, [operations.md](operations.md), "High
availability (Patroni)"), $FAILOVER_RUNS runs: a one-node etcd and Patroni 3.0 over two
PostgreSQL 15 nodes with synchronous replication (\`ttl 10, loop_wait 2, retry_timeout 3,
primary_start_timeout 0\`); loyalty-command and loyalty-query on the multi-host URL
(\`target_session_attrs=read-write\`); 4 clients sending 480 accruals, redemptions and transfers
with idempotency keys, retrying UNAVAILABLE and DEADLINE_EXCEEDED with the same key (backoff up
to 0.5 s); the primary's postmaster killed (\`kill -9\`) once a third were acknowledged.
*Failover* is the time from the kill until the former standby is Patroni's leader and accepts
writes; *write outage* the longest time after the kill in which no command was acknowledged (the
clients' backoff included). In seconds.

| run | failover | write outage | retried | replayed | lost | duplicated |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows%$'\n'}

Medians: failover $(printf '%s\n' "${failovers[@]}" | sed '/^n\/a$/d' | median) s, write outage $(printf '%s\n' "${outages[@]}" | sed '/^n\/a$/d' | median) s.
*Replayed*: commands whose commit the kill left unanswered, answered on their retry from the
idempotency record.
EOF_FAILOVER
}
