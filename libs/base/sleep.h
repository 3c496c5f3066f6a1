#pragma once

#include <stop_token>

#include "absl/time/time.h"

namespace loyalty {

// Sleeps for `duration`, or less when a stop is requested on `stop` (before or during the
// sleep). True when a stop was requested. The loops of the background threads (health checks,
// policy reloads, projector, view listener) pause with it.
bool SleepUnlessStopped(const std::stop_token& stop, absl::Duration duration);

}  // namespace loyalty
