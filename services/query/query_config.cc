#include "services/query/query_config.h"

#include "libs/base/flag_range.h"
#include "libs/base/status_macros.h"

namespace loyalty::query {

absl::Status Validate(const Config& config) {
  LOYALTY_RETURN_IF_ERROR(CheckFlagRange("pool_size", config.pool_size, 1, 256));
  LOYALTY_RETURN_IF_ERROR(CheckFlagRange("max_threads", config.max_threads, 4, 1024));
  LOYALTY_RETURN_IF_ERROR(rpc::CheckCallLimits(config.limits));
  LOYALTY_RETURN_IF_ERROR(CheckFlagRange("balance_cache_mib", config.balance_cache_mib, 0, 16384));
  if (!config.project) return absl::OkStatus();
  return CheckFlagRange("batch_size", config.batch_size, 1, 10000);
}

}  // namespace loyalty::query
