#include "libs/ledger/reversal.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/base/check.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/limits.h"

namespace loyalty::ledger {
namespace {

__extension__ typedef __int128 Int128;

void AddChanges(const ProgramConfig& program, const std::string& member_id,
                const PurchaseRecord& purchase, const std::string& order_ref, Reversal* reversal) {
  ChangeSet& changes = reversal->changes;
  for (const LotTake& take : reversal->takes) {
    changes.Add(LotChange{LotChange::Kind::kConsume, member_id, take.lot_id, take.points});
  }
  if (reversal->points > 0) {
    changes.Add(EntryChange{member_id, program.program_id, purchase.point_type,
                            EntryKind::kReversal, -(reversal->taken + reversal->debt), order_ref,
                            "return", ""});
    changes.Add(TotalsChange{member_id, program.program_id, purchase.point_type,
                             -reversal->points, reversal->qualifying});
  }
  changes.Add(EnrolmentChange{member_id, program.program_id, reversal->debt, reversal->tier});
  changes.Add(PurchaseReturned{member_id, program.program_id, order_ref,
                               reversal->cumulative_returned_minor,
                               purchase.reversed_points + reversal->points,
                               reversal->cumulative_returned_minor - purchase.returned_minor,
                               reversal->points, purchase.recorded_at});
}

}  // namespace

Points CumulativeClawback(Points original_points, int64_t original_amount_minor,
                          int64_t cumulative_returned_minor) {
  LOYALTY_CHECK(original_amount_minor > 0);
  LOYALTY_CHECK(original_points >= 0);
  LOYALTY_CHECK(cumulative_returned_minor >= 0);
  const int64_t returned = std::min(cumulative_returned_minor, original_amount_minor);
  const Int128 clawback = static_cast<Int128>(original_points) * returned / original_amount_minor;
  return static_cast<Points>(clawback);  // <= original_points, so it fits
}

absl::StatusOr<Reversal> DecideReversal(const ProgramConfig& program, const MemberState& member,
                                        const std::optional<PurchaseRecord>& record,
                                        const ReturnCommand& command,
                                        const std::vector<OrderLot>& order_lots) {
  LOYALTY_ASSIGN_OR_RETURN(const Enrolment* enrolment,
                           RequireEnrolment(member, program.program_id));
  if (!record.has_value()) return NotFound("order", command.order_ref);
  const PurchaseRecord& purchase = *record;
  Reversal reversal;
  reversal.cumulative_returned_minor = purchase.amount_minor;
  if (command.returned_minor.has_value()) {
    if (command.currency != purchase.currency) {
      return InvalidField(
          "returned_amount.currency",
          absl::StrCat("is ", command.currency, " but the order was paid in ", purchase.currency));
    }
    reversal.cumulative_returned_minor = std::min(
        purchase.amount_minor, SaturatingAdd(purchase.returned_minor, *command.returned_minor));
  }
  const Points target = purchase.amount_minor == 0
                            ? 0
                            : CumulativeClawback(purchase.points, purchase.amount_minor,
                                                 reversal.cumulative_returned_minor);
  reversal.points = std::max<Points>(0, target - purchase.reversed_points);
  for (const OrderLot& lot : order_lots) {
    if (reversal.taken >= reversal.points) break;
    const Points take = std::min(reversal.points - reversal.taken, lot.free);
    reversal.takes.push_back({lot.lot_id, program.program_id, purchase.point_type, take, {}});
    reversal.taken += take;
  }
  const PointTypeConfig* type = program.FindPointType(purchase.point_type);
  const bool redeemable = type == nullptr || type->redeemable;
  reversal.debt = redeemable ? reversal.points - reversal.taken : 0;
  if (reversal.points > 0 && type != nullptr && type->counts_toward_tier) {
    reversal.qualifying = -reversal.points;
    reversal.tier = TierMove(program, member, *enrolment, reversal.qualifying);
  }
  AddChanges(program, member.member_id, purchase, command.order_ref, &reversal);
  return reversal;
}

}  // namespace loyalty::ledger
