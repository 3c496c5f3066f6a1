#include "libs/ledger/dates.h"

#include <algorithm>

#include "absl/time/civil_time.h"
#include "libs/base/check.h"
#include "libs/base/refusal.h"

namespace loyalty::ledger {
namespace {

// A day is 24 hours of absolute time: lots do not depend on a time zone.
absl::Duration Days(int32_t days) { return absl::Hours(24 * static_cast<int64_t>(days)); }

}  // namespace

absl::Time AvailableAt(absl::Time occurred_at, int32_t hold_days, absl::Time now,
                       std::optional<absl::Time> requested) {
  LOYALTY_CHECK(hold_days >= 0);
  const absl::Time earliest = std::max(occurred_at + Days(hold_days), now);
  if (requested.has_value() && *requested > earliest) return *requested;
  return earliest;
}

absl::StatusOr<std::optional<absl::Time>> ExpiresAt(const ExpiryPolicy& policy,
                                                    absl::Time available_at,
                                                    std::optional<absl::Time> requested) {
  std::optional<absl::Time> expires_at = requested;
  if (!expires_at.has_value() && policy.kind == ExpiryKind::kFixedDays) {
    expires_at = available_at + Days(policy.days);
  }
  if (expires_at.has_value() && *expires_at <= available_at) {
    return InvalidField("expires_at", "must be after the time the points become available");
  }
  return expires_at;
}

absl::Time AddMonths(absl::Time at, int32_t months) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  const absl::CivilSecond civil = absl::ToCivilSecond(at, utc);
  const absl::CivilMonth month = absl::CivilMonth(civil) + months;
  const absl::CivilDay last_day = absl::CivilDay(month + 1) - 1;
  const absl::CivilSecond moved(month.year(), month.month(), std::min(civil.day(), last_day.day()),
                                civil.hour(), civil.minute(), civil.second());
  return absl::FromCivil(moved, utc) + (at - absl::FromCivil(civil, utc));
}

}  // namespace loyalty::ledger
