# shellcheck shell=bash
# scripts/bench.sh --badges: accrue throughput with ten active badge definitions against none, by
# turns (pair_turns, bench_turns.sh), and the section it writes. Sourced by scripts/bench.sh; the
# functions read its settings and state ($work, $bin, ...).

readonly PLAIN_ORG=bench BADGES_ORG=bench-badges

# One loyalty-command (the script's) and two orgs prepared alike through its API by loyalty-bench
# prepare: PLAIN_ORG without badges, BADGES_ORG with the ten of tools/bench/badges.h in shop
# (--badges: defined before the members, so that their history already holds the lowest levels).
# The two sides of pair_turns are the orgs: the same target, the load's --org in PAIR_CLIENT.
# loyalty-query (its projector) is stopped for the turns, as for the record's command runs; the
# worker runs (its tenure round finds no level due: the members enrolled minutes ago).
badges_compare() {
  local org flags
  for org in "$PLAIN_ORG" "$BADGES_ORG"; do
    flags=()
    [[ $org == "$BADGES_ORG" ]] && flags=(--badges)
    echo "== prepare $org ($MEMBERS members, $HISTORY purchases each; ${flags[*]:-no badges})"
    timeout 1800 "$bench" prepare --target="$COMMAND_ADDRESS" --org="$org" --members=$MEMBERS \
      --history=$HISTORY --insecure_plaintext --prepare_concurrency=$POOL_SIZE "${flags[@]}"
  done
  PAIR_COMMAND[no-badges]=$COMMAND_ADDRESS PAIR_QUERY[no-badges]=$QUERY_ADDRESS
  PAIR_COMMAND[badges]=$COMMAND_ADDRESS PAIR_QUERY[badges]=$QUERY_ADDRESS
  PAIR_CLIENT[no-badges]=--org=$PLAIN_ORG PAIR_CLIENT[badges]=--org=$BADGES_ORG
  stop_query
  badge_trips no-badges "$PLAIN_ORG"
  badge_trips badges "$BADGES_ORG"
  badges_from="'$(sql "SELECT now()")'::timestamptz"  # the turns' start, an SQL literal
  echo "== accrue, no badges against 10 badges ($TURNS turns: no badges first on odd turns)"
  pair_turns accrue accrue=1 no-badges badges
}

# badge_trips SIDE ORG: the command pool's database round trips (loyalty_db_round_trips_total) of
# one accrue of ORG's last member, after one that puts the member in the service's cache as a
# steady load does, into $work/trips-SIDE.
badge_trips() {
  local step
  for step in warm count; do
    [[ $step == warm ]] || scrape "$command_metrics_url" "$work/trips-$1.before"
    timeout 30 "$bench" once --target="$COMMAND_ADDRESS" --org="$2" --members=$MEMBERS \
      --member_index=$((MEMBERS - 1)) --op=accrue --key="trips-$step-$$" --insecure_plaintext \
      >/dev/null
  done
  scrape "$command_metrics_url" "$work/trips-$1.after"
  prom counter "$work/trips-$1.before" "$work/trips-$1.after" loyalty_db_round_trips_total \
    pool=command | sed 's/\.0*$//' >"$work/trips-$1"
}

# turn_ratios NAME A B: each turn's B/A calls/s, then (after ";") their median.
turn_ratios() {
  local i a b ratios=()
  for i in $(seq 1 "$TURNS"); do
    a=$(json_number "$work/$1-$2-$i.json" throughput_per_s 2>/dev/null || echo n/a)
    b=$(json_number "$work/$1-$3-$i.json" throughput_per_s 2>/dev/null || echo n/a)
    ratios+=("$(ratio "$b" "$a")")
  done
  echo "${ratios[*]}; their median: $(printf '%s\n' "${ratios[@]}" | sed '/^n\/a$/d' | median)"
}

# badges_value SELECT: one figure of the section, n/a when the query fails.
badges_value() { sql "$1" 2>>"$work/badges-sql.log" || echo n/a; }

