#include "services/query/checkpoint.h"

#include <algorithm>

#include "absl/cleanup/cleanup.h"
#include "libs/base/status_macros.h"

namespace loyalty::query {
namespace {

constexpr pg::Statement kReadCheckpoint{"query_read_checkpoint",
                                        "SELECT position FROM view_checkpoint"};

}  // namespace

void CheckpointRead::Declare(pg::Transaction& tx) const { tx.Prefetch(kReadCheckpoint, {}); }

absl::StatusOr<int64_t> ReadCheckpoint(pg::Transaction& tx) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx.Execute(kReadCheckpoint));
  if (row.Rows() != 1) return absl::InternalError("view_checkpoint must hold one row");
  return row.Int64(0, 0);
}

void CheckpointWatch::Advanced(int64_t position) {
  absl::MutexLock lock(&mutex_);
  last_position_ = std::max(last_position_, position);
}

absl::StatusOr<int64_t> CheckpointWatch::WaitFor(
    const std::function<absl::StatusOr<int64_t>()>& read, int64_t min_position,
    absl::Time deadline) {
  const auto count = [this](int change) {
    absl::MutexLock lock(&mutex_);
    waiters_ += change;
  };
  count(1);
  absl::Cleanup left = [&] { count(-1); };
  while (true) {
    LOYALTY_ASSIGN_OR_RETURN(int64_t position, read());
    const absl::Time now = absl::Now();
    if (position >= min_position || now >= deadline) return position;
    const absl::Time wake = std::min(deadline, now + kPollInterval);
    absl::MutexLock lock(&mutex_);
    const auto reached = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
      return last_position_ >= min_position;
    };
    mutex_.AwaitWithDeadline(absl::Condition(&reached), wake);
  }
}

int CheckpointWatch::waiters() {
  absl::MutexLock lock(&mutex_);
  return waiters_;
}

bool CheckpointWatch::AwaitWaiters(int count, absl::Duration timeout) {
  absl::MutexLock lock(&mutex_);
  const auto reached = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) { return waiters_ == count; };
  return mutex_.AwaitWithTimeout(absl::Condition(&reached), timeout);
}

}  // namespace loyalty::query
