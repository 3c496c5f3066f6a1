#!/usr/bin/env bash
# The ctest fixture of image_test: builds the container image from this build tree's binaries
# (scripts/image.sh --runtime-only; the full build compiles everything again, too long for CI) and
# unpacks its root filesystem into OUT_DIR/rootfs, with the image's configured user in
# OUT_DIR/user and its PATH in OUT_DIR/path.
#   tests/image/image_rootfs.sh BUILD_DIR OUT_DIR
set -euo pipefail
build_dir=$(realpath "$1")
out_dir=$2
cd "$(dirname "$0")/../.."

# One tag per build tree, so that two checkouts on one machine do not build over each other.
tag=localhost/loyalty:test-$(printf '%s' "$build_dir" | sha256sum | cut -c1-12)
image_id() { buildah inspect --type image --format '{{.FromImageID}}' "$tag" 2>/dev/null || true; }
old_image=$(image_id)
bash scripts/image.sh --runtime-only --binaries "$build_dir" --tag "$tag" >/dev/null
new_image=$(image_id)
# The previous image of this tag, now untagged, would pile up at every run.
if [[ -n $old_image && $old_image != "$new_image" ]]; then
  buildah rmi "$old_image" >/dev/null 2>&1 || true
fi

rm -rf "$out_dir"
mkdir -p "$out_dir"
container=$(buildah from --pull=never --quiet "$tag")
trap 'buildah rm "$container" >/dev/null' EXIT
cp -a "$(buildah mount "$container")" "$out_dir/rootfs"
buildah umount "$container" >/dev/null
buildah inspect --type image --format '{{.OCIv1.Config.User}}' "$tag" >"$out_dir/user"
buildah inspect --type image --format '{{range .OCIv1.Config.Env}}{{println .}}{{end}}' "$tag" |
  sed -n 's/^PATH=//p' >"$out_dir/path"
echo "image_rootfs: $tag unpacked into $out_dir/rootfs"