badges_section() {
  local badges_ratio from=$badges_from awarded accrues by_minute
  badges_ratio=$(ratio "$(service_median accrue-badges "$TURNS")" \
    "$(service_median accrue-no-badges "$TURNS")")
  awarded=$(badges_value "SELECT count(*) || ' (' || count(*) FILTER (WHERE bonus_points > 0)
      || ' with bonus points, ' || coalesce(sum(bonus_points), 0) || ' points in all) to '
      || count(DISTINCT member_id) || ' members'
    FROM member_badges WHERE org_id = '$BADGES_ORG' AND awarded_at >= $from")
  accrues=$(badges_value "SELECT count(*) FROM purchases
    WHERE org_id = '$BADGES_ORG' AND created_at >= $from")
  by_minute=$(badges_value "SELECT coalesce(string_agg(n::text, ', ' ORDER BY minute), 'none')
    FROM (SELECT floor(extract(epoch FROM awarded_at - $from) / 60) AS minute, count(*) AS n
      FROM member_badges WHERE org_id = '$BADGES_ORG' AND awarded_at >= $from GROUP BY 1) m")
  run_header "Badges"
  cat <<EOF_BADGES

Accrue (a purchase of \$100 in program shop, \`--mix=accrue=1\`) through one loyalty-command
(\`--pool_size=$POOL_SIZE\`, plaintext) on one database, on two orgs prepared alike through its
API by \`loyalty-bench prepare\` ($MEMBERS members each, $HISTORY purchases of \$1,000 in shop and
one in travel): \`$PLAIN_ORG\` without badges and \`$BADGES_ORG\` with ten active badge definitions
in shop (\`prepare --badges\`, tools/bench/badges.h; defined before the members, whose history so
holds the lowest levels). An accrue of a purchase there reads, in its first round trip, the
member's spend over the windows of the six spend badges and the levels it holds, and awards the
levels it reaches (a member_badges row each, and bonus points as a lot and a ledger entry); the
advocacy badges count actions (the load has none) and the tenure badges are the worker's. The
same loyalty-bench load, closed loop ($CONCURRENCY calls outstanding over $CHANNELS channels,
$MEMBERS members, warm-up ${WARMUP_S} s, measured ${DURATION_S} s, a \`CHECKPOINT\` before each
run), on each org, $TURNS turns (no badges first on odd turns, second on even ones);
loyalty-query is stopped during the turns (as for the record's command runs), the worker runs.
Figures are the medians of the turns; p99 is loyalty-bench's (client side), in µs.

| load | no badges calls/s | 10 badges calls/s | badges / none | no badges p99 | 10 badges p99 | badges / none |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
$(pair_row accrue "accrue (purchase)" no-badges badges)

Target: median calls/s with 10 badges / without ≥ 0.9: $badges_ratio, $(met "$badges_ratio" 0.9).

Each turn, calls/s no badges/10 badges: $(pair_each accrue no-badges badges); 10 badges / none
each turn: $(turn_ratios accrue no-badges badges).

Database round trips of one accrue (\`loyalty_db_round_trips_total\`, one call on a cached
member before the turns): no badges $(value "$work/trips-no-badges"), 10 badges
$(value "$work/trips-badges").

Levels awarded during the turns: $awarded, in $accrues accrues of \`$BADGES_ORG\` (warm-ups
included); by minute since the turns began: $by_minute.

The definitions (thresholds in minor units, points, actions or months; bonus points in
brackets), with the levels members held before the turns and those awarded during them:

| badge | criterion | window | levels | held before | awarded during |
| --- | --- | --- | --- | ---: | ---: |
$(badges_value "SELECT format('| %s | %s | %s | %s | %s | %s |', b.badge_id,
    CASE WHEN b.criterion = 'advocacy' THEN 'advocacy: ' || b.action_code
         ELSE replace(b.criterion, '_', ', ') END,
    CASE WHEN b.criterion LIKE 'spend%' THEN CASE b.window_days WHEN 0 THEN 'lifetime'
         ELSE b.window_days || ' days' END ELSE '–' END,
    (SELECT string_agg(l.threshold || CASE WHEN l.bonus_points > 0
         THEN ' (' || l.bonus_points || ')' ELSE '' END, ', ' ORDER BY l.number)
       FROM badge_levels l
       WHERE (l.org_id, l.program_id, l.badge_id) = (b.org_id, b.program_id, b.badge_id)),
    count(*) FILTER (WHERE m.awarded_at < $from), count(*) FILTER (WHERE m.awarded_at >= $from))
  FROM badges b LEFT JOIN member_badges m USING (org_id, program_id, badge_id)
  WHERE b.org_id = '$BADGES_ORG' GROUP BY b.org_id, b.program_id, b.badge_id
  ORDER BY min(b.updated_at), b.badge_id")

Failed calls (every run, by status code): $(failed_calls)

Cores each program used during the first turn (\`tools/bench/cpu_share.py\`; 2.00 is the whole
machine):

| run | cores by program |
| --- | --- |
$(pair_cores "no-badges badges" accrue)
EOF_BADGES
}
