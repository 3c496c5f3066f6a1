#pragma once

#include <deque>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace loyalty::rpc {

// A fixed set of threads that run submitted calls in arrival order, behind a bounded queue. A
// callback service's handlers hand their bodies to it: a burst of calls waits here, in memory of
// a known size, instead of taking a server thread each (docs/operations.md).
class CallQueue final {
 public:
  using Call = absl::AnyInvocable<void() &&>;

  // threads >= 1 run the calls; at most `capacity` >= 1 calls wait for one.
  CallQueue(int threads, int capacity);
  // Runs the calls still queued, then joins the threads.
  ~CallQueue();
  CallQueue(const CallQueue&) = delete;
  CallQueue& operator=(const CallQueue&) = delete;

  // Queues `call`; false (and `call` dropped, not run) when `capacity` calls already wait.
  bool TrySubmit(Call call);
  int capacity() const { return capacity_; }

 private:
  void Work();

  const int capacity_;
  absl::Mutex mutex_;
  std::deque<Call> queue_ ABSL_GUARDED_BY(mutex_);
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace loyalty::rpc
