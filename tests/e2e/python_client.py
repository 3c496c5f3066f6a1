#!/usr/bin/python3
"""Calls the command service through Python stubs generated from protos/ at test time.

Usage: python_client.py --protos DIR --googleapis DIR --target HOST:PORT --org ORG --member M
           (--tls_ca FILE [--tls_cert FILE --tls_key FILE] | --insecure_plaintext)
           [--expect_code CODE [--expect_reason REASON]]
--googleapis: the folder of google/rpc/status.proto and error_details.proto (Debian's
golang-github-gogo-googleapis-dev), whose messages read the refusals' status details.
The org must be the demo org of tests/support/demo_org.h with member M enrolled and empty.
Mutual TLS with the client certificate and key, verifying the server against the CA bundle;
without a certificate the channel is TLS all the same. With --expect_code, one accrual must be
refused with that status code (and ErrorInfo reason) instead.
Exits non-zero on the first failed check.
"""
import argparse
import importlib
import os
import subprocess
import sys
import tempfile
import uuid


def generate_stubs(proto_dir, googleapis_dir, out_dir):
    protos = [os.path.join("loyalty", "v1", name)
              for name in ("common.proto", "partner.proto", "badge.proto", "command.proto",
                           "admin.proto", "query.proto")]
    subprocess.run(
        ["protoc", f"--proto_path={proto_dir}", f"--python_out={out_dir}",
         f"--grpc_python_out={out_dir}",
         "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin", *protos],
        check=True)
    subprocess.run(
        ["protoc", f"--proto_path={googleapis_dir}", f"--python_out={out_dir}",
         "google/rpc/status.proto", "google/rpc/error_details.proto"],
        check=True)
    sys.path.insert(0, out_dir)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def read(path):
    with open(path, "rb") as file:
        return file.read()


def channel(grpc, target, ca, cert, key):
    """A mutual TLS channel: the CA bundle to verify the server, the client's certificate."""
    return grpc.secure_channel(target, grpc.ssl_channel_credentials(
        root_certificates=read(ca), private_key=read(key), certificate_chain=read(cert)))


def open_channel(grpc, args):
    if args.insecure_plaintext:
        return grpc.insecure_channel(args.target)
    check(args.tls_ca and bool(args.tls_cert) == bool(args.tls_key),
          "--tls_ca, and --tls_cert with --tls_key or neither (or --insecure_plaintext)")
    credentials = grpc.ssl_channel_credentials(
        root_certificates=read(args.tls_ca),
        private_key=read(args.tls_key) if args.tls_key else None,
        certificate_chain=read(args.tls_cert) if args.tls_cert else None)
    return grpc.secure_channel(args.target, credentials)


def status_details(error):
    """The google.rpc.Status of a refused call's grpc-status-details-bin trailer: its code and
    message must be the call's."""
    status_pb2 = importlib.import_module("google.rpc.status_pb2")
    details = dict(error.trailing_metadata()).get("grpc-status-details-bin")
    check(details is not None, f"no status details: {error.code()} {error.details()}")
    status = status_pb2.Status.FromString(details)
    check(status.code == error.code().value[0], f"details code {status.code}, {error.code()}")
    check(status.message == error.details(), f"details message {status.message!r}")
    return status


def unpack(status, message_class):
    """The one detail of `message_class` (google.rpc.ErrorInfo, BadRequest), by Any.Is and
    Any.Unpack."""
    found = [any for any in status.details if any.Is(message_class.DESCRIPTOR)]
    check(len(found) == 1, f"{len(found)} {message_class.DESCRIPTOR.full_name} in {status}")
    detail = message_class()
    check(found[0].Unpack(detail), f"cannot unpack {message_class.DESCRIPTOR.full_name}")
    return detail


def error_info(error):
    """The google.rpc.ErrorInfo in the status details of a refused call."""
    error_details_pb2 = importlib.import_module("google.rpc.error_details_pb2")
    info = unpack(status_details(error), error_details_pb2.ErrorInfo)
    check(info.domain == "loyalty.v1", f"domain {info.domain}")
    return info


