#!/usr/bin/python3
"""A worked example of the three services from Python (docs/api.md, "Worked examples").

Enrols a member (AdminService), earns on an order and redeems (CommandService), reads the
balances and the ledger entries back with read-your-writes (QueryService), and reads the reason
of a refusal from its google.rpc.ErrorInfo.

Generate the stubs first (docs/api.md, "Generating a client"), then:
  PYTHONPATH=gen python3 walkthrough.py --command HOST:PORT --query HOST:PORT --org ORG
      --member NEW_MEMBER --ca ca.crt --cert client.crt --key client.key
The client certificate needs the admin, earn_burn and read roles on ORG (docs/security.md);
ORG needs an active program "shop" that earns 1 point per USD.
"""
import argparse
import uuid

import grpc
from google.rpc import error_details_pb2, status_pb2
from loyalty.v1 import admin_pb2, admin_pb2_grpc
from loyalty.v1 import command_pb2, command_pb2_grpc, common_pb2
from loyalty.v1 import query_pb2, query_pb2_grpc

DEADLINE_SECONDS = 10


def reason_of(error):
    """The reason code of a refused call: its google.rpc.ErrorInfo, from the status details."""
    details = dict(error.trailing_metadata()).get("grpc-status-details-bin")
    for detail in status_pb2.Status.FromString(details).details if details else []:
        info = error_details_pb2.ErrorInfo()
        if detail.Unpack(info):
            return info.reason
    return ""


def main():
    parser = argparse.ArgumentParser()
    for flag in ("command", "query", "org", "member", "ca", "cert", "key"):
        parser.add_argument("--" + flag, required=True)
    parser.add_argument("--server_name", help="the name in the server's certificate")
    args = parser.parse_args()

    def read(path):
        with open(path, "rb") as file:
            return file.read()

    credentials = grpc.ssl_channel_credentials(read(args.ca), read(args.key), read(args.cert))
    options = [("grpc.ssl_target_name_override", args.server_name)] if args.server_name else []
    command_channel = grpc.secure_channel(args.command, credentials, options)
    admin = admin_pb2_grpc.AdminServiceStub(command_channel)
    commands = command_pb2_grpc.CommandServiceStub(command_channel)
    queries = query_pb2_grpc.QueryServiceStub(
        grpc.secure_channel(args.query, credentials, options))
    org, member = args.org, args.member

    def key():  # a new idempotency key per operation; a retry of it sends the same one
        return str(uuid.uuid4())

    # AdminService: the member, enrolled in the program "shop".
    created = admin.CreateMember(admin_pb2.CreateMemberRequest(
        idempotency_key=key(), org_id=org, member_id=member, program_ids=["shop"]),
        timeout=DEADLINE_SECONDS)
    print(f"member {created.member_id} enrolled in "
          f"{', '.join(e.program_id for e in created.enrolments)}")

    # CommandService: an order of 250.99 USD earns 250 points.
    accrued = commands.Accrue(command_pb2.AccrueRequest(
        org_id=org, idempotency_key=key(), member_id=member, program_id="shop",
        purchase=command_pb2.Purchase(
            order_ref="order-1001",
            amount=common_pb2.Money(minor_units=25099, currency="USD"))),
        timeout=DEADLINE_SECONDS)
    print(f"earned {accrued.points} points at ledger position {accrued.ledger_position}")

    # QueryService: the balances as of that position at least (read-your-writes).
    read_back = queries.GetBalances(query_pb2.GetBalancesRequest(
        org_id=org, member_id=member, min_position=accrued.ledger_position),
        timeout=DEADLINE_SECONDS)
    for program in read_back.balances.programs:
        print(f"{program.program_id} available {program.available}")

    redeemed = commands.Redeem(command_pb2.RedeemRequest(
        org_id=org, idempotency_key=key(), member_id=member, program_id="shop", points=100,
        reward="coffee"), timeout=DEADLINE_SECONDS)
    print(f"redeemed {redeemed.redemption.points} points "
          f"(redemption {redeemed.redemption.redemption_id})")

    entries = queries.ListLedgerEntries(query_pb2.ListLedgerEntriesRequest(
        org_id=org, member_id=member, min_position=redeemed.ledger_position, page_size=10),
        timeout=DEADLINE_SECONDS)
    for entry in entries.entries:
        print(f"ledger entry {common_pb2.LedgerEntryKind.Name(entry.kind)} {entry.points:+d}")

    # A refusal: its status code, and the reason code in google.rpc.ErrorInfo.
    try:
        commands.Redeem(command_pb2.RedeemRequest(
            org_id=org, idempotency_key=key(), member_id=member, program_id="shop",
            points=100000), timeout=DEADLINE_SECONDS)
    except grpc.RpcError as error:
        print(f"refused: {error.code().name} {reason_of(error)}")


if __name__ == "__main__":
    main()
