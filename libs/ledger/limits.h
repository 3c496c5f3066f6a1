#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>

#include "absl/status/status.h"
#include "libs/ledger/balances.h"
#include "libs/ledger/types.h"

namespace loyalty::ledger {

// The platform's bounds on points and money (SPEC 8, docs/reliability.md). They sit far inside
// int64, so that every sum the platform makes of bounded values (a member's lots, a group's
// programs, a balance plus one command) cannot overflow:
//  - a request beyond kMaxCommandPoints or kMaxAmountMinor is INVALID_ARGUMENT naming the field;
//  - a command that would carry a lot, a balance, a lifetime or qualifying total, or a debt
//    beyond kMaxBalancePoints is FAILED_PRECONDITION POINTS_LIMIT_EXCEEDED.

// Points one command may award, take, move or hold (also the most one lot can be given).
inline constexpr Points kMaxCommandPoints = 1'000'000'000'000;  // 10^12
// Points one lot, one balance (per point type, per program), one lifetime or qualifying total,
// and one debt may reach.
inline constexpr Points kMaxBalancePoints = 1'000'000'000'000'000;  // 10^15
// Money in minor units: an order's amount, a returned amount, a redemption's value.
inline constexpr int64_t kMaxAmountMinor = 1'000'000'000'000'000;  // 10^15

inline constexpr char kPointsLimitExceeded[] = "POINTS_LIMIT_EXCEEDED";

// a + b, or nullopt when it overflows int64.
inline std::optional<int64_t> CheckedAdd(int64_t a, int64_t b) {
  int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) return std::nullopt;
  return sum;
}

// a + b, clamped to [-INT64_MAX, INT64_MAX] (so that it can be negated): for sums that are
// shown or compared (balances, a group's programs), never for sums that are written.
inline int64_t SaturatingAdd(int64_t a, int64_t b) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) return b > 0 ? kMax : -kMax;
  return sum < -kMax ? -kMax : sum;
}

// Whether a balance-like value (signed totals included) stays within the bounds.
inline bool WithinBalanceLimit(int64_t value) {
  return value >= -kMaxBalancePoints && value <= kMaxBalancePoints;
}

// FAILED_PRECONDITION POINTS_LIMIT_EXCEEDED: the `what` ("balance", "debt", ...) in the program
// would pass kMaxBalancePoints.
absl::Status Exceeded(absl::string_view what, const std::string& program_id);

// FAILED_PRECONDITION POINTS_LIMIT_EXCEEDED when a member's state is beyond the bounds: per
// program, the lots' remaining points, the lifetime and the qualifying totals (each point type's
// and their sum), and the debt. A command checks the state it would leave before it commits.
absl::Status CheckBalanceLimits(std::span<const Lot> lots, std::span<const PointTotals> totals,
                                std::span<const ProgramDebt> debts);

}  // namespace loyalty::ledger
