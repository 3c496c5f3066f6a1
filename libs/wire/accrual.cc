#include "libs/wire/accrual.h"

#include <optional>

#include "libs/wire/time.h"

namespace loyalty::wire {
namespace {

std::optional<absl::Time> OptionalTime(bool has, const google::protobuf::Timestamp& timestamp) {
  return has ? std::optional<absl::Time>(FromTimestamp(timestamp)) : std::nullopt;
}

}  // namespace

ledger::AccrualCommand AccrualCommandOf(const v1::AccrueRequest& request) {
  using Kind = ledger::AccrualCommand::Kind;
  ledger::AccrualCommand command;
  command.point_type = request.point_type();
  command.subtype = request.subtype();
  switch (request.kind_case()) {
    case v1::AccrueRequest::kPurchase:
      command.kind = Kind::kPurchase;
      command.order_ref = request.purchase().order_ref();
      command.amount_minor = request.purchase().amount().minor_units();
      command.currency = request.purchase().amount().currency();
      break;
    case v1::AccrueRequest::kAction:
      command.kind = Kind::kAction;
      command.action_code = request.action().action_code();
      command.action_reference = request.action().reference();
      break;
    case v1::AccrueRequest::kExplicitPoints:
      command.kind = Kind::kExplicitPoints;
      command.points = request.explicit_points().points();
      command.description = request.explicit_points().description();
      break;
    default:
      command.kind = Kind::kAdjustment;
      command.points = request.adjustment().points();
      command.description = request.adjustment().reason();
      command.actor = request.adjustment().actor();
      break;
  }
  command.occurred_at = OptionalTime(request.has_occurred_at(), request.occurred_at());
  command.available_at = OptionalTime(request.has_available_at(), request.available_at());
  command.expires_at = OptionalTime(request.has_expires_at(), request.expires_at());
  return command;
}

}  // namespace loyalty::wire
