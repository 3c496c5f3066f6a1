#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "libs/ledger/change_set.h"
#include "libs/ledger/member.h"
#include "libs/ledger/period.h"
#include "libs/ledger/program.h"

namespace loyalty::ledger {

// The end of an enrolment's qualification period: the tier the member qualified for, carried
// into the new period, and the qualifying points that start again from zero.
struct Requalification {
  std::string tier;  // empty: none
  QualificationPeriod period;
  // The point types whose qualifying points the new period takes back (`qualifying` > 0 or < 0).
  std::vector<PointTotals> cleared;
  // The period renewed with the tier, then the qualifying points taken back.
  ChangeSet changes;
};

// Requalifies `enrolment` (its period ended by `now`): the tier its period's qualifying points
// met; periods that passed with no activity since qualify on zero points. The new period is the
// one that contains `now`.
Requalification Requalify(const ProgramConfig& program, const MemberState& member,
                          const Enrolment& enrolment, absl::Time now);

}  // namespace loyalty::ledger
