#!/usr/bin/python3
"""Loads the demo organisation through the admin API (idempotent: safe to run again), or shows a
member's balances with --show MEMBER. Stubs are generated from protos/ into a temporary folder."""
import argparse
import os
import subprocess
import sys
import tempfile
import time


def stubs(proto_dir, out_dir):
    protos = [os.path.join("loyalty", "v1", n) for n in ("common.proto", "command.proto",
                                                        "admin.proto")]
    subprocess.run(["protoc", f"--proto_path={proto_dir}", f"--python_out={out_dir}",
                    f"--grpc_python_out={out_dir}",
                    "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin", *protos],
                   check=True)
    sys.path.insert(0, out_dir)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", default="127.0.0.1:50051")
    parser.add_argument("--protos", default="protos")
    parser.add_argument("--show", help="print this demo member's balances and exit")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        stubs(args.protos, out)
        import grpc
        from loyalty.v1 import admin_pb2 as a, admin_pb2_grpc, command_pb2 as c, command_pb2_grpc
        from loyalty.v1 import common_pb2
        channel = grpc.insecure_channel(args.target)
        grpc.channel_ready_future(channel).result(timeout=30)
        admin = admin_pb2_grpc.AdminServiceStub(channel)
        commands = command_pb2_grpc.CommandServiceStub(channel)
        if args.show:
            reply = commands.IsRedeemable(c.IsRedeemableRequest(
                org_id="demo", member_id=args.show, points=1))
            print(reply)
            return

        def call(method, request):
            try:
                return method(request, timeout=10)
            except grpc.RpcError as error:
                if error.code() != grpc.StatusCode.ALREADY_EXISTS:
                    raise

        key = lambda name: f"demo-{name}"
        call(admin.CreateOrganisation, a.CreateOrganisationRequest(
            idempotency_key=key("org"), org_id="demo", name="Demo Retail Group"))
        for program, earn, types in (("shop", 1, [("base", True, True, a.EXPIRY_KIND_NEVER, 0),
                                                   ("status", False, True, a.EXPIRY_KIND_NEVER, 0)]),
                                     ("travel", 2, [("miles", True, False,
                                                     a.EXPIRY_KIND_FIXED_DAYS, 365)])):
            call(admin.CreateProgram, a.CreateProgramRequest(
                idempotency_key=key(program), org_id="demo", program_id=program,
                name=f"Demo {program}", currency="USD", rules=a.ProgramRules(
                    earn_rate=a.EarnRate(points=earn, per_amount_minor=100),
                    redemption_ratio=a.RedemptionRatio(points=1, value_minor=1))))
            for code, redeemable, counts, expiry, days in types:
                call(admin.AddPointType, a.AddPointTypeRequest(
                    idempotency_key=key(f"{program}-{code}"), org_id="demo", program_id=program,
                    point_type=a.PointType(code=code, redeemable=redeemable,
                                           counts_toward_tier=counts, expiry=expiry,
                                           expiry_days=days)))
            call(admin.AddSubtype, a.AddSubtypeRequest(
                idempotency_key=key(f"{program}-subtype"), org_id="demo", program_id=program,
                subtype="purchase"))
            call(admin.ActivateProgram, a.ProgramLifecycleRequest(
                idempotency_key=key(f"{program}-activate"), org_id="demo", program_id=program))
        for code, threshold, multiplier in (("silver", 0, 1000), ("gold", 1000, 1500)):
            call(admin.AddTier, a.AddTierRequest(
                idempotency_key=key(f"tier-{code}"), org_id="demo", program_id="shop",
                tier=a.Tier(code=code, threshold=threshold, multiplier_permille=multiplier)))
        for member in ("ann", "ben"):
            call(admin.CreateMember, a.CreateMemberRequest(
                idempotency_key=key(member), org_id="demo", member_id=member,
                program_ids=["shop", "travel"]))
        reply = call(commands.Accrue, c.AccrueRequest(
            idempotency_key=key("ann-order"), org_id="demo", member_id="ann",
            purchase=c.Purchase(order_ref="demo-order-1",
                                amount=common_pb2.Money(minor_units=12500, currency="USD"))))
        if reply is not None:
            print(f"demo loaded: ann earned {reply.points} points "
                  f"(ledger position {reply.ledger_position})")


if __name__ == "__main__":
    main()
