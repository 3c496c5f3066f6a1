#pragma once

#include <string>

#include "absl/time/time.h"
#include "libs/ledger/change_set.h"
#include "libs/ledger/member.h"
#include "libs/ledger/program.h"
#include "libs/ledger/types.h"

namespace loyalty::ledger {

// A household membership that qualifying points roll up through: the individual, the household
// and the membership's start (the membership's key with the individual).
struct HouseholdRollup {
  std::string member_id;
  std::string household_id;
  absl::Time membership_start;

  bool operator==(const HouseholdRollup&) const = default;
};

// The roll-up of `delta` qualifying points of `point_type` that the individual of `rollup` gained
// (or lost) in `program` to its `household` (as read under its lock): the household's qualifying
// points, then for a positive `delta` of an order (`order_ref` not empty) the membership
// recorded on the order for its returns, then what the membership contributed in the household's
// current period, then the household's tier move, as for any member (not marking it active).
// Nothing when `delta` is zero or the household is not enrolled in `program`.
ChangeSet DecideRollUp(const ProgramConfig& program, const MemberState& household,
                       const HouseholdRollup& rollup, const std::string& point_type, Points delta,
                       const std::string& order_ref);

}  // namespace loyalty::ledger
