#!/usr/bin/env bash
# The tests again under sanitizers (docs/reliability.md, "Sanitizers"), each in its own build
# directory: `asan` builds every unit and integration test with ASan+UBSan into build-asan/ and
# runs them; `tsan` builds the tests of our own concurrency with TSan into build-tsan/ and runs
# them; `all` (the default) does both. The first report of any sanitizer ends the test process
# with a failure, and the script fails when a test fails or none ran.
# Extra arguments go to ctest (e.g. `scripts/sanitize.sh tsan -R Pool`).
set -euo pipefail
cd "$(dirname "$0")/.."

which="${1:-all}"
shift || true
case "$which" in
  asan | tsan | all) ;;
  *) echo "usage: scripts/sanitize.sh asan|tsan|all [ctest arguments]" >&2; exit 2 ;;
esac

bash scripts/install-deps.sh

# Every report is fatal, with the stack that led to it.
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:detect_leaks=1:strict_string_checks=1:\
check_initialization_order=1:detect_stack_use_after_return=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/sanitize/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:report_error_type=1"
export TSAN_OPTIONS="halt_on_error=1:exitcode=66:second_deadlock_stack=1"

# build_and_test DIR SANITIZERS TARGET [ctest arguments]
build_and_test() {
  local dir="$1" sanitizers="$2" target="$3"
  shift 3
  local start=$SECONDS
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DLOYALTY_SANITIZE=$sanitizers" >/dev/null
  cmake --build "$dir" -j "${LOYALTY_BUILD_JOBS:-2}" --target "$target"
  local built=$SECONDS
  # Only the targets above are built: the tests of the others are unlabelled *_NOT_BUILT
  # placeholders, left out by the label filter. Left out too: the Python helpers' tests (not
  # C++), and ServerProcessTest, which counts glibc malloc's arenas: a sanitizer replaces malloc.
  ctest --test-dir "$dir" --output-on-failure --no-tests=error -j "${LOYALTY_TEST_JOBS:-2}" \
    --timeout 1200 -L '^(unit|integration)$' -E '_py_test$|^ServerProcessTest[.]' "$@"
  echo "sanitize.sh: $dir ($sanitizers): build $((built - start)) s, tests $((SECONDS - built)) s"
}

if [ "$which" = asan ] || [ "$which" = all ]; then
  build_and_test build-asan address,undefined sanitize_address_tests "$@"
fi
if [ "$which" = tsan ] || [ "$which" = all ]; then
  build_and_test build-tsan thread sanitize_thread_tests "$@"
fi
