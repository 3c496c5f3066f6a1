#include "libs/rpc/lifecycle_flags.h"

#include "absl/flags/flag.h"
#include "libs/base/flag_range.h"
#include "libs/base/status_macros.h"

ABSL_FLAG(int, health_interval_ms,
          static_cast<int>(absl::ToInt64Milliseconds(loyalty::rpc::Lifecycle{}.health_interval)),
          "period of the readiness check (a fresh database connection and a read of the schema "
          "version, 2 s at most) (100..60000)");
ABSL_FLAG(int, shutdown_grace_ms,
          static_cast<int>(absl::ToInt64Milliseconds(loyalty::rpc::Lifecycle{}.shutdown_grace)),
          "on SIGTERM, how long the calls in flight get to finish; then their SQL is cancelled "
          "and they are answered UNAVAILABLE (0..300000)");

namespace loyalty::rpc {

absl::StatusOr<Lifecycle> LifecycleFromFlags() {
  const int interval_ms = absl::GetFlag(FLAGS_health_interval_ms);
  const int grace_ms = absl::GetFlag(FLAGS_shutdown_grace_ms);
  LOYALTY_RETURN_IF_ERROR(CheckFlagRange("health_interval_ms", interval_ms, 100, 60000));
  LOYALTY_RETURN_IF_ERROR(CheckFlagRange("shutdown_grace_ms", grace_ms, 0, 300000));
  return Lifecycle{absl::Milliseconds(interval_ms), absl::Milliseconds(grace_ms)};
}

}  // namespace loyalty::rpc
