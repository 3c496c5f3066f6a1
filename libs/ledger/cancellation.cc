#include "libs/ledger/cancellation.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/ledger/earn.h"

namespace loyalty::ledger {
namespace {

using TypeKey = std::pair<std::string, std::string>;  // program, point type

// The redemption's overdraft part: repays what is still owed, credits the rest as a new lot.
void GiveBackOverdraft(const ProgramConfig& program, const MemberState& member, Points overdraft,
                       absl::Time now, ChangeSet* changes) {
  const Enrolment* enrolment = member.FindEnrolment(program.program_id);
  const Repayment repayment = RepayDebt(enrolment != nullptr ? enrolment->debt : 0, overdraft);
  if (repayment.credited > 0) {
    changes->Add(LotCreation{member.member_id, program.program_id, program.default_point_type,
                             program.default_subtype, /*redeemable=*/true, repayment.credited, now,
                             std::nullopt, "", std::nullopt});
  }
  changes->Add(EntryChange{member.member_id, program.program_id, program.default_point_type,
                           EntryKind::kRedemptionCancellation, overdraft, "",
                           "overdraft given back", ""});
  changes->Add(
      EnrolmentChange{member.member_id, program.program_id, -repayment.repaid, std::nullopt});
}

}  // namespace

absl::StatusOr<Cancellation> DecideCancel(int64_t redemption_id,
                                          const std::optional<RedemptionRecord>& redemption,
                                          const ProgramConfig& program, const MemberState& member,
                                          absl::Time now) {
  if (!redemption.has_value()) return NotFound("redemption", absl::StrCat(redemption_id));
  if (redemption->cancelled) {
    return Refused(kAlreadyCancelled,
                   absl::StrCat("redemption ", redemption_id, " is already cancelled"));
  }
  Cancellation cancellation;
  ChangeSet& changes = cancellation.changes;
  std::map<TypeKey, Points> restored;
  std::map<TypeKey, Points> expired;
  for (const LotTake& lot : redemption->lots) {
    const TypeKey type{lot.program_id, lot.point_type};
    if (lot.expires_at.has_value() && *lot.expires_at <= now) {
      expired[type] += lot.points;
      continue;
    }
    changes.Add(LotChange{LotChange::Kind::kRestore, member.member_id, lot.lot_id, lot.points});
    restored[type] += lot.points;
  }
  for (const auto& [type, points] : restored) {
    changes.Add(EntryChange{member.member_id, type.first, type.second,
                            EntryKind::kRedemptionCancellation, points, "", "", ""});
    cancellation.points_restored += points;
  }
  for (const auto& [type, points] : expired) {  // given back and expired at once: net zero
    changes.Add(EntryChange{member.member_id, type.first, type.second,
                            EntryKind::kRedemptionCancellation, points, "", "", ""});
    changes.Add(EntryChange{member.member_id, type.first, type.second, EntryKind::kExpiry, -points,
                            "", "expired before the cancellation", ""});
    cancellation.points_expired += points;
  }
  if (redemption->overdraft_points > 0) {
    GiveBackOverdraft(program, member, redemption->overdraft_points, now, &changes);
    cancellation.points_restored += redemption->overdraft_points;
  }
  for (const auto& [type, points] : restored) {
    changes.Add(EnrolmentChange{member.member_id, type.first, 0, std::nullopt});
  }
  changes.Add(
      RedemptionCancelled{member.member_id, redemption_id, program.program_id, redemption->points});
  return cancellation;
}

}  // namespace loyalty::ledger
