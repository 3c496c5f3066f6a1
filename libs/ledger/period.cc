#include "libs/ledger/period.h"

#include <algorithm>

#include "absl/time/civil_time.h"

namespace loyalty::ledger {

QualificationPeriod QualificationPeriodAt(const std::string& period_kind, int32_t months,
                                          absl::Time now) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  const absl::CivilSecond civil = absl::ToCivilSecond(now, utc);
  if (period_kind == "rolling_months") {
    const absl::CivilMonth month = absl::CivilMonth(civil) + months;
    const absl::CivilDay last_day = absl::CivilDay(month + 1) - 1;
    const absl::CivilSecond end(month.year(), month.month(), std::min(civil.day(), last_day.day()),
                                civil.hour(), civil.minute(), civil.second());
    const absl::Duration subsecond = now - absl::FromCivil(civil, utc);
    return {now, absl::FromCivil(end, utc) + subsecond};
  }
  const absl::CivilYear year(civil);
  return {absl::FromCivil(year, utc), absl::FromCivil(year + 1, utc)};
}

}  // namespace loyalty::ledger
