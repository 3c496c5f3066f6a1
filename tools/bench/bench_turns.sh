# shellcheck shell=bash
# scripts/bench.sh: the comparisons by turns (--tls-only, --against, --badges): two pairs of services (or two orgs of one), their runs in turns and the sections they write.
# Sourced by scripts/bench.sh; the functions read its settings and state ($work, $bin, ...).

# Comparisons by turns in one run (the cost of mutual TLS, --against): two pairs of loyalty-command
# and loyalty-query, alike but for one thing (their security; their build), on the same database
# (--against: each on its own, PAIR_DATABASE), neither projecting the script's database (the
# script's own loyalty-query does; PAIR_PROJECT), and the same closed-loop load on the
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
  local database=${PAIR_DATABASE[$side]:-$DATABASE_URL}
  "$dir/services/command/loyalty-command" serve --database_url="$database" \
    --listen="${PAIR_COMMAND[$side]}" --metrics_listen="127.0.0.1:$(free_port)" \
    --pool_size=$POOL_SIZE "$@" >"$work/command-$side.log" 2>&1 &
  pids+=($!)
  "$dir/services/query/loyalty-query" serve --database_url="$database" \
    --listen="${PAIR_QUERY[$side]}" --metrics_listen="127.0.0.1:$(free_port)" \
    --pool_size=$QUERY_POOL_SIZE --project="${PAIR_PROJECT[$side]:-false}" "$@" \
    >"$work/query-$side.log" 2>&1 &
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
  ((tls_only || badges || standby)) || [[ -n $against ]] &&
    note="a shared machine: other work may have run beside it; the turns give any
such drift to both sides"
  ((failover)) && note="a shared machine: other work may have run beside it"
  cat <<EOF_HEADER
## $1

Measured ${2:-by turns in one run} by \`$command_line\` on $(date -u +%Y-%m-%d) at commit
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

# --against REV: one pair built from REV, one from this tree, both --insecure_plaintext. REV's
# binaries refuse a schema newer than they know (pg::Migrate: FAILED_PRECONDITION), so REV's pair
# runs on a database of its own, in the same PostgreSQL: migrated by REV's loyalty-command, given
# the same data set through REV's API (loyalty-bench prepare is deterministic) and projected by
# REV's loyalty-query; this tree's pair runs on the script's database.
against_compare() {
  local sides=("$against_short" this-tree) rev_database=loyalty_against
  echo "== this tree against $against_short ($TURNS turns: $against_short first on odd turns, this tree on even)"
  psql_run -d postgres -c "CREATE DATABASE $rev_database"
  PAIR_DATABASE[$against_short]=postgresql://postgres@127.0.0.1:$PG_PORT/$rev_database
  PAIR_PROJECT[$against_short]=true
  pair_start "$against_short" "$against_bin" -- --insecure_plaintext
  echo "== prepare $against_short's database ($((2 * MEMBERS)) members, $HISTORY purchases each)"
  timeout 1800 "$bench" prepare --target="${PAIR_COMMAND[$against_short]}" \
    --members=$((2 * MEMBERS)) --history=$HISTORY --insecure_plaintext \
    --prepare_concurrency=$POOL_SIZE
  wait_caught_up "$rev_database"
  pair_start this-tree "$bin" -- --insecure_plaintext
  pair_turns accrue accrue=1 "${sides[@]}"
  pair_turns redeem redeem=1 "${sides[@]}"
  wait_caught_up "$rev_database"
  [[ -z $query_pid ]] || wait_caught_up
  pair_turns balances get_balances=1 "${sides[@]}"
}

against_section() {
  local rev=$against_short
  run_header "This tree against $rev"
  cat <<EOF_AGAINST

Two pairs of loyalty-command and loyalty-query (\`--pool_size=$POOL_SIZE\` each, all
\`--insecure_plaintext\`), alike but for their build: one from $rev
(committed $(git log -1 --format=%cs "$against_commit")), one from this tree, both $BUILD_TYPE.
Each pair has a database of its own in the same PostgreSQL, with its build's schema ($rev's
binaries refuse a newer one) and the same data set, made through its own API by
\`loyalty-bench prepare\`, and its own projector. The same loyalty-bench load, closed loop
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
