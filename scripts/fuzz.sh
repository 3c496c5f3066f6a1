#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ (clang-14, ASan + UBSan) into build-fuzz/ and runs each
# for SECONDS (default 600), two at a time, from its seed corpus fuzz/corpus/<target>/. New
# inputs go to build-fuzz/corpus/<target>/ (the repository's corpus is only read), each target's
# log to build-fuzz/logs/<target>.log, a crashing input to build-fuzz/findings/. Prints a table of
# execs and coverage per target; fails when any target found something.
#   scripts/fuzz.sh [SECONDS]     scripts/test.sh runs it with 5 seconds a target.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
bash scripts/install-deps.sh
cmake -S . -B build-fuzz -G Ninja -DLOYALTY_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j "${LOYALTY_BUILD_JOBS:-2}"

targets=(accrue reverse redeem transfer reservation cancel sequence partner badge
         get_balances list_redemptions list_ledger_entries get_tier_progress get_household)
mkdir -p build-fuzz/logs build-fuzz/findings
run_target() {
  local target="$1" seconds="$2"
  mkdir -p "build-fuzz/corpus/$target"
  if UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ASAN_OPTIONS=detect_leaks=1 \
      "build-fuzz/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=4096 -print_final_stats=1 -artifact_prefix="build-fuzz/findings/$target-" \
      "build-fuzz/corpus/$target" "fuzz/corpus/$target" >"build-fuzz/logs/$target.log" 2>&1; then
    echo "ok $target"
  else
    echo "FAILED $target (build-fuzz/logs/$target.log)"
  fi
}
export -f run_target
results=$(printf '%s\n' "${targets[@]}" | xargs -P 2 -I{} bash -c "run_target {} $seconds")

printf '%-20s %12s %8s %8s\n' target execs cov ft
total=0
for target in "${targets[@]}"; do
  log="build-fuzz/logs/$target.log"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 || true)
  cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.*ft: \([0-9]*\).*/\1/p' <<<"$last")
  printf '%-20s %12s %8s %8s\n' "$target" "${execs:-?}" "${cov:-?}" "${ft:-?}"
  total=$((total + ${execs:-0}))
done
echo "total execs: $total"
if grep -q '^FAILED' <<<"$results"; then
  grep '^FAILED' <<<"$results"
  exit 1
fi
