#include "services/command/household.h"

#include "libs/base/status_macros.h"
#include "services/command/member_state.h"

namespace loyalty::command {
namespace {

constexpr pg::Statement kSelectRollupHousehold{
    "household_select_rollup",
    "SELECT household_id FROM household_memberships WHERE org_id = $1 AND member_id = $2"
    " AND start_at <= $3 AND (end_at IS NULL OR end_at > $3) AND rollup"
    " ORDER BY start_at DESC LIMIT 1"};

}  // namespace

absl::StatusOr<std::optional<std::string>> RollupHouseholdOf(pg::Transaction& tx,
                                                             const std::string& org_id,
                                                             const std::string& member_id,
                                                             absl::Time now) {
  ASSIGN_OR_RETURN(pg::Result row, tx.Execute(kSelectRollupHousehold,
                                              pg::Params().Add(org_id).Add(member_id).Add(now)));
  if (row.Rows() == 0) return std::nullopt;
  return std::string(row.Text(0, 0));
}

void PrefetchLockMemberAndHousehold(pg::Transaction& tx, const std::string& org_id,
                                    const std::string& member_id, absl::Time now) {
  const pg::Params household = pg::Params().Add(org_id).Add(member_id).Add(now);
  tx.Prefetch(kSelectRollupHousehold, household);
  PrefetchLockForCommand(tx, org_id, member_id, now);
  tx.Prefetch(kSelectRollupHousehold, household);
}

absl::StatusOr<std::optional<std::string>> LockMemberAndHousehold(pg::Transaction& tx,
                                                                  const std::string& org_id,
                                                                  const std::string& member_id,
                                                                  absl::Time* now) {
  const absl::Time asked = *now;  // the time the statements were prefetched with
  ASSIGN_OR_RETURN(std::optional<std::string> household,
                   RollupHouseholdOf(tx, org_id, member_id, asked));
  std::vector<std::string> members = {member_id};
  if (household.has_value()) members.push_back(*household);
  RETURN_IF_ERROR(LockForCommand(tx, org_id, members, now));
  ASSIGN_OR_RETURN(std::optional<std::string> locked,
                   RollupHouseholdOf(tx, org_id, member_id, asked));
  // Memberships change only under the member's lock, so `locked` is final. If it changed
  // between the look-up and the lock, the new household is not locked: roll up to none this
  // once rather than break the lock order (the membership changed at that very moment).
  if (locked != household) return std::nullopt;
  return locked;
}

absl::Status RollUpQualifying(pg::Transaction& tx, Operation& operation,
                              const ProgramConfig& program, const std::string& household_id,
                              const std::string& point_type, ledger::Points delta) {
  if (delta == 0) return absl::OkStatus();
  ASSIGN_OR_RETURN(MemberState household, LoadMember(tx, program.org_id, household_id));
  operation.Track(household);
  const Enrolment* enrolment = household.FindEnrolment(program.program_id);
  if (enrolment == nullptr) return absl::OkStatus();
  RETURN_IF_ERROR(operation.AddTotals(household_id, program.program_id, point_type, 0, delta));
  const std::optional<std::string> tier = TierMove(program, household, *enrolment, delta);
  if (!tier.has_value()) return absl::OkStatus();
  return operation.ChangeEnrolment(household_id, program.program_id, 0, tier,
                                   /*mark_activity=*/false);
}

}  // namespace loyalty::command
