#pragma once

#include <cstdint>
#include <string>

#include "absl/time/time.h"

namespace loyalty::ledger {

// A tier qualification period [start, end).
struct QualificationPeriod {
  absl::Time start;
  absl::Time end;
};

// The period that begins at (or, for calendar years, contains) `now`: "calendar_year" is [Jan 1,
// Jan 1 of the next year) in UTC; "rolling_months" is [now, now + months), the day clamped to the
// end of a shorter month. The period after one that ends at E is QualificationPeriodAt(kind, n, E).
QualificationPeriod QualificationPeriodAt(const std::string& period_kind, int32_t months,
                                          absl::Time now);

}  // namespace loyalty::ledger
