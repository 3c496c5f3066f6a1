#include "services/worker/worker_config.h"

#include <algorithm>

#include "libs/base/flag_range.h"
#include "libs/base/status_macros.h"

namespace loyalty::worker {

WorkerOptions Config::ToWorkerOptions() const {
  return {batch, absl::Milliseconds(interval_ms), absl::Hours(24) * idempotency_retention_days,
          ConversionRetry{conversion_attempts, absl::Milliseconds(conversion_retry_ms),
                          std::max(absl::Hours(1), absl::Milliseconds(conversion_retry_ms))}};
}

absl::Status Validate(const Config& config) {
  LOYALTY_RETURN_IF_ERROR(CheckFlagRange("pool_size", config.pool_size, 1, 64));
  LOYALTY_RETURN_IF_ERROR(CheckFlagRange("batch", config.batch, 1, 10000));
  LOYALTY_RETURN_IF_ERROR(CheckFlagRange("interval_ms", config.interval_ms, 10, 3600000));
  LOYALTY_RETURN_IF_ERROR(
      CheckFlagRange("idempotency_retention_days", config.idempotency_retention_days, 1, 3650));
  LOYALTY_RETURN_IF_ERROR(
      CheckFlagRange("conversion_attempts", config.conversion_attempts, 1, 100));
  return CheckFlagRange("conversion_retry_ms", config.conversion_retry_ms, 10, 86400000);
}

}  // namespace loyalty::worker
