#include "services/worker/worker_config.h"

#include "libs/base/flag_range.h"
#include "libs/base/status_macros.h"

namespace loyalty::worker {

WorkerOptions Config::ToWorkerOptions() const {
  return {batch, absl::Milliseconds(interval_ms), absl::Hours(24) * idempotency_retention_days};
}

absl::Status Validate(const Config& config) {
  LOYALTY_RETURN_IF_ERROR(CheckFlagRange("pool_size", config.pool_size, 1, 64));
  LOYALTY_RETURN_IF_ERROR(CheckFlagRange("batch", config.batch, 1, 10000));
  LOYALTY_RETURN_IF_ERROR(CheckFlagRange("interval_ms", config.interval_ms, 10, 3600000));
  return CheckFlagRange("idempotency_retention_days", config.idempotency_retention_days, 1, 3650);
}

}  // namespace loyalty::worker
