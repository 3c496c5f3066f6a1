#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace loyalty::fiber {

using SteadyTime = std::chrono::steady_clock::time_point;
inline constexpr SteadyTime kNoDeadline = SteadyTime::max();

struct Fiber;

// One thread that runs tasks on a fixed set of fibers (stackful coroutines, Boost.Context),
// behind a bounded queue. A task is plain blocking code; where it waits (for a socket, a timer,
// another thread: wait.h), only its fiber is suspended, and the thread runs the other fibers, so
// one thread drives every connection its fibers use and sleeps in one epoll_wait for all of
// them, as pgbench does, instead of one blocked thread per connection (docs/operations.md,
// "loyalty-command"). Tasks must not block the thread by other means (a lock held across a
// wait, a sleep, a blocking read).
class EventLoop final {
 public:
  using Task = absl::AnyInvocable<void() &&>;

  // Each fiber's stack, with a guard page below it: an overflow faults instead of writing over
  // memory. Use cases, libpq and protobuf stay far below it.
  static constexpr size_t kStackBytes = 256 * 1024;
  static constexpr int kMaxFibers = 1024;

  // `fibers` (1..kMaxFibers) run the tasks; at most `capacity` >= 1 tasks wait for one.
  EventLoop(int fibers, int capacity);
  // Runs the tasks still queued and lets the running ones end, then joins the thread.
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Thread-safe. Queues `task`; false (and `task` dropped, not run) when `capacity` tasks
  // already wait or the loop is stopping.
  bool TrySubmit(Task task);
  int capacity() const { return capacity_; }

 private:
  friend struct Suspension;

  void Run();
  void WorkerBody(Fiber& fiber);
  void Resume(Fiber& fiber);        // on the loop: runs the fiber until it suspends or ends
  void SwitchToLoop(Fiber& fiber);  // on the fiber: back to the loop
  void Signal();                    // wakes the thread from epoll_wait
  // On the loop thread: `fiber` goes on when it is still in suspension number `wait`.
  void MakeReady(Fiber& fiber, uint64_t wait, bool timed_out);
  bool TakeInbox();  // remote wakes and new tasks; false when the loop is done
  int TimeoutMs() const;
  void PollEvents(int timeout_ms);
  void FireTimers();
  bool Watch(int fd, uint32_t events, Fiber& fiber);
  void Unwatch(int fd);

  const int fiber_count_;
  const int capacity_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: a task or a wake from another thread
  // Loop thread only.
  std::vector<std::unique_ptr<Fiber>> fibers_;
  std::deque<Fiber*> ready_;
  std::vector<Fiber*> idle_;  // without a task; the last one ran most recently
  int timed_waits_ = 0;       // suspended fibers with a deadline

  absl::Mutex mutex_;
  std::deque<Task> tasks_ ABSL_GUARDED_BY(mutex_);
  struct RemoteWake {
    Fiber* fiber;
    uint64_t wait;
  };
  std::vector<RemoteWake> wakes_ ABSL_GUARDED_BY(mutex_);
  bool sleeping_ ABSL_GUARDED_BY(mutex_) = false;  // in epoll_wait with nothing ready
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

// One suspension of the current worker fiber, for the waits of wait.h. Make it, hand ticket()
// to whoever will wake it (under the waker's lock, so that no wake is lost), then Suspend().
struct Suspension {
  // The worker fiber running on this thread; null on any other thread (and between fibers).
  static Fiber* Current();

  explicit Suspension(Fiber& fiber);
  // Until Wake() of this suspension (true), `fd` is ready for `events` (EPOLLIN, EPOLLOUT;
  // an error or hang-up counts, true) or `deadline` passes (false). Once.
  bool Suspend(SteadyTime deadline, int fd = -1, uint32_t events = 0);
  // Thread-safe; a wake for a suspension that has ended (timed out) is ignored.
  struct Ticket {
    Fiber* fiber;
    uint64_t wait;
    void Wake() const;
  };
  Ticket ticket() const { return {&fiber_, wait_}; }

 private:
  Fiber& fiber_;
  uint64_t wait_;
};

}  // namespace loyalty::fiber
