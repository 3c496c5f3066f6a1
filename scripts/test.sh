#!/usr/bin/env bash
# The whole test suite: install, build, then unit, integration, end-to-end, chart, monitoring and
# container image tests (every ctest label, `image` included), then a short run (5 s) of every
# fuzz target (scripts/fuzz.sh, build-fuzz/). Each test process starts its own throwaway
# PostgreSQL; nothing outside build/, build-fuzz/ and /tmp is touched but the image test's
# (docs/deploy.md, "Container image"): buildah's store and the base root filesystem's cache
# (~/.cache/loyalty/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
ctest --test-dir build --output-on-failure --no-tests=error -j "${LOYALTY_TEST_JOBS:-2}" \
  --timeout 600 "$@"
bash scripts/fuzz.sh "${LOYALTY_FUZZ_SECONDS:-5}"
