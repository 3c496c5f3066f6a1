#include "tools/loyaltyctl/points_commands.h"

#include "absl/status/status.h"
#include "libs/base/status_macros.h"
#include "tools/loyaltyctl/format.h"
#include "tools/loyaltyctl/render_points.h"

namespace loyalty::ctl {
namespace {

using Commands = v1::CommandService::Stub;

absl::Status Usage(absl::string_view message) { return absl::InvalidArgumentError(message); }

template <typename Request>
Request MemberRequest(Session& session) {
  Request request;
  request.set_idempotency_key(session.IdempotencyKey());
  request.set_org_id(session.flags().String("org"));
  request.set_member_id(session.flags().String("member"));
  return request;
}

absl::Status CheckGroupOrProgram(const Flags& flags) {
  if (flags.Bool("group") && flags.Has("program")) {
    return Usage("give --group or --program, not both");
  }
  return absl::OkStatus();
}

// Optional --occurred_at, --available_at, --expires_at of an accrual.
absl::Status ApplyAccrualTimes(const Flags& flags, v1::AccrueRequest& request) {
  if (flags.Has("occurred_at")) {
    LOYALTY_ASSIGN_OR_RETURN(*request.mutable_occurred_at(),
                     ParseTimestamp("occurred_at", flags.String("occurred_at")));
  }
  if (flags.Has("available_at")) {
    LOYALTY_ASSIGN_OR_RETURN(*request.mutable_available_at(),
                     ParseTimestamp("available_at", flags.String("available_at")));
  }
  if (flags.Has("expires_at")) {
    LOYALTY_ASSIGN_OR_RETURN(*request.mutable_expires_at(),
                     ParseTimestamp("expires_at", flags.String("expires_at")));
  }
  return absl::OkStatus();
}

// Exactly one of: a purchase (--order --amount --currency), an action (--action
// [--reference]), explicit points (--points --description).
absl::Status ApplyAccrualKind(const Flags& flags, v1::AccrueRequest& request) {
  const bool purchase = flags.Has("order") || flags.Has("amount") || flags.Has("currency");
  const bool action = flags.Has("action");
  const bool points = flags.Has("points") || flags.Has("description");
  if (static_cast<int>(purchase) + static_cast<int>(action) + static_cast<int>(points) != 1) {
    return Usage(
        "give exactly one of: a purchase (--order --amount --currency), an action (--action), "
        "or explicit points (--points --description)");
  }
  if (purchase) {
    if (!flags.Has("order") || !flags.Has("amount") || !flags.Has("currency")) {
      return Usage("a purchase needs --order, --amount (minor units) and --currency");
    }
    request.mutable_purchase()->set_order_ref(flags.String("order"));
    request.mutable_purchase()->mutable_amount()->set_minor_units(flags.Int64("amount"));
    request.mutable_purchase()->mutable_amount()->set_currency(flags.String("currency"));
  } else if (action) {
    request.mutable_action()->set_action_code(flags.String("action"));
    request.mutable_action()->set_reference(flags.String("reference"));
  } else {
    if (!flags.Has("points") || !flags.Has("description")) {
      return Usage("explicit points need --points and --description");
    }
    request.mutable_explicit_points()->set_points(flags.Int64("points"));
    request.mutable_explicit_points()->set_description(flags.String("description"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<int> PointsAccrue(Session& session) {
  const Flags& flags = session.flags();
  v1::AccrueRequest request;
  LOYALTY_RETURN_IF_ERROR(ApplyAccrualKind(flags, request));
  LOYALTY_RETURN_IF_ERROR(ApplyAccrualTimes(flags, request));
  request.set_idempotency_key(session.IdempotencyKey());
  request.set_org_id(flags.String("org"));
  request.set_member_id(flags.String("member"));
  request.set_program_id(flags.String("program"));
  request.set_point_type(flags.String("point_type"));
  request.set_subtype(flags.String("subtype"));
  return session.Call(session.commands(), &Commands::Accrue, request, RenderAccrue);
}

absl::StatusOr<int> PointsAdjust(Session& session) {
  const Flags& flags = session.flags();
  auto request = MemberRequest<v1::AccrueRequest>(session);
  request.set_program_id(flags.String("program"));
  request.set_point_type(flags.String("point_type"));
  request.set_subtype(flags.String("subtype"));
  request.mutable_adjustment()->set_points(flags.Int64("points"));
  request.mutable_adjustment()->set_reason(flags.String("reason"));
  request.mutable_adjustment()->set_actor(flags.String("actor"));
  return session.Call(session.commands(), &Commands::Accrue, request, RenderAccrue);
}

absl::StatusOr<int> PointsReverse(Session& session) {
  const Flags& flags = session.flags();
  const bool full = flags.Bool("full");
  if (full == flags.Has("amount")) {
    return Usage("give either --amount (with --currency) for a partial return, or --full");
  }
  if (!full && !flags.Has("currency")) return Usage("--amount needs --currency");
  auto request = MemberRequest<v1::ReverseRequest>(session);
  request.set_program_id(flags.String("program"));
  request.set_order_ref(flags.String("order"));
  if (full) {
    request.set_full(true);
  } else {
    request.mutable_returned_amount()->set_minor_units(flags.Int64("amount"));
    request.mutable_returned_amount()->set_currency(flags.String("currency"));
  }
  return session.Call(session.commands(), &Commands::Reverse, request, RenderReverse);
}

absl::StatusOr<int> PointsRedeem(Session& session) {
  const Flags& flags = session.flags();
  LOYALTY_RETURN_IF_ERROR(CheckGroupOrProgram(flags));
  if (flags.Bool("group")) {
    auto request = MemberRequest<v1::GroupRedeemRequest>(session);
    request.set_points(flags.Int64("points"));
    request.set_order_ref(flags.String("order"));
    request.set_reward(flags.String("reward"));
    return session.Call(session.commands(), &Commands::GroupRedeem, request, RenderRedeem);
  }
  auto request = MemberRequest<v1::RedeemRequest>(session);
  request.set_program_id(flags.String("program"));
  request.set_points(flags.Int64("points"));
  request.set_order_ref(flags.String("order"));
  request.set_reward(flags.String("reward"));
  return session.Call(session.commands(), &Commands::Redeem, request, RenderRedeem);
}

absl::StatusOr<int> PointsTransfer(Session& session) {
  const Flags& flags = session.flags();
  LOYALTY_RETURN_IF_ERROR(CheckGroupOrProgram(flags));
  v1::TransferRequest request;
  request.set_idempotency_key(session.IdempotencyKey());
  request.set_org_id(flags.String("org"));
  request.set_from_member_id(flags.String("from"));
  request.set_to_member_id(flags.String("to"));
  request.set_program_id(flags.String("program"));
  request.set_group(flags.Bool("group"));
  request.set_points(flags.Int64("points"));
  return session.Call(session.commands(), &Commands::Transfer, request, RenderTransfer);
}

absl::StatusOr<int> PointsReserve(Session& session) {
  const Flags& flags = session.flags();
  LOYALTY_RETURN_IF_ERROR(CheckGroupOrProgram(flags));
  auto request = MemberRequest<v1::ReservePointsRequest>(session);
  request.set_program_id(flags.String("program"));
  request.set_group(flags.Bool("group"));
  request.set_points(flags.Int64("points"));
  request.set_order_ref(flags.String("order"));
  request.set_reward(flags.String("reward"));
  if (flags.Has("timeout_s")) request.mutable_timeout()->set_seconds(flags.Int64("timeout_s"));
  return session.Call(session.commands(), &Commands::ReservePoints, request, RenderReserve);
}

absl::StatusOr<int> PointsCapture(Session& session) {
  auto request = MemberRequest<v1::CapturePointsRequest>(session);
  request.set_reservation_id(session.flags().Int64("reservation"));
  request.set_points(session.flags().Int64("points"));
  return session.Call(session.commands(), &Commands::CapturePoints, request, RenderCapture);
}

absl::StatusOr<int> PointsVoid(Session& session) {
  auto request = MemberRequest<v1::VoidReservationRequest>(session);
  request.set_reservation_id(session.flags().Int64("reservation"));
  return session.Call(session.commands(), &Commands::VoidReservation, request, RenderVoid);
}

absl::StatusOr<int> PointsCancel(Session& session) {
  auto request = MemberRequest<v1::CancelRedemptionRequest>(session);
  request.set_redemption_id(session.flags().Int64("redemption"));
  return session.Call(session.commands(), &Commands::CancelRedemption, request, RenderCancel);
}

}  // namespace loyalty::ctl
