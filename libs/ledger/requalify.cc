#include "libs/ledger/requalify.h"

#include <optional>

#include "libs/ledger/tiers.h"

namespace loyalty::ledger {

Requalification Requalify(const ProgramConfig& program, const MemberState& member,
                          const Enrolment& enrolment, absl::Time now) {
  Requalification result;
  result.tier = enrolment.tier;
  result.period = {enrolment.period_start, enrolment.period_end};
  Points qualifying = QualifyingPoints(program, member.totals);
  while (result.period.end <= now) {  // periods with no activity qualify on zero points
    const std::optional<Tier> met = TierFor(program.tiers, qualifying);
    result.tier = met.has_value() ? met->code : "";
    result.period =
        QualificationPeriodAt(program.period_kind, program.period_months, result.period.end);
    qualifying = 0;
  }
  for (const PointTotals& totals : member.totals) {
    if (totals.program_id == program.program_id && totals.qualifying != 0) {
      result.cleared.push_back(totals);
    }
  }
  result.changes.Add(PeriodRenewal{member.member_id, program.program_id, result.tier,
                                   result.period.start, result.period.end});
  for (const PointTotals& totals : result.cleared) {
    result.changes.Add(TotalsChange{member.member_id, program.program_id, totals.point_type, 0,
                                    -totals.qualifying});
  }
  return result;
}

}  // namespace loyalty::ledger
