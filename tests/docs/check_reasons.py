#!/usr/bin/env python3
"""Every reason code the sources can return is in docs/errors.md.

The reason codes are the upper-snake string constants of libs/ and services/ that some code uses
(`inline constexpr char kName[] = "CODE";`), the literals passed as a reason
(`WithReason(..., "CODE")`, DefaultReason's cases in libs/rpc/status.cc), and the kinds of
NotFound("what", ...) and AlreadyExists("what", ...): WHAT_NOT_FOUND, WHAT_ALREADY_EXISTS.

  check_reasons.py SOURCE_DIR     exit 1 and list the codes docs/errors.md does not name
"""
import pathlib
import re
import sys

CONSTANT = re.compile(r'inline constexpr char (k\w+)\[\] = "([A-Z][A-Z0-9_]+)";')
RETURNED = re.compile(r'return "([A-Z][A-Z0-9_]+)";')
WITH_REASON = re.compile(r'WithReason\([^;]*?"([A-Z][A-Z0-9_]+)"\)', re.DOTALL)
KIND = re.compile(r'\b(NotFound|AlreadyExists)\("([a-z ]+)"')
# Constants that are not reason codes.
NOT_REASONS = {"kCommit", "kRollback"}


def sources(root):
    for top in ("libs", "services"):
        for path in sorted((root / top).rglob("*")):
            if path.suffix in (".cc", ".h"):
                yield path, path.read_text(encoding="utf-8")


def reason_codes(root):
    texts = dict(sources(root))
    everything = "\n".join(texts.values())
    codes = {}
    for path, text in texts.items():
        for name, code in CONSTANT.findall(text):
            used = len(re.findall(r"\b%s\b" % name, everything)) > 1
            if used and name not in NOT_REASONS:
                codes[code] = path
        if path.name == "status.cc":
            for code in RETURNED.findall(text):
                codes[code] = path
        for code in WITH_REASON.findall(text):
            codes[code] = path
        for call, what in KIND.findall(text):
            suffix = "_NOT_FOUND" if call == "NotFound" else "_ALREADY_EXISTS"
            codes[what.upper().replace(" ", "_") + suffix] = path
    return codes


def main():
    root = pathlib.Path(sys.argv[1])
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", (root / "docs/errors.md").read_text()))
    codes = reason_codes(root)
    missing = sorted(code for code in codes if code not in documented)
    for code in missing:
        print(f"docs/errors.md does not name reason {code} ({codes[code].relative_to(root)})")
    print(f"{len(codes)} reason codes, {len(missing)} missing from docs/errors.md")
    return 1 if missing or len(codes) < 30 else 0


if __name__ == "__main__":
    sys.exit(main())
