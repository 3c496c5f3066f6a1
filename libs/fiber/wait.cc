#include "libs/fiber/wait.h"

#include <poll.h>
#include <sys/epoll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>

namespace loyalty::fiber {
namespace {

constexpr int64_t kMaxPollMs = 60 * 60 * 1000;

SteadyTime DeadlineAfter(absl::Duration timeout) {
  if (timeout == absl::InfiniteDuration()) return kNoDeadline;
  return std::chrono::steady_clock::now() +
         std::chrono::duration_cast<SteadyTime::duration>(
             absl::ToChronoNanoseconds(std::max(timeout, absl::ZeroDuration())));
}

}  // namespace

bool WaitFd(int fd, bool readable, bool writable, absl::Duration timeout) {
  if (fd < 0) return true;  // no socket: nothing to wait for, and the read reports it
  if (Fiber* fiber = Suspension::Current()) {
    const uint32_t events = (readable ? EPOLLIN : 0u) | (writable ? EPOLLOUT : 0u);
    return Suspension(*fiber).Suspend(DeadlineAfter(timeout), fd, events);
  }
  pollfd socket{fd, static_cast<short>((readable ? POLLIN : 0) | (writable ? POLLOUT : 0)), 0};
  const SteadyTime deadline = DeadlineAfter(timeout);
  while (true) {
    int wait_ms = -1;
    if (deadline != kNoDeadline) {
      const auto remaining = deadline - std::chrono::steady_clock::now();
      wait_ms = static_cast<int>(std::clamp<int64_t>(
          std::chrono::ceil<std::chrono::milliseconds>(remaining).count(), 0, kMaxPollMs));
    }
    const int ready = poll(&socket, 1, wait_ms);
    if (ready > 0 || (ready < 0 && errno != EINTR)) return true;  // an error: the read says why
    if (ready == 0 && wait_ms >= 0 && std::chrono::steady_clock::now() >= deadline) return false;
  }
}

void SleepFor(absl::Duration duration) {
  if (Fiber* fiber = Suspension::Current()) {
    Suspension(*fiber).Suspend(DeadlineAfter(duration));
    return;
  }
  absl::SleepFor(duration);
}

bool Parker::WaitFor(absl::Duration timeout) {
  Fiber* fiber = Suspension::Current();
  if (fiber == nullptr) {
    absl::MutexLock lock(&mutex_);
    mutex_.AwaitWithTimeout(absl::Condition(&unparked_), timeout);
    return unparked_;
  }
  Suspension suspension(*fiber);
  {
    absl::MutexLock lock(&mutex_);
    if (unparked_) return true;
    fiber_ = suspension.ticket();
  }
  // A wake between the unlock and the suspension is not lost: from another thread it reaches
  // the loop only once this fiber has suspended; this thread runs nothing else meanwhile.
  suspension.Suspend(DeadlineAfter(timeout));
  absl::MutexLock lock(&mutex_);
  fiber_.reset();
  return unparked_;
}

void Parker::Unpark() {
  absl::MutexLock lock(&mutex_);
  unparked_ = true;
  if (fiber_.has_value()) fiber_->Wake();
}

}  // namespace loyalty::fiber
