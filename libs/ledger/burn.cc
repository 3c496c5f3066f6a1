#include "libs/ledger/burn.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/limits.h"
#include "libs/ledger/redemption_rules.h"

namespace loyalty::ledger {
namespace {

bool InScope(const BurnScope& scope, const std::string& program_id) {
  return std::any_of(scope.programs.begin(), scope.programs.end(),
                     [&](const ProgramConfig& p) { return p.program_id == program_id; });
}

// The member's available points across the scope (debts included).
Points ScopeAvailable(const BurnScope& scope, const MemberState& member, absl::Time now) {
  Points available = 0;
  for (const ProgramConfig& program : scope.programs) {
    if (member.FindEnrolment(program.program_id) == nullptr) continue;
    available =
        SaturatingAdd(available, ProgramBalanceOf(member, program.program_id, now).available);
  }
  return available;
}

}  // namespace

std::vector<ProgramPoints> BreakupByProgram(const ConsumptionPlan& consumption,
                                            const std::string& charged_program_id) {
  std::map<std::string, Points> by_program;
  for (const LotTake& take : consumption.takes) by_program[take.program_id] += take.points;
  if (consumption.shortfall > 0) by_program[charged_program_id] += consumption.shortfall;
  std::vector<ProgramPoints> breakup;
  for (const auto& [program_id, points] : by_program) breakup.push_back({program_id, points});
  return breakup;
}

absl::StatusOr<BurnPlan> PlanBurn(const BurnScope& scope, const MemberState& member, Points points,
                                  absl::Time now, const BurnRules& rules) {
  if (rules.validate_redemption) {
    LOYALTY_RETURN_IF_ERROR(ValidateRedemption(points, scope.pricing.rules));
  }
  std::vector<Lot> lots;
  for (const Lot& lot : member.lots) {
    if (InScope(scope, lot.program_id)) lots.push_back(lot);
  }
  BurnPlan plan;
  plan.consumption = PlanConsumption(lots, points, now);
  const Points available = ScopeAvailable(scope, member, now);
  const Enrolment* enrolment = member.FindEnrolment(scope.pricing.program_id);
  const bool overdraft = rules.allow_overdraft && !scope.group && enrolment != nullptr &&
                         scope.pricing.OverdraftAllowedFor(enrolment->tier);
  const Points positive = std::max<Points>(0, available);
  const absl::Status balance_check =
      CheckOverdraft(std::max<Points>(0, points - positive), std::max<Points>(0, -available),
                     overdraft, scope.pricing.overdraft_limit);
  if (!balance_check.ok()) {
    return Refused(kInsufficientPoints,
                   absl::StrCat("wanted ", points, " points, ", positive, " available"));
  }
  plan.breakup = BreakupByProgram(plan.consumption, scope.pricing.program_id);
  plan.value_minor = RedemptionValue(points, scope.pricing.ratio);
  if (rules.validate_redemption && plan.value_minor > kMaxAmountMinor) {
    return Refused(kPointsLimitExceeded, absl::StrCat("the redemption's value would pass ",
                                                      kMaxAmountMinor, " minor units"));
  }
  return plan;
}

}  // namespace loyalty::ledger
