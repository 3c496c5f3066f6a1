#!/usr/bin/env python3
"""Badges through the Python client generated from protos/ (Debian's python3-grpcio), against the
real loyalty-command and loyalty-query binaries over mutual TLS: a CRM (admin) defines a spend
badge; the till's purchase crosses its first level and the reply carries the award; the mobile
back-end (role read) sees the level, its benefit and the progress to the next one.

  python_badge_client.py --protos DIR --googleapis DIR --command HOST:PORT --query HOST:PORT
      --org ORG --member MEMBER --tls_ca FILE --crm_cert FILE --crm_key FILE
      --reader_cert FILE --reader_key FILE
The org must be the demo org of tests/support/demo_org.h with MEMBER enrolled and empty.
"""
import argparse
import importlib
import os
import sys
import tempfile
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from python_client import channel, check, error_reason, generate_stubs  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    for name in ("protos", "googleapis", "command", "query", "org", "member", "tls_ca",
                 "crm_cert", "crm_key", "reader_cert", "reader_key"):
        parser.add_argument(f"--{name}", required=True)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as out_dir:
        generate_stubs(args.protos, args.googleapis, out_dir)
        import grpc
        common = importlib.import_module("loyalty.v1.common_pb2")
        badge = importlib.import_module("loyalty.v1.badge_pb2")
        admin = importlib.import_module("loyalty.v1.admin_pb2")
        admin_grpc = importlib.import_module("loyalty.v1.admin_pb2_grpc")
        command = importlib.import_module("loyalty.v1.command_pb2")
        command_grpc = importlib.import_module("loyalty.v1.command_pb2_grpc")
        query = importlib.import_module("loyalty.v1.query_pb2")
        query_grpc = importlib.import_module("loyalty.v1.query_pb2_grpc")
        key = lambda: f"py-{uuid.uuid4()}"

        crm = channel(grpc, args.command, args.tls_ca, args.crm_cert, args.crm_key)
        definition = badge.BadgeDefinition(
            badge_id="spender", name="Big spender",
            criterion=badge.BadgeCriterion(spend=badge.SpendCriterion(
                measure=badge.SPEND_MEASURE_AMOUNT, window_days=0)),
            levels=[badge.BadgeLevel(code="bronze", threshold=10000, benefit=badge.BadgeBenefit(
                        bonus_points=100, benefit_code="CINEMA_2_FOR_1")),
                    badge.BadgeLevel(code="silver", threshold=50000)])
        defined = admin_grpc.AdminServiceStub(crm).DefineBadge(admin.DefineBadgeRequest(
            idempotency_key=key(), org_id=args.org, program_id="shop", badge=definition),
            timeout=10)
        check(defined.version == 1 and len(defined.levels) == 2, f"defined {defined}")
        try:
            admin_grpc.AdminServiceStub(crm).DefineBadge(admin.DefineBadgeRequest(
                idempotency_key=key(), org_id=args.org, program_id="shop", badge=definition,
                expected_version=7), timeout=10)
            check(False, "a stale expected_version was accepted")
        except grpc.RpcError as error:
            check(error.code() == grpc.StatusCode.ABORTED, f"stale version: {error.code()}")
            check(error_reason(error) == "BADGE_CHANGED", f"reason {error_reason(error)}")

        accrued = command_grpc.CommandServiceStub(crm).Accrue(command.AccrueRequest(
            org_id=args.org, idempotency_key=key(), member_id=args.member,
            purchase=command.Purchase(order_ref="py-badge-1", amount=common.Money(
                minor_units=12000, currency="USD"))), timeout=10)
        check([(a.badge_id, a.level_code) for a in accrued.badges_awarded] ==
              [("spender", "bronze")], f"awarded {accrued.badges_awarded}")
        check(accrued.badges_awarded[0].benefit_code == "CINEMA_2_FOR_1", "benefit code")

        reader = channel(grpc, args.query, args.tls_ca, args.reader_cert, args.reader_key)
        badges = query_grpc.QueryServiceStub(reader).GetMemberBadges(
            query.GetMemberBadgesRequest(org_id=args.org, member_id=args.member,
                                         min_position=accrued.ledger_position), timeout=10)
        check(len(badges.badges) == 1, f"badges {badges}")
        spender = badges.badges[0]
        check([level.level_code for level in spender.levels] == ["bronze"], f"levels {spender}")
        check(spender.current == 12000 and spender.next_level == "silver" and
              spender.to_next_level == 38000, f"progress {spender}")
        listed = query_grpc.QueryServiceStub(reader).ListBadges(
            query.ListBadgesRequest(org_id=args.org), timeout=10)
        check([b.badge_id for b in listed.badges] == ["spender"], f"list {listed}")
    print("python badge client: ok")


if __name__ == "__main__":
    main()
