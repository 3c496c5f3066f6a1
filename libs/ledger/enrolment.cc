#include "libs/ledger/enrolment.h"

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/ledger/period.h"
#include "libs/ledger/types.h"

namespace loyalty::ledger {

absl::StatusOr<ChangeSet> DecideEnrolment(const std::optional<EnrolmentTerms>& terms,
                                          const std::string& program_id,
                                          const std::string& member_id, bool enrolled,
                                          ClosedProgram closed, absl::Time now) {
  if (!terms.has_value()) return NotFound("program", program_id);
  ChangeSet changes;
  if (terms->status == "closed") {
    if (closed == ClosedProgram::kSkip) return changes;
    return Refused(kProgramNotActive, absl::StrCat("program '", program_id, "' is closed"));
  }
  if (enrolled) return changes;
  const QualificationPeriod period =
      QualificationPeriodAt(terms->period_kind, terms->period_months, now);
  std::optional<std::string> tier;
  if (std::optional<Tier> starting = TierAtEnrolment(terms->tiers)) tier = starting->code;
  changes.Add(Enrolled{member_id, program_id, tier, period.start, period.end});
  return changes;
}

}  // namespace loyalty::ledger
