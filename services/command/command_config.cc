#include "services/command/command_config.h"

#include "libs/base/flag_range.h"
#include "libs/base/status_macros.h"

namespace loyalty::command {

absl::Status Validate(const Config& config) {
  LOYALTY_RETURN_IF_ERROR(CheckFlagRange("pool_size", config.pool_size, 1, 256));
  LOYALTY_RETURN_IF_ERROR(CheckFlagRange("max_threads", config.max_threads, 4, 1024));
  LOYALTY_RETURN_IF_ERROR(CheckFlagRange("max_attempts", config.max_attempts, 1, 32));
  LOYALTY_RETURN_IF_ERROR(rpc::CheckCallLimits(config.limits));
  return CheckFlagRange("acquire_timeout_ms", config.acquire_timeout_ms, 0, 600000);
}

}  // namespace loyalty::command
