#include "libs/ledger/period.h"

#include "absl/time/civil_time.h"
#include "libs/ledger/dates.h"

namespace loyalty::ledger {

QualificationPeriod QualificationPeriodAt(const std::string& period_kind, int32_t months,
                                          absl::Time now) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  const absl::CivilSecond civil = absl::ToCivilSecond(now, utc);
  if (period_kind == "rolling_months") return {now, AddMonths(now, months)};
  const absl::CivilYear year(civil);
  return {absl::FromCivil(year, utc), absl::FromCivil(year + 1, utc)};
}

}  // namespace loyalty::ledger
