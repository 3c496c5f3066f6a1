#include "libs/ledger/redemption.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/burn_changes.h"

namespace loyalty::ledger {

void AddRedemption(const BurnScope& scope, const std::string& member_id, const BurnCommand& command,
                   const BurnPlan& plan, int64_t reservation_id, ChangeSet* changes) {
  AddBurnChanges(scope, member_id, plan, EntryKind::kRedemption, command.order_ref, command.reward,
                 changes);
  changes->Add(RedemptionRecorded{member_id, scope.pricing.program_id, scope.group, command.points,
                                  plan.value_minor, scope.pricing.currency, command.order_ref,
                                  command.reward, plan.consumption.takes, plan.breakup,
                                  plan.consumption.shortfall, reservation_id});
}

absl::StatusOr<BurnPlan> PlanRedemption(const BurnScope& scope, const MemberState& member,
                                        const BurnCommand& command, const BurnFacts& facts,
                                        absl::Time now, const BurnRules& rules) {
  LOYALTY_RETURN_IF_ERROR(RequireActiveMember(member));
  if (!scope.group) {
    LOYALTY_RETURN_IF_ERROR(RequireEnrolment(member, scope.pricing.program_id).status());
  }
  if (!command.order_ref.empty() && facts.order_earned) {
    return Refused(kEarnAndBurnSameOrder,
                   absl::StrCat("order '", command.order_ref, "' already earned points"));
  }
  return PlanBurn(scope, member, command.points, now, rules);
}

absl::StatusOr<Burn> DecideBurn(const BurnScope& scope, const MemberState& member,
                                const BurnCommand& command, const BurnFacts& facts, absl::Time now,
                                const BurnRules& rules) {
  Burn burn;
  LOYALTY_ASSIGN_OR_RETURN(burn.plan, PlanRedemption(scope, member, command, facts, now, rules));
  AddRedemption(scope, member.member_id, command, burn.plan, /*reservation_id=*/0, &burn.changes);
  return burn;
}

}  // namespace loyalty::ledger
