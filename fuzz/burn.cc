#include "fuzz/burn.h"

#include <algorithm>
#include <limits>

#include "fuzz/fuzz_input.h"
#include "libs/base/refusal.h"
#include "libs/ledger/limits.h"

namespace loyalty::fuzz {
namespace {

__extension__ typedef __int128 Int128;

void CheckValue(ledger::Points points, const ledger::RedemptionRatio& ratio) {
  const int64_t value = ledger::RedemptionValue(points, ratio);
  const Int128 exact = static_cast<Int128>(points) * ratio.value_minor / ratio.points;
  const Int128 max = std::numeric_limits<int64_t>::max();
  LOYALTY_CHECK(value >= 0 && static_cast<Int128>(value) == std::min(exact, max));
}

}  // namespace

std::optional<ledger::ConsumptionPlan> CheckBurn(LedgerState& state, ledger::Points points,
                                                 bool group, bool validate_redemption,
                                                 bool overdraft) {
  LOYALTY_CHECK(points > 0 && points <= ledger::kMaxCommandPoints);  // the request check's bounds
  if (validate_redemption) {
    const absl::Status valid = ledger::ValidateRedemption(points, state.rules);
    if (!valid.ok()) {
      LOYALTY_CHECK(IsRefusal(valid));
      return std::nullopt;
    }
  }
  const std::vector<ledger::Lot> scope = LotsOf(state.lots, group ? "" : kPrograms[0]);
  const ledger::ConsumptionPlan plan = ledger::PlanConsumption(scope, points, state.now);
  CheckPlan(scope, plan, points, state.now);
  ledger::Points available = 0;
  for (const ledger::ProgramBalance& program : CheckedBalances(state, state.lots)) {
    if (group || program.program_id == kPrograms[0]) available += program.available;
  }
  bool tier_allows = state.tiers.empty();
  for (const ledger::Tier& tier : state.tiers) {
    tier_allows = tier_allows || (tier.code == state.current_tier && tier.overdraft_allowed);
  }
  const bool allowed = overdraft && !group && state.overdraft_allowed && tier_allows;
  const ledger::Points positive = std::max<ledger::Points>(0, available);
  const absl::Status balance = ledger::CheckOverdraft(
      std::max<ledger::Points>(0, points - positive), std::max<ledger::Points>(0, -available),
      allowed, state.overdraft_limit);
  if (!balance.ok()) {
    LOYALTY_CHECK(IsRefusal(balance));
    return std::nullopt;
  }
  if (!allowed) LOYALTY_CHECK(plan.shortfall == 0);  // the balance covered it, so the lots do
  CheckValue(points, state.ratio);
  state.lots = ApplyPlan(state.lots, plan);
  if (plan.shortfall > 0) {
    state.debts.push_back({kPrograms[0], plan.shortfall});
    LOYALTY_CHECK(state.DebtOf(kPrograms[0]) <= state.overdraft_limit);  // the limit holds
  }
  CheckedBalances(state, state.lots);
  return plan;
}

}  // namespace loyalty::fuzz
