#!/usr/bin/env bash
# The whole test suite: install, build, then unit, integration and end-to-end tests. Each test
# process starts its own throwaway PostgreSQL; nothing outside build/ and /tmp is touched.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
ctest --test-dir build --output-on-failure --no-tests=error -j "${LOYALTY_TEST_JOBS:-2}" \
  --timeout 600 "$@"
