#include "libs/ledger/consumption.h"

#include <algorithm>
#include <tuple>

#include "libs/base/check.h"

namespace loyalty::ledger {
namespace {

// Closest expiry first, never-expiring last, then earliest awarded, then lowest lot id.
auto ConsumptionKey(const Lot& lot) {
  return std::make_tuple(!lot.expires_at.has_value(),
                         lot.expires_at.value_or(absl::InfiniteFuture()), lot.awarded_at,
                         lot.lot_id);
}

}  // namespace

Points FreePoints(const Lot& lot) { return std::max<Points>(lot.remaining - lot.held, 0); }

bool IsSpendable(const Lot& lot, absl::Time now) {
  const bool expired = lot.expires_at.has_value() && *lot.expires_at <= now;
  return lot.redeemable && lot.available_at <= now && !expired && FreePoints(lot) > 0;
}

ConsumptionPlan PlanConsumption(std::span<const Lot> lots, Points points, absl::Time now) {
  LOYALTY_CHECK(points >= 0);
  std::vector<const Lot*> spendable;
  for (const Lot& lot : lots) {
    if (IsSpendable(lot, now)) spendable.push_back(&lot);
  }
  std::sort(spendable.begin(), spendable.end(), [](const Lot* a, const Lot* b) {
    return ConsumptionKey(*a) < ConsumptionKey(*b);
  });
  ConsumptionPlan plan;
  Points wanted = points;
  for (const Lot* lot : spendable) {
    if (wanted == 0) break;
    const Points take = std::min(wanted, FreePoints(*lot));
    plan.takes.push_back(
        LotTake{lot->lot_id, lot->program_id, lot->point_type, take, lot->expires_at});
    wanted -= take;
  }
  plan.shortfall = wanted;
  return plan;
}

}  // namespace loyalty::ledger
