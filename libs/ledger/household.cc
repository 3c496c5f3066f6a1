#include "libs/ledger/household.h"

#include <optional>

namespace loyalty::ledger {

ChangeSet DecideRollUp(const ProgramConfig& program, const MemberState& household,
                       const HouseholdRollup& rollup, const std::string& point_type, Points delta,
                       const std::string& order_ref) {
  ChangeSet changes;
  const Enrolment* enrolment = household.FindEnrolment(program.program_id);
  if (delta == 0 || enrolment == nullptr) return changes;
  changes.Add(TotalsChange{rollup.household_id, program.program_id, point_type, 0, delta});
  if (delta > 0 && !order_ref.empty()) {
    changes.Add(OrderRolledUp{rollup.member_id, program.program_id, order_ref, rollup.household_id,
                              rollup.membership_start});
  }
  changes.Add(ContributionAdded{rollup.household_id, rollup.member_id, rollup.membership_start,
                                program.program_id, enrolment->period_start, delta});
  const std::optional<std::string> tier = TierMove(program, household, *enrolment, delta);
  if (tier.has_value()) {
    changes.Add(EnrolmentChange{.member_id = rollup.household_id,
                                .program_id = program.program_id,
                                .tier = tier,
                                .mark_activity = false});
  }
  return changes;
}

}  // namespace loyalty::ledger
