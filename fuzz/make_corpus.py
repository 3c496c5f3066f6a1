#!/usr/bin/env python3
"""Writes the seed corpus fuzz/corpus/<target>/ from the text-format requests below.

Each seed is what fuzz/fuzz_input.h reads: two bytes (little-endian) with the length of the
serialized request, the request (encoded by `protoc --encode`), then bytes that choose the ledger
state (a few fixed patterns). Run from anywhere: python3 fuzz/make_corpus.py
"""
import pathlib
import shutil
import struct
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROTOS = ROOT / "protos"
CORPUS = ROOT / "fuzz" / "corpus"

ACCRUE = 'org_id: "acme" idempotency_key: "k1" member_id: "alice"'
BURN = 'org_id: "acme" idempotency_key: "k1" member_id: "alice"'
QUERY = 'org_id: "acme" member_id: "alice"'

# target -> (message, [text-format requests])
SEEDS = {
    "accrue": ("AccrueRequest", [
        ACCRUE + ' purchase { order_ref: "o1" amount { minor_units: 12500 currency: "USD" } }',
        ACCRUE + ' purchase { order_ref: "o2"'
                 ' amount { minor_units: 1000000000000000 currency: "USD" } }',
        ACCRUE + ' action { action_code: "register" }',
        ACCRUE + ' explicit_points { points: 1000000000000 description: "max" }'
                 ' expires_at { seconds: 4102444800 } available_at { seconds: 1700000000 }',
        ACCRUE + ' adjustment { points: -1000000000000 reason: "fix" actor: "staff" }',
        ACCRUE + ' adjustment { points: 25 reason: "fix" actor: "staff" }'
                 ' occurred_at { seconds: 1 }',
    ]),
    "reverse": ("ReverseRequest", [
        BURN + ' order_ref: "o1" returned_amount { minor_units: 1 currency: "USD" }',
        BURN + ' order_ref: "o1" returned_amount { minor_units: 1000000000000000 currency: "USD" }',
        BURN + ' order_ref: "o1" full: true',
    ]),
    "redeem": ("RedeemRequest", [
        BURN + ' program_id: "shop" points: 100 order_ref: "o9" reward: "voucher"',
        BURN + ' points: 1000000000000',
    ]),
    "transfer": ("TransferRequest", [
        'org_id: "acme" idempotency_key: "k1" from_member_id: "alice" to_member_id: "bob"'
        ' points: 7',
        'org_id: "acme" idempotency_key: "k1" from_member_id: "alice" to_member_id: "bob"'
        ' points: 1000000000000 group: true',
    ]),
    "reservation": ("ReservePointsRequest", [
        BURN + ' points: 15 timeout { seconds: 604800 }',
        BURN + ' points: 15 timeout { seconds: 1 nanos: 5 }',
        BURN + ' points: 15 group: true',
    ]),
    "cancel": ("CancelRedemptionRequest", [BURN + ' redemption_id: 1']),
    "partner": ("RedeemVoucherRequest", [
        BURN + ' voucher_id: 7 order_ref: "t1"'
        ' amount { minor_units: 500 currency: "USD" }',
        BURN + ' voucher_id: 1 order_ref: "t2" amount { minor_units: 1000000000000000'
        ' currency: "USD" }',
    ]),
    "get_balances": ("GetBalancesRequest", [QUERY, QUERY + ' min_position: 42']),
    "list_redemptions": ("ListRedemptionsRequest", [
        QUERY + ' page_size: 100', QUERY + ' page_token: "djE6cmVkZW1wdGlvbnM6NDI="']),
    "list_ledger_entries": ("ListLedgerEntriesRequest", [
        QUERY + ' program_id: "shop" kinds: [LEDGER_ENTRY_KIND_ACCRUAL] page_size: 5',
        QUERY + ' page_token: "djE6ZW50cmllczo0Mg=="']),
    "get_tier_progress": ("GetTierProgressRequest", [QUERY + ' program_id: "shop"']),
    "get_household": ("GetHouseholdRequest", ['org_id: "acme" household_id: "h1"']),
}

# Bytes after the request: the ledger state. Different lengths and values give different lots,
# tiers and rates through FuzzedDataProvider.
STATES = [bytes(range(64)), bytes([0xff] * 96), bytes((i * 37) % 256 for i in range(160))]


def encode(message: str, text: str) -> bytes:
    proto = "loyalty/v1/query.proto" if "Get" in message or "List" in message else \
        "loyalty/v1/command.proto"
    return subprocess.run(
        ["protoc", f"--proto_path={PROTOS}", f"--encode=loyalty.v1.{message}", proto],
        input=text.encode(), capture_output=True, check=True).stdout


def main() -> None:
    for target, (message, texts) in SEEDS.items():
        directory = CORPUS / target
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
        for i, text in enumerate(texts):
            request = encode(message, text)
            for j, state in enumerate(STATES):
                seed = struct.pack("<H", len(request)) + request + state
                (directory / f"seed-{i}-{j}").write_bytes(seed)
    sequence = CORPUS / "sequence"
    shutil.rmtree(sequence, ignore_errors=True)
    sequence.mkdir(parents=True)
    for j, state in enumerate(STATES):
        (sequence / f"seed-{j}").write_bytes(state * 4)
    write_badge_seeds()


def write_badge_seeds() -> None:
    """fuzz_badge reads no request: its seeds are state bytes only (program, member, facts)."""
    badge = CORPUS / "badge"
    shutil.rmtree(badge, ignore_errors=True)
    badge.mkdir(parents=True)
    for j, state in enumerate(STATES + [bytes((i * 101 + 7) % 256 for i in range(512))]):
        (badge / f"seed-{j}").write_bytes(state * 3)


if __name__ == "__main__":
    main()
