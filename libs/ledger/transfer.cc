#include "libs/ledger/transfer.h"

#include <map>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/burn_changes.h"

namespace loyalty::ledger {
namespace {

// The receiving program's point type for points of `source_type`: the same code when the
// receiving program has it as a redeemable type, else its default type (which must be redeemable).
absl::StatusOr<const PointTypeConfig*> ReceivingType(const ProgramConfig& receiving,
                                                     const std::string& source_type) {
  const PointTypeConfig* same = receiving.FindPointType(source_type);
  if (same != nullptr && same->redeemable) return same;
  const PointTypeConfig* fallback = receiving.FindPointType(receiving.default_point_type);
  if (fallback != nullptr && fallback->redeemable) return fallback;
  return Refused(kNotTransferable,
                 absl::StrCat("program '", receiving.program_id,
                              "' has no redeemable point type to receive points"));
}

// The receiving subtype of the sender's lot `lot_id`: its own when `receiving` has it.
std::string ReceivingSubtype(const ProgramConfig& receiving, const MemberState& from,
                             int64_t lot_id) {
  std::string subtype = receiving.default_subtype;
  for (const Lot& lot : from.lots) {
    if (lot.lot_id == lot_id && receiving.HasSubtype(lot.subtype)) subtype = lot.subtype;
  }
  return subtype;
}

}  // namespace

absl::StatusOr<BurnPlan> PlanTransfer(const BurnScope& sending, const ProgramConfig& receiving,
                                      const MemberState& from, const MemberState& to,
                                      const TransferCommand& command, absl::Time now) {
  if (from.member_id == to.member_id) {
    return InvalidField("to_member_id", "must differ from from_member_id");
  }
  LOYALTY_RETURN_IF_ERROR(RequireActiveMember(from));
  LOYALTY_RETURN_IF_ERROR(RequireActiveMember(to));
  if (!sending.group) {
    LOYALTY_RETURN_IF_ERROR(RequireEnrolment(from, sending.pricing.program_id).status());
  }
  LOYALTY_RETURN_IF_ERROR(RequireEnrolment(to, receiving.program_id).status());
  return PlanBurn(sending, from, command.points, now,
                  {.validate_redemption = false, .allow_overdraft = false});
}

absl::StatusOr<Transfer> DecideTransfer(const BurnScope& sending, const ProgramConfig& receiving,
                                        const MemberState& from, const MemberState& to,
                                        const TransferCommand& command, absl::Time now) {
  Transfer transfer;
  LOYALTY_ASSIGN_OR_RETURN(transfer.plan, PlanTransfer(sending, receiving, from, to, command, now));
  AddBurnChanges(sending, from.member_id, transfer.plan, EntryKind::kTransferOut, "",
                 absl::StrCat("to ", to.member_id), &transfer.changes);
  std::map<std::string, Points> received_by_type;
  for (const LotTake& take : transfer.plan.consumption.takes) {
    LOYALTY_ASSIGN_OR_RETURN(const PointTypeConfig* type,
                             ReceivingType(receiving, take.point_type));
    transfer.changes.Add(LotCreation{to.member_id, receiving.program_id, type->code,
                                     ReceivingSubtype(receiving, from, take.lot_id),
                                     /*redeemable=*/true, take.points, now, take.expires_at, "",
                                     take.lot_id});
    received_by_type[type->code] += take.points;
  }
  for (const auto& [type, points] : received_by_type) {
    transfer.changes.Add(EntryChange{to.member_id, receiving.program_id, type,
                                     EntryKind::kTransferIn, points, "",
                                     absl::StrCat("from ", from.member_id), ""});
  }
  transfer.changes.Add(EnrolmentChange{to.member_id, receiving.program_id, 0, std::nullopt});
  return transfer;
}

}  // namespace loyalty::ledger
