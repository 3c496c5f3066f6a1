#pragma once

#include <cstdint>
#include <functional>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/pg/transaction.h"

namespace loyalty::query {

// The position the views reflect: every outbox position <= it is applied or known never to commit.
absl::StatusOr<int64_t> ReadCheckpoint(pg::Transaction& tx);

// ReadCheckpoint as a read (libs/store/read_plan.h).
struct CheckpointRead {
  using Value = int64_t;
  void Declare(pg::Transaction& tx) const;
  absl::StatusOr<int64_t> Load(pg::Transaction& tx) const { return ReadCheckpoint(tx); }
};

// Lets readers wait for the views to reach a position. The in-process projector calls Advanced()
// after each commit; readers also re-read the checkpoint every `poll_interval`, so a projector in
// another process (or a replica's replay) is seen too.
class CheckpointWatch final {
 public:
  static constexpr absl::Duration kPollInterval = absl::Milliseconds(10);

  void Advanced(int64_t position);

  // Calls `read` until it returns >= `min_position` (returns that value) or `deadline` passes
  // (returns the last value read). Errors of `read` come back as they are.
  absl::StatusOr<int64_t> WaitFor(const std::function<absl::StatusOr<int64_t>()>& read,
                                  int64_t min_position, absl::Time deadline);
  // The calls inside WaitFor, and a wait (at most `timeout`) until there are `count`: for tests.
  int waiters();
  bool AwaitWaiters(int count, absl::Duration timeout);

 private:
  // Its release wakes the waits (absl::Mutex re-checks their conditions then).
  absl::Mutex mutex_;
  int64_t last_position_ ABSL_GUARDED_BY(mutex_) = 0;
  int waiters_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace loyalty::query
