#include "libs/ledger/redemption_rules.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "libs/base/check.h"
#include "libs/base/refusal.h"

namespace loyalty::ledger {
namespace {

__extension__ typedef __int128 Int128;

}  // namespace

absl::Status ValidateRedemption(Points points, const RedemptionRules& rules) {
  LOYALTY_CHECK(points > 0);
  if (rules.minimum > 0 && points < rules.minimum) {
    return Refused(kBelowMinimum, absl::StrCat("at least ", rules.minimum, " points"));
  }
  if (rules.maximum > 0 && points > rules.maximum) {
    return Refused(kAboveMaximum, absl::StrCat("at most ", rules.maximum, " points"));
  }
  if (rules.multiple_of > 0 && points % rules.multiple_of != 0) {
    return Refused(kNotMultiple, absl::StrCat("a multiple of ", rules.multiple_of, " points"));
  }
  return absl::OkStatus();
}

int64_t RedemptionValue(Points points, RedemptionRatio ratio) {
  LOYALTY_CHECK(points >= 0);
  LOYALTY_CHECK(ratio.points > 0);
  LOYALTY_CHECK(ratio.value_minor >= 0);
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const Int128 value = static_cast<Int128>(points) * ratio.value_minor / ratio.points;
  return value > kMax ? kMax : static_cast<int64_t>(value);
}

absl::Status CheckOverdraft(Points shortfall, Points debt, bool allowed, Points limit) {
  LOYALTY_CHECK(shortfall >= 0);
  LOYALTY_CHECK(debt >= 0);
  if (shortfall == 0) return absl::OkStatus();
  if (!allowed) {
    return Refused(kInsufficientPoints, absl::StrCat(shortfall, " points short"));
  }
  if (static_cast<Int128>(debt) + shortfall > limit) {
    return Refused(kInsufficientPoints,
                   absl::StrCat(shortfall, " points short; the overdraft limit is ", limit));
  }
  return absl::OkStatus();
}

}  // namespace loyalty::ledger
