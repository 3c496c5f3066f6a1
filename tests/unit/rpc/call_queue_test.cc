// rpc::CallQueue: calls run in arrival order, the queue refuses past its capacity, and the
// destructor runs what is still queued.
#include "libs/rpc/call_queue.h"

#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace loyalty::rpc {
namespace {

TEST(CallQueueTest, RunsCallsInArrivalOrder) {
  absl::Mutex mutex;
  std::vector<int> ran;
  {
    CallQueue calls(1, 100);
    for (int i = 0; i < 50; ++i) {
      ASSERT_TRUE(calls.TrySubmit([&, i] {
        absl::MutexLock lock(&mutex);
        ran.push_back(i);
      }));
    }
  }  // the destructor runs what is left, then joins
  ASSERT_EQ(ran.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(ran[static_cast<size_t>(i)], i);
}

TEST(CallQueueTest, RefusesPastItsCapacityAndRunsTheQueuedOnes) {
  absl::Notification started, release;
  absl::Mutex mutex;
  int ran = 0;
  const auto count = [&] {
    absl::MutexLock lock(&mutex);
    ++ran;
  };
  {
    CallQueue calls(1, 2);
    ASSERT_TRUE(calls.TrySubmit([&] {
      started.Notify();
      release.WaitForNotification();
      count();
    }));
    started.WaitForNotification();  // the one thread is busy; the queue is empty
    EXPECT_TRUE(calls.TrySubmit(count));
    EXPECT_TRUE(calls.TrySubmit(count));
    bool refused_ran = false;
    EXPECT_FALSE(calls.TrySubmit([&] { refused_ran = true; }));
    EXPECT_EQ(calls.capacity(), 2);
    release.Notify();
    // The destructor waits for the queued two.
    EXPECT_FALSE(refused_ran);
  }
  EXPECT_EQ(ran, 3);
}

TEST(CallQueueTest, SeveralThreadsRunCallsAtOnce) {
  constexpr int kThreads = 4;
  absl::Mutex mutex;
  int running = 0;
  int saw_all = 0;
  {
    CallQueue calls(kThreads, kThreads);
    for (int i = 0; i < kThreads; ++i) {
      ASSERT_TRUE(calls.TrySubmit([&] {
        absl::MutexLock lock(&mutex);
        ++running;
        // Each waits (bounded) until all are in: only kThreads threads at once see that.
        const auto all_in = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex) {
          return running == kThreads;
        };
        if (mutex.AwaitWithTimeout(absl::Condition(&all_in), absl::Seconds(30))) ++saw_all;
      }));
    }
  }
  EXPECT_EQ(saw_all, kThreads);
}

}  // namespace
}  // namespace loyalty::rpc
