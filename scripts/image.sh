#!/usr/bin/env bash
# Builds the container image from Containerfile with buildah (docs/deploy.md, "Container image").
#
#   scripts/image.sh                      the full multi-stage build: compile Release in the build
#                                         stage, then the runtime stage (tens of minutes on 2 cores)
#   scripts/image.sh --runtime-only [--binaries DIR]
#                                         only the runtime stage, from the four binaries already
#                                         built in DIR (a CMake build tree, default build/); the
#                                         image test uses this
#   --base IMAGE      the Debian 12 base image of both stages (e.g. docker.io/library/debian:
#                     bookworm-slim on a host that reaches a registry). Without it the base is made
#                     here from Debian's packages: `mmdebstrap --variant=minbase bookworm` into a
#                     tarball cached in ${XDG_CACHE_HOME:-~/.cache}/loyalty/ (reused when present;
#                     delete it to refresh), imported as localhost/loyalty-base:bookworm
#   --tag NAME        the image's name (default localhost/loyalty:VERSION, VERSION the appVersion
#                     of helm/loyalty/Chart.yaml, the tag the chart runs by default)
#   --jobs N          parallel compile jobs in the build stage (default 2)
#
# Steps whose inputs did not change are taken from buildah's layer cache (--layers): a second
# --runtime-only build re-installs no packages. `buildah rmi --prune` empties that cache.
# Builds run with `buildah bud --isolation chroot`: no OCI runtime is needed (none can run
# containers in this sandbox). Prints the image's name on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly LOCAL_BASE=localhost/loyalty-base:bookworm
readonly CACHE_DIR=${XDG_CACHE_HOME:-~/.cache}/loyalty
readonly ROOTFS_TAR=$CACHE_DIR/bookworm-minbase.tar
readonly BINARIES=(
  services/command/loyalty-command
  services/query/loyalty-query
  services/worker/loyalty-worker
  tools/loyaltyctl/loyaltyctl
)

usage() {
  echo "usage: scripts/image.sh [--base IMAGE] [--tag NAME] [--jobs N]" \
    "[--runtime-only [--binaries DIR]]" >&2
  exit 2
}

version=$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' helm/loyalty/Chart.yaml)
base=""
tag=localhost/loyalty:${version:?no appVersion in helm/loyalty/Chart.yaml}
jobs=2
runtime_only=false
binaries_dir=build
while [[ $# -gt 0 ]]; do
  case "$1" in
    --base) base=${2:?}; shift 2 ;;
    --tag) tag=${2:?}; shift 2 ;;
    --jobs) jobs=${2:?}; shift 2 ;;
    --runtime-only) runtime_only=true; shift ;;
    --binaries) binaries_dir=${2:?}; shift 2 ;;
    *) usage ;;
  esac
done
[[ $jobs =~ ^[1-9][0-9]?$ ]] || usage

for tool in buildah mmdebstrap; do
  command -v "$tool" >/dev/null || {
    echo "image.sh: $tool is missing: run scripts/install-deps.sh" >&2
    exit 1
  }
done

# The Debian 12 minbase root filesystem as a tarball, made once (a few minutes) and kept outside
# the checkout. Like Debian's -slim images, dpkg leaves out manuals, translations and
# documentation but the copyright files (also in the packages installed later: mmdebstrap keeps
# these options in /etc/dpkg/dpkg.cfg.d/). Written to a temporary name first, so that an
# interrupted run leaves no half tarball.
make_rootfs_tar() {
  [[ -s $ROOTFS_TAR ]] && return 0
  mkdir -p "$CACHE_DIR"
  echo "image.sh: making $ROOTFS_TAR (mmdebstrap --variant=minbase bookworm)" >&2
  local tmp=$ROOTFS_TAR.partial.tar
  mmdebstrap --variant=minbase --skip=output/dev --quiet \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-include=/usr/share/locale/locale.alias' \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    bookworm "$tmp" \
    "deb http://deb.debian.org/debian bookworm main" \
    "deb http://deb.debian.org/debian bookworm-updates main" \
    "deb http://deb.debian.org/debian-security bookworm-security main"
  mv "$tmp" "$ROOTFS_TAR"
}

# The local base image from the tarball, unless it is in buildah's store already. (buildah has no
# `import`: an empty container gets the tarball unpacked into it and is committed.)
import_base() {
  buildah inspect --type image "$LOCAL_BASE" >/dev/null 2>&1 && return 0
  make_rootfs_tar
  echo "image.sh: importing $ROOTFS_TAR as $LOCAL_BASE" >&2
  local container
  container=$(buildah from scratch)
  buildah add --quiet "$container" "$ROOTFS_TAR" / >/dev/null
  buildah config --cmd /bin/bash \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$container"
  buildah commit --quiet --rm "$container" "$LOCAL_BASE" >/dev/null
}

if [[ -z $base ]]; then
  import_base
  base=$LOCAL_BASE
fi

revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)
build_args=(
  --isolation chroot
  --layers
  --build-arg "BASE_IMAGE=$base"
  --build-arg "BUILD_JOBS=$jobs"
  --build-arg "LOYALTY_COMMIT=${revision:0:12}"
  --label "org.opencontainers.image.revision=$revision"
  --label "org.opencontainers.image.version=$version"
  --file Containerfile
  --tag "$tag"
)

if $runtime_only; then
  # The runtime stage alone: the build stage is replaced by a build context holding the
  # binaries (stripped of debug information) where that stage would have put them.
  staging=$(mktemp -d)
  trap 'rm -rf "$staging"' EXIT
  mkdir -p "$staging/out/usr/local/bin"
  for binary in "${BINARIES[@]}"; do
    [[ -x $binaries_dir/$binary ]] || {
      echo "image.sh: $binaries_dir/$binary is missing: build it first (scripts/build.sh)" >&2
      exit 1
    }
    strip --strip-debug -o "$staging/out/usr/local/bin/$(basename "$binary")" \
      "$binaries_dir/$binary"
  done
  build_args+=(--build-context "build=$staging")
fi

start=$SECONDS
buildah bud "${build_args[@]}" . >&2
echo "image.sh: built $tag from $base in $((SECONDS - start)) s" \
  "($($runtime_only && echo runtime stage only || echo full build))" >&2
echo "$tag"
