#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/ledger/change_set.h"
#include "libs/ledger/tiers.h"

namespace loyalty::ledger {

// What enrolling in a program depends on: its status, its qualification period rule and tiers.
struct EnrolmentTerms {
  std::string status;       // active | closed
  std::string period_kind;  // see QualificationPeriodAt
  int32_t period_months = 0;
  std::vector<Tier> tiers;
};

// What an enrolment in a closed program does: it is refused, or skipped (a new member's default
// program, which may have closed).
enum class ClosedProgram { kRefuse, kSkip };

// The enrolment of the member in the program at `now` (`terms` nullopt: no such program,
// NOT_FOUND). A closed program refuses (PROGRAM_NOT_ACTIVE) or is skipped, as `closed` says;
// an enrolment the member already has stays (no change). Otherwise one Enrolled change: the tier
// the member starts in (TierAtEnrolment) and the first qualification period.
absl::StatusOr<ChangeSet> DecideEnrolment(const std::optional<EnrolmentTerms>& terms,
                                          const std::string& program_id,
                                          const std::string& member_id, bool enrolled,
                                          ClosedProgram closed, absl::Time now);

}  // namespace loyalty::ledger
