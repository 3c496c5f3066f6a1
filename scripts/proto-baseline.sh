#!/usr/bin/env bash
# Makes the compatibility baseline of the protos from a release tag: a buf image (the compiled
# descriptors) of the tag's protos/, in protos/baseline/<tag>.binpb, replacing the previous one.
# `buf breaking` compares the working tree's protos with it (tests/protos, docs/api.md); the image
# is checked in so that the check works in a clone without tags. Run it when a release is tagged:
#
#   scripts/proto-baseline.sh v0.6.0
#
# Needs the tag in this clone (git fetch --tags) and the buf binary that scripts/install-deps.sh
# installs (tests/protos/node).
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${1:?usage: scripts/proto-baseline.sh TAG (a release tag, e.g. v0.6.0)}
buf=tests/protos/node/node_modules/.bin/buf
[ -x "$buf" ] || { echo "proto-baseline: $buf is missing: run scripts/install-deps.sh" >&2; exit 1; }
git rev-parse --verify --quiet "refs/tags/$tag" >/dev/null ||
  { echo "proto-baseline: no tag '$tag' in this clone" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git archive "$tag" protos | tar -x -C "$work"
# Only the .proto files count: a later buf.yaml of the tag would only repeat what ours says.
find "$work/protos" -type f ! -name '*.proto' -delete
export BUF_CACHE_DIR="$work/cache"
"$buf" build "$work/protos" --exclude-source-info -o "$work/image.binpb"
mkdir -p protos/baseline
rm -f protos/baseline/*.binpb
mv "$work/image.binpb" "protos/baseline/$tag.binpb"
echo "protos/baseline/$tag.binpb: the protos of $tag ($(git rev-parse --short "$tag^{commit}"))"
