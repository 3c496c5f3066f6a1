#pragma once

#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/fiber/event_loop.h"

namespace loyalty::fiber {

// Waits that code can make whether it runs on a worker fiber of an EventLoop or on a plain
// thread: on a fiber only the fiber is suspended, on a thread the thread blocks.

// Until `fd` is readable (when `readable`) or writable (when `writable`), or an error or hang-up
// on it; false when `timeout` passed first. On a thread: poll(2).
bool WaitFd(int fd, bool readable, bool writable,
            absl::Duration timeout = absl::InfiniteDuration());

void SleepFor(absl::Duration duration);

// One waiter waiting for one go-ahead: Unpark() from any thread ends Wait/WaitFor, before or
// after it began. The waiter must not destroy the Parker before Unpark() has returned (hold the
// lock Unpark() is called under when deciding).
class Parker final {
 public:
  // True when unparked; false when `timeout` passed first.
  bool WaitFor(absl::Duration timeout);
  void Wait() { WaitFor(absl::InfiniteDuration()); }
  void Unpark();

 private:
  absl::Mutex mutex_;
  bool unparked_ ABSL_GUARDED_BY(mutex_) = false;
  std::optional<Suspension::Ticket> fiber_ ABSL_GUARDED_BY(mutex_);  // the waiting fiber
};

}  // namespace loyalty::fiber