def error_reason(error):
    """The ErrorInfo reason in the status details of a refused call."""
    return error_info(error).reason


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--protos", required=True)
    parser.add_argument("--googleapis", required=True)
    parser.add_argument("--target", required=True)
    parser.add_argument("--org", required=True)
    parser.add_argument("--member", required=True)
    parser.add_argument("--tls_cert")
    parser.add_argument("--tls_key")
    parser.add_argument("--tls_ca")
    parser.add_argument("--insecure_plaintext", action="store_true")
    parser.add_argument("--expect_code")
    parser.add_argument("--expect_reason")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as out_dir:
        generate_stubs(args.protos, args.googleapis, out_dir)
        import grpc
        common = importlib.import_module("loyalty.v1.common_pb2")
        command = importlib.import_module("loyalty.v1.command_pb2")
        command_grpc = importlib.import_module("loyalty.v1.command_pb2_grpc")

        channel = open_channel(grpc, args)
        stub = command_grpc.CommandServiceStub(channel)
        key = lambda: f"py-{uuid.uuid4()}"
        passed = 0
        purchase = command.AccrueRequest(
            org_id=args.org, idempotency_key=key(), member_id=args.member, program_id="shop",
            purchase=command.Purchase(order_ref="py-order-1",
                                      amount=common.Money(minor_units=25099, currency="USD")))

        if args.expect_code:
            try:
                stub.Accrue(purchase, timeout=10)
                check(False, f"an accrual was accepted, want {args.expect_code}")
            except grpc.RpcError as error:
                check(error.code().name == args.expect_code,
                      f"code {error.code().name}, want {args.expect_code}: {error.details()}")
                if args.expect_reason:
                    reason = error_reason(error)
                    check(reason == args.expect_reason,
                          f"reason {reason}, want {args.expect_reason}")
            print(f"python client: refused with {args.expect_code} as expected")
            return

        accrued = stub.Accrue(purchase, timeout=10)
        check(accrued.points == 250, f"purchase earned {accrued.points}, want 250")
        check(accrued.ledger_position > 0, "no ledger position")
        passed += 1

        stub.Accrue(command.AccrueRequest(
            org_id=args.org, idempotency_key=key(), member_id=args.member, program_id="travel",
            explicit_points=command.ExplicitPoints(points=100, description="python")),
            timeout=10)

        redeemed = stub.Redeem(command.RedeemRequest(
            org_id=args.org, idempotency_key=key(), member_id=args.member, program_id="shop",
            points=50, reward="coffee"), timeout=10)
        check(redeemed.redemption.points == 50, "redeemed points")
        check(redeemed.redemption.value.minor_units == 50, "redemption value")
        shop = [p for p in redeemed.balances.programs if p.program_id == "shop"][0]
        check(shop.available == 200, f"shop available {shop.available}, want 200")
        passed += 1

        group = stub.GroupRedeem(command.GroupRedeemRequest(
            org_id=args.org, idempotency_key=key(), member_id=args.member, points=260),
            timeout=10)
        programs = sorted(p.program_id for p in group.redemption.breakup_by_program)
        check(programs == ["shop", "travel"], f"breakup {programs}")
        check(sum(p.points for p in group.redemption.breakup_by_program) == 260, "breakup sum")
        check(group.balances.group_available == 40, "group balance after")
        passed += 1

        try:
            stub.Redeem(command.RedeemRequest(
                org_id=args.org, idempotency_key=key(), member_id=args.member,
                program_id="shop", points=100000), timeout=10)
            check(False, "an overspend was accepted")
        except grpc.RpcError as error:
            check(error.code() == grpc.StatusCode.FAILED_PRECONDITION, f"code {error.code()}")
            reason = error_reason(error)
            check(reason == "INSUFFICIENT_POINTS", f"reason {reason}")
            check(reason not in error.details(), f"message repeats the reason: {error.details()}")
        passed += 1

        # A field out of range: INVALID_ARGUMENT with ErrorInfo INVALID_FIELD and a
        # google.rpc.BadRequest naming the field.
        error_details_pb2 = importlib.import_module("google.rpc.error_details_pb2")
        try:
            stub.Redeem(command.RedeemRequest(
                org_id=args.org, idempotency_key=key(), member_id=args.member,
                program_id="shop", points=-5), timeout=10)
            check(False, "a negative redemption was accepted")
        except grpc.RpcError as error:
            check(error.code() == grpc.StatusCode.INVALID_ARGUMENT, f"code {error.code()}")
            info = error_info(error)
            check(info.reason == "INVALID_FIELD", f"reason {info.reason}")
            check(info.metadata["field"] == "points", f"metadata {info.metadata}")
            bad_request = unpack(status_details(error), error_details_pb2.BadRequest)
            violations = [(v.field, bool(v.description)) for v in bad_request.field_violations]
            check(violations == [("points", True)], f"field violations {bad_request}")
        passed += 1

        # Server reflection lists the services (raw bytes: ServerReflectionRequest with
        # list_services = "" is field 7, an empty string).
        reflect = channel.stream_stream(
            "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
            request_serializer=None, response_deserializer=None)
        listing = b"".join(reflect(iter([b"\x3a\x00"]), timeout=10))
        check(b"loyalty.v1.CommandService" in listing, "reflection lists CommandService")
        check(b"loyalty.v1.AdminService" in listing, "reflection lists AdminService")
        passed += 1

    print(f"python client: {passed} passed, 0 failed")


if __name__ == "__main__":
    main()
