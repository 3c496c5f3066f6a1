#pragma once

#include <span>
#include <vector>

#include "libs/ledger/types.h"

namespace loyalty::ledger {

// A lot can be spent at `now` when it is redeemable, available (available_at <= now), not expired
// (no expires_at, or expires_at > now) and has free points (remaining - held > 0).
bool IsSpendable(const Lot& lot, absl::Time now);
Points FreePoints(const Lot& lot);  // remaining - held, never below zero

struct ConsumptionPlan {
  std::vector<LotTake> takes;  // in consumption order; every take has points > 0
  Points shortfall = 0;        // points wanted that the spendable lots could not cover
};

// Chooses which lots pay for `points`: closest expiry first, never-expiring last, ties to the
// earliest awarded, then to the lowest lot id; a lot may be consumed in part. Lots of any
// program may be passed (group redemption): the order is the same across programs. Never fails:
// when the lots are short, `shortfall` says by how much (the caller decides about overdraft).
// Requires points >= 0.
ConsumptionPlan PlanConsumption(std::span<const Lot> lots, Points points, absl::Time now);

}  // namespace loyalty::ledger
