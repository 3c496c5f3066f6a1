#include "libs/rpc/queued_calls.h"

#include <chrono>

namespace loyalty::rpc {

absl::Status CheckCallLimits(const CallLimits& limits) {
  if (limits.workers < 1 || limits.workers > 1024) {
    return absl::InvalidArgumentError("--workers must be 1..1024");
  }
  if (limits.max_queued < 1 || limits.max_queued > 100000) {
    return absl::InvalidArgumentError("--max_queued_calls must be 1..100000");
  }
  return absl::OkStatus();
}

absl::Time DeadlineOf(const grpc::CallbackServerContext& server_context) {
  const auto deadline = server_context.deadline();
  if (deadline > std::chrono::system_clock::now() + std::chrono::hours(24)) {
    return absl::InfiniteFuture();
  }
  return absl::FromChrono(deadline);
}

}  // namespace loyalty::rpc
