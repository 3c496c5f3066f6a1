#!/usr/bin/env bash
# Installs every build, test and run dependency from Debian 12 packages, and the Node client's
# packages (tests/e2e/node) from the npm registry at the versions of its package-lock.json.
# Idempotent: installs only what is missing, so a second run is quick and touches nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config
  libgrpc++-dev libgrpc-dev protobuf-compiler protobuf-compiler-grpc libprotobuf-dev
  libabsl-dev libpq-dev prometheus-cpp-dev
  libgtest-dev libgmock-dev
  postgresql-15 postgresql-client-15
  python3-grpcio python3-grpc-tools python3-protobuf
  clang-14 libclang-rt-14-dev
  openssl
  prometheus  # promtool: checks and unit-tests the alert rules (tests/monitoring)
)
# Node.js and npm, Debian's unless the machine has its own (whose nodejs package includes npm and
# conflicts with Debian's).
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  echo "installing: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
fi

# npm ci again only when the lock file changed since the last one (a copy kept in node_modules).
node_dir=tests/e2e/node
if ! cmp -s "$node_dir/package-lock.json" "$node_dir/node_modules/.installed-lock.json"; then
  echo "installing: $node_dir/node_modules (npm ci)"
  (cd "$node_dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  cp "$node_dir/package-lock.json" "$node_dir/node_modules/.installed-lock.json"
fi
