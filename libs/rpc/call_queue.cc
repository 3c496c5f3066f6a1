#include "libs/rpc/call_queue.h"

#include <utility>

#include "libs/base/check.h"

namespace loyalty::rpc {

CallQueue::CallQueue(int threads, int capacity) : capacity_(capacity) {
  LOYALTY_CHECK(threads >= 1 && capacity >= 1);
  threads_.reserve(static_cast<size_t>(threads));
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
}

CallQueue::~CallQueue() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  for (std::thread& thread : threads_) thread.join();
}

bool CallQueue::TrySubmit(Call call) {
  absl::MutexLock lock(&mutex_);
  if (queue_.size() >= static_cast<size_t>(capacity_)) return false;
  queue_.push_back(std::move(call));
  return true;
}

void CallQueue::Work() {
  const auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    return !queue_.empty() || stopping_;
  };
  while (true) {
    Call call;
    {
      absl::MutexLock lock(&mutex_, absl::Condition(&ready));
      if (queue_.empty()) return;  // stopping, and nothing left to run
      call = std::move(queue_.front());
      queue_.pop_front();
    }
    std::move(call)();
  }
}

}  // namespace loyalty::rpc
