#!/usr/bin/env python3
"""A partner program through the Python client generated from protos/ (Debian's python3-grpcio),
against the real loyalty-command binary over mutual TLS: a CRM (admin, earn_burn) creates the
partner and links the member's account, which the partner's gateway verifies; the partner (its own
certificate, role partner) notifies a redemption; the till spends the voucher in two parts.

  python_partner_client.py --protos DIR --googleapis DIR --target HOST:PORT --org ORG
      --member MEMBER --gateway HOST:PORT --tls_ca FILE --crm_cert FILE --crm_key FILE
      --partner_cert FILE --partner_key FILE
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
    for name in ("protos", "googleapis", "target", "org", "member", "gateway", "tls_ca",
                 "crm_cert", "crm_key", "partner_cert", "partner_key"):
        parser.add_argument(f"--{name}", required=True)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as out_dir:
        generate_stubs(args.protos, args.googleapis, out_dir)
        import grpc
        common = importlib.import_module("loyalty.v1.common_pb2")
        admin = importlib.import_module("loyalty.v1.admin_pb2")
        admin_grpc = importlib.import_module("loyalty.v1.admin_pb2_grpc")
        command = importlib.import_module("loyalty.v1.command_pb2")
        command_grpc = importlib.import_module("loyalty.v1.command_pb2_grpc")
        partner = importlib.import_module("loyalty.v1.partner_pb2")
        partner_grpc = importlib.import_module("loyalty.v1.partner_pb2_grpc")
        key = lambda: f"py-{uuid.uuid4()}"

        crm = channel(grpc, args.target, args.tls_ca, args.crm_cert, args.crm_key)
        created = admin_grpc.AdminServiceStub(crm).CreatePartner(admin.CreatePartnerRequest(
            idempotency_key=key(), org_id=args.org, partner=partner.Partner(
                partner_code="jetair", name="Jet Air", program_id="shop",
                point_type="base", local_points=100, partner_points=3, return_window_days=30,
                identity_field=partner.IDENTITY_FIELD_LAST_NAME, voucher_points=1000,
                voucher_value=common.Money(minor_units=500, currency="USD"),
                voucher_validity_days=90, gateway_address=args.gateway)), timeout=10)
        check(created.status == partner.PARTNER_STATUS_ACTIVE, f"partner {created}")

        commands = command_grpc.CommandServiceStub(crm)
        link = lambda identity: commands.LinkPartnerAccount(command.LinkPartnerAccountRequest(
            org_id=args.org, idempotency_key=key(), member_id=args.member, partner_code="jetair",
            external_number="FF-1", identity=identity), timeout=10)
        try:
            link("Jones")
            check(False, "a link the partner does not verify was accepted")
        except grpc.RpcError as error:
            check(error.code() == grpc.StatusCode.FAILED_PRECONDITION, f"{error.code()}")
            check(error_reason(error) == "PARTNER_REFUSED_ACCOUNT", error_reason(error))
        linked = link("Smith")
        check(linked.link.state == partner.PARTNER_LINK_STATE_ACTIVE, f"link {linked}")

        airline = partner_grpc.PartnerServiceStub(
            channel(grpc, args.target, args.tls_ca, args.partner_cert, args.partner_key))
        notice = partner.NotifyPartnerRedemptionRequest(
            org_id=args.org, partner_code="jetair", partner_request_id="jetair-r-1",
            external_number="FF-1", partner_points=2000, kind=partner.VOUCHER_KIND_CREDIT)
        loaded = airline.NotifyPartnerRedemption(notice, timeout=10)
        check(loaded.voucher.value.minor_units == 1000, f"voucher {loaded.voucher}")
        again = airline.NotifyPartnerRedemption(notice, timeout=10)
        check(again.replayed and again.voucher.voucher_id == loaded.voucher.voucher_id,
              f"replay {again}")
        # The partner's certificate may not earn or burn.
        partner_commands = command_grpc.CommandServiceStub(
            channel(grpc, args.target, args.tls_ca, args.partner_cert, args.partner_key))
        try:
            partner_commands.RedeemVoucher(command.RedeemVoucherRequest(
                org_id=args.org, idempotency_key=key(), member_id=args.member,
                voucher_id=loaded.voucher.voucher_id, order_ref="till-0",
                amount=common.Money(minor_units=1, currency="USD")), timeout=10)
            check(False, "the partner spent a voucher")
        except grpc.RpcError as error:
            check(error.code() == grpc.StatusCode.PERMISSION_DENIED, f"{error.code()}")

        spend = lambda order, cents: commands.RedeemVoucher(command.RedeemVoucherRequest(
            org_id=args.org, idempotency_key=key(), member_id=args.member,
            voucher_id=loaded.voucher.voucher_id, order_ref=order,
            amount=common.Money(minor_units=cents, currency="USD")), timeout=10)
        first = spend("till-1", 400)
        check(first.voucher.remaining.minor_units == 600, f"after 400: {first.voucher}")
        second = spend("till-2", 600)
        check(second.voucher.status == partner.VOUCHER_STATUS_USED, f"after 600: {second}")
        print("python partner client: partner, link, voucher loaded once and spent in two parts")


if __name__ == "__main__":
    main()
