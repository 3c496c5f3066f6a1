# shellcheck shell=bash
# scripts/bench.sh --conversions: the worker's partner conversions (loyalty-conversion-bench) and
# the section it writes. Sourced by scripts/bench.sh; the functions read its settings and state.

readonly CONVERSION_MEMBERS=10000 CONVERSION_LOTS_PER_MEMBER=10

conversion_run() {
  echo "== conversions: $CONVERSION_MEMBERS members x $CONVERSION_LOTS_PER_MEMBER matured lots"
  sql "CHECKPOINT" >/dev/null
  timeout 3600 "$bin/tools/bench/loyalty-conversion-bench" --target="$COMMAND_ADDRESS" \
    --database_url="$DATABASE_URL" --members=$CONVERSION_MEMBERS \
    --lots_per_member=$CONVERSION_LOTS_PER_MEMBER --batch=500 --threads=$POOL_SIZE \
    | tee "$work/conversions.txt"
}

# conversion_figure PATTERN FIELD: the FIELD-th word of the report's line matching PATTERN.
conversion_figure() { awk -v pattern="$1" -v field="$2" '$0 ~ pattern {print $field}' \
  "$work/conversions.txt"; }

conversion_section() {
  run_header "Conversions" "in one run"
  cat <<EOF_CONVERSIONS

The worker's partner conversion ([partners.md](partners.md#conversion)) by
\`tools/bench/conversion_bench.cc\`: through loyalty-command's API (\`--pool_size=$POOL_SIZE\`,
plaintext), $CONVERSION_MEMBERS members, each linked to a partner account and given
$CONVERSION_LOTS_PER_MEMBER awards (lots) of 10 points, matured at once (return window 0; 10 local
points buy 1); then the worker's jobs in-process, as loyalty-worker runs them (\`--batch=500\`, a
pool of 4): \`convert_points\` until nothing is left (one conversion per member, debiting its
lots), then \`send_conversions\` until every conversion is confirmed, each a call to a partner
that answers at once (its own cost is not measured; the calls are made one after another, as the
job makes them). The baseline, in the same run on the same database: as many lots again, expiring
after two seconds, and the worker's \`expire_points\` job over them (the same shape of work: per
member, lock, read the lots, consume them, write entries and the outbox event).

| figure | value |
| --- | ---: |
| lots converted | $(conversion_figure '^conversions:' 5) |
| conversions confirmed | $(conversion_figure '^conversions:' 2) |
| whole run (debit + send), s | $(conversion_figure '^conversions:' 8) |
| conversions/s | $(conversion_figure '^conversions/s' 2) |
| lots converted/s | $(conversion_figure '^conversions/s' 4) |
| expiry (baseline) lots/s | $(conversion_figure '^expiry baseline' 9) |
| conversion lots/s / expiry lots/s | $(conversion_figure 'expiry lots/s' 6) |

The tool's report: $(grep -E '^(set-up|conversions):' "$work/conversions.txt" | paste -sd ';' -).
EOF_CONVERSIONS
}
