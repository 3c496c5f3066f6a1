#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "libs/ledger/types.h"

namespace loyalty::ledger {

// A program's redemption validations. Zero means "no rule".
struct RedemptionRules {
  Points minimum = 0;
  Points maximum = 0;
  Points multiple_of = 0;
};

// OK, or FAILED_PRECONDITION with reason BELOW_MINIMUM / ABOVE_MAXIMUM / NOT_MULTIPLE.
// Requires points > 0 (the caller validates the field first).
absl::Status ValidateRedemption(Points points, const RedemptionRules& rules);

// `points` points are worth `value_minor` minor units of the program currency.
struct RedemptionRatio {
  Points points = 1;
  int64_t value_minor = 1;
};

// floor(points * ratio.value_minor / ratio.points), exact; saturates at int64 max.
int64_t RedemptionValue(Points points, RedemptionRatio ratio);

// Overdraft decision for a burn whose spendable lots fall `shortfall` points short while the
// member already owes `debt`. OK when shortfall == 0, or when allowed and debt + shortfall <=
// limit; otherwise FAILED_PRECONDITION INSUFFICIENT_POINTS.
absl::Status CheckOverdraft(Points shortfall, Points debt, bool allowed, Points limit);

}  // namespace loyalty::ledger
