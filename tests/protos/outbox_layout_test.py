"""The outbox events kept their layout when they moved from loyalty.v1 (loyalty/v1/events.proto,
up to 0.5.0) to loyalty.internal.v1: every message of the baseline's events.proto has a
counterpart of the same name in loyalty.internal.v1 with the same fields (number, name, type,
label, message or enum type), so outbox rows written by an older release still parse.

usage: outbox_layout_test.py BUF BASELINE_IMAGE PROTOS_DIR
"""
import os
import subprocess
import sys
import tempfile

from google.protobuf import descriptor_pb2

OLD_FILE, OLD_PACKAGE = "loyalty/v1/events.proto", "loyalty.v1"
NEW_FILE, NEW_PACKAGE = "loyalty/internal/v1/events.proto", "loyalty.internal.v1"


def load_image(path):
  images = descriptor_pb2.FileDescriptorSet()  # a buf image is wire-compatible with it
  with open(path, "rb") as f:
    images.ParseFromString(f.read())
  return {file.name: file for file in images.file}


def layout(file, package):
  """{message name: [(number, name, type, label, type name with the package made relative)]}."""
  own = "." + package + "."
  def type_name(name):
    return name[len(own):] if name.startswith(own) else name
  return {
      message.name: sorted((field.number, field.name, field.type, field.label,
                            type_name(field.type_name)) for field in message.field)
      for message in file.message_type
  }


def main(buf, baseline, protos):
  with tempfile.TemporaryDirectory() as work:
    current = os.path.join(work, "current.binpb")
    env = dict(os.environ, BUF_CACHE_DIR=os.path.join(work, "cache"))
    subprocess.run([buf, "build", protos, "--exclude-source-info", "-o", current], check=True,
                   env=env)
    old = load_image(baseline)[OLD_FILE]
    new = load_image(current)[NEW_FILE]
  assert old.package == OLD_PACKAGE and new.package == NEW_PACKAGE, (old.package, new.package)
  old_layout, new_layout = layout(old, OLD_PACKAGE), layout(new, NEW_PACKAGE)
  # Types the events take from the public package are named in full now.
  for fields in new_layout.values():
    for i, (number, name, kind, label, type_name) in enumerate(fields):
      if type_name.startswith("." + OLD_PACKAGE + "."):
        fields[i] = (number, name, kind, label, type_name[len(OLD_PACKAGE) + 2:])
  failures = []
  for message, fields in sorted(old_layout.items()):
    if message not in new_layout:
      failures.append(f"{message}: missing from {NEW_PACKAGE}")
      continue
    added = {field[0] for field in new_layout[message]} - {field[0] for field in fields}
    kept = [field for field in new_layout[message] if field[0] not in added]
    if kept != fields:
      failures.append(f"{message}: fields {fields} became {kept}")
  for failure in failures:
    print("FAIL:", failure)
  print(f"{len(old_layout) - len(failures)} passed, {len(failures)} failed")
  return 1 if failures else 0


if __name__ == "__main__":
  sys.exit(main(*sys.argv[1:]))
