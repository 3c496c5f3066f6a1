#pragma once

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace loyalty::ledger {

enum class ExpiryKind { kNever, kFixedDays, kInactivityDays };

struct ExpiryPolicy {
  ExpiryKind kind = ExpiryKind::kNever;
  int32_t days = 0;
};

// When new points become available: max(occurred_at + hold_days, now), or `requested` when it is
// later than that. Qualifying (tier-counting) points are available at once: pass hold_days 0 and
// no request for them.
absl::Time AvailableAt(absl::Time occurred_at, int32_t hold_days, absl::Time now,
                       std::optional<absl::Time> requested);

// The expiry date of a lot from the policy of its point type: fixed_days counts from available_at;
// never and inactivity_days give none (inactivity expiry is decided by the batch job). A
// `requested` expiry overrides the policy. INVALID_ARGUMENT (field "expires_at") when the expiry
// is not after available_at.
absl::StatusOr<std::optional<absl::Time>> ExpiresAt(const ExpiryPolicy& policy,
                                                    absl::Time available_at,
                                                    std::optional<absl::Time> requested);

// `at` plus `months` calendar months in UTC, the day clamped to the end of a shorter month
// (Jan 31 + 1 month = Feb 28 or 29), the time of day kept.
absl::Time AddMonths(absl::Time at, int32_t months);

}  // namespace loyalty::ledger
