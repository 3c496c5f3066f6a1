#pragma once

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace loyalty::partner {

// One partner's circuit breaker (docs/partners.md, "Retries"): closed, it lets every call through
// and counts consecutive failures; at `failures` of them it opens and refuses calls for
// `open_for`; then it lets one trial call through (half-open): a success closes it, a failure
// opens it again. Thread-safe.
class CircuitBreaker final {
 public:
  enum class State { kClosed, kOpen, kHalfOpen };

  CircuitBreaker(int failures, absl::Duration open_for)
      : failures_(failures), open_for_(open_for) {}

  // May a call go out at `now`? In half-open, only the one trial call until it reports.
  bool Allow(absl::Time now);
  void Succeeded();
  void Failed(absl::Time now);
  State state();
  // Open and still refusing calls at `now` (no trial is due yet).
  bool Refusing(absl::Time now);

 private:
  const int failures_;
  const absl::Duration open_for_;
  absl::Mutex mutex_;
  State state_ ABSL_GUARDED_BY(mutex_) = State::kClosed;
  int consecutive_ ABSL_GUARDED_BY(mutex_) = 0;
  absl::Time open_until_ ABSL_GUARDED_BY(mutex_);
  bool trial_out_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace loyalty::partner
