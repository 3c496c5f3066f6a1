#include "libs/ledger/earn.h"

#include <algorithm>
#include <limits>
#include <optional>

#include "libs/base/check.h"
#include "libs/base/refusal.h"

namespace loyalty::ledger {
namespace {

__extension__ typedef __int128 Int128;

constexpr Int128 kMaxPoints = std::numeric_limits<Points>::max();

// floor(product * multiplier / divisor) for product < 2^126, divisor > 0, multiplier >= 0,
// without overflowing 128 bits; nullopt when the result exceeds int64.
std::optional<Points> ScaledQuotient(Int128 product, int32_t multiplier, Int128 divisor) {
  const Int128 quotient = product / divisor;
  const Int128 remainder = product % divisor;
  if (multiplier == 0) return 0;
  if (quotient > kMaxPoints) return std::nullopt;
  const Int128 result = quotient * multiplier + remainder * multiplier / divisor;
  if (result > kMaxPoints) return std::nullopt;
  return static_cast<Points>(result);
}

}  // namespace

absl::StatusOr<Points> PurchasePoints(int64_t amount_minor, EarnRate rate,
                                      int32_t multiplier_permille) {
  if (amount_minor < 0) return InvalidField("amount", "must not be negative");
  if (rate.points <= 0 || rate.per_amount_minor <= 0) {
    return InvalidField("amount", "the earn rate must be positive");
  }
  if (multiplier_permille < 0) return InvalidField("amount", "the multiplier must not be negative");
  const Int128 product = static_cast<Int128>(amount_minor) * rate.points;
  const Int128 divisor = static_cast<Int128>(rate.per_amount_minor) * kPermille;
  std::optional<Points> points = ScaledQuotient(product, multiplier_permille, divisor);
  if (!points.has_value()) return InvalidField("amount", "earns more points than can be held");
  return *points;
}

Repayment RepayDebt(Points debt, Points award) {
  LOYALTY_CHECK(debt >= 0);
  LOYALTY_CHECK(award >= 0);
  const Points repaid = std::min(debt, award);
  return Repayment{repaid, award - repaid};
}

}  // namespace loyalty::ledger
