#include "libs/ledger/reversal.h"

#include <algorithm>

#include "libs/base/check.h"

namespace loyalty::ledger {
namespace {

__extension__ typedef __int128 Int128;

}  // namespace

Points CumulativeClawback(Points original_points, int64_t original_amount_minor,
                          int64_t cumulative_returned_minor) {
  LOYALTY_CHECK(original_amount_minor > 0);
  LOYALTY_CHECK(original_points >= 0);
  LOYALTY_CHECK(cumulative_returned_minor >= 0);
  const int64_t returned = std::min(cumulative_returned_minor, original_amount_minor);
  const Int128 clawback = static_cast<Int128>(original_points) * returned / original_amount_minor;
  return static_cast<Points>(clawback);  // <= original_points, so it fits
}

}  // namespace loyalty::ledger
