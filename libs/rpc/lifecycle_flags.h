#pragma once

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace loyalty::rpc {

// The readiness check's period and the shutdown grace of a server process (docs/operations.md,
// "Health" and "Shutdown").
struct Lifecycle {
  absl::Duration health_interval = absl::Seconds(1);
  absl::Duration shutdown_grace = absl::Seconds(10);
};

// From the flags every binary shares: --health_interval_ms (100..60000) and --shutdown_grace_ms
// (0..300000). The error names the flag and its range.
absl::StatusOr<Lifecycle> LifecycleFromFlags();

}  // namespace loyalty::rpc
