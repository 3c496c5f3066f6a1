#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "libs/ledger/types.h"

namespace loyalty::ledger {

// `points` points are earned for every `per_amount_minor` minor units spent (e.g. 5 per 100 cents).
struct EarnRate {
  Points points = 0;
  int64_t per_amount_minor = 1;
};

inline constexpr int32_t kPermille = 1000;  // a multiplier of 1000 permille is x1.0

// floor(amount_minor * rate.points * multiplier_permille / (rate.per_amount_minor * 1000)),
// computed exactly in 128-bit integers. INVALID_ARGUMENT (field "amount") when amount_minor < 0,
// when the rate is not positive, or when the result does not fit in int64.
absl::StatusOr<Points> PurchasePoints(int64_t amount_minor, EarnRate rate,
                                      int32_t multiplier_permille);

// What an accrual of `award` points does to an outstanding negative balance `debt` (>= 0):
// the debt is repaid first, the rest is credited to lots.
struct Repayment {
  Points repaid = 0;
  Points credited = 0;
};
Repayment RepayDebt(Points debt, Points award);

}  // namespace loyalty::ledger
