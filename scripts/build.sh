#!/usr/bin/env bash
# Installs what is missing and builds everything into build/ (Ninja, 2 parallel jobs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "${LOYALTY_BUILD_JOBS:-2}"
