// fiber::EventLoop and the waits of libs/fiber/wait.h: tasks run on the fibers of one thread; a
// wait (a Parker, a socket, a sleep) suspends only its fiber; wakes come from other threads;
// timeouts; a late wake is ignored; the queue's bound; the destructor runs what is queued.
#include <unistd.h>

#include <array>
#include <set>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "libs/fiber/event_loop.h"
#include "libs/fiber/wait.h"

namespace loyalty::fiber {
namespace {

TEST(EventLoopTest, RunsEveryTaskOnItsOneThreadAndTheDestructorRunsWhatIsLeft) {
  absl::Mutex mutex;
  std::set<std::thread::id> threads;
  int ran = 0;
  {
    EventLoop loop(4, 100);
    for (int i = 0; i < 50; ++i) {
      ASSERT_TRUE(loop.TrySubmit([&] {
        absl::MutexLock lock(&mutex);
        threads.insert(std::this_thread::get_id());
        ++ran;
      }));
    }
  }
  EXPECT_EQ(ran, 50);
  ASSERT_EQ(threads.size(), 1u);
  EXPECT_NE(*threads.begin(), std::this_thread::get_id());
}

TEST(EventLoopTest, AWaitingTaskLeavesTheThreadToTheOthers) {
  Parker go;
  std::vector<int> order;  // written on the loop's one thread only
  absl::Notification done;
  EventLoop loop(2, 10);
  ASSERT_TRUE(loop.TrySubmit([&] {
    go.Wait();  // only the next task unparks it
    order.push_back(2);
    done.Notify();
  }));
  ASSERT_TRUE(loop.TrySubmit([&] {
    order.push_back(1);
    go.Unpark();
  }));
  const bool finished = done.WaitForNotificationWithTimeout(absl::Seconds(60));
  go.Unpark();  // so that a broken wait cannot hang the destructor as well
  ASSERT_TRUE(finished);
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST(EventLoopTest, AParkedFiberIsWokenFromAnotherThread) {
  Parker go;
  absl::Notification waiting, done;
  bool unparked = false;
  EventLoop loop(1, 10);
  ASSERT_TRUE(loop.TrySubmit([&] {
    waiting.Notify();
    unparked = go.WaitFor(absl::Seconds(60));
    done.Notify();
  }));
  waiting.WaitForNotification();
  go.Unpark();
  done.WaitForNotification();
  EXPECT_TRUE(unparked);
}

TEST(EventLoopTest, AWaitTimesOutAndALateWakeOfItIsIgnored) {
  Suspension::Ticket stale{};
  bool first_woken = true;
  bool finished = false;  // loop thread only
  bool probe_saw_finished = true;
  Parker later;
  absl::Notification timed_out, probed, done;
  EventLoop loop(2, 10);
  ASSERT_TRUE(loop.TrySubmit([&] {
    Suspension suspension(*Suspension::Current());
    stale = suspension.ticket();
    first_woken =
        suspension.Suspend(std::chrono::steady_clock::now() + std::chrono::milliseconds(1));
    timed_out.Notify();
    later.Wait();
    finished = true;
    done.Notify();
  }));
  timed_out.WaitForNotification();
  EXPECT_FALSE(first_woken);
  stale.Wake();  // reaches the loop before the probe: it must not end the fiber's later wait
  ASSERT_TRUE(loop.TrySubmit([&] {
    probe_saw_finished = finished;
    probed.Notify();
  }));
  probed.WaitForNotification();
  EXPECT_FALSE(probe_saw_finished);
  later.Unpark();
  done.WaitForNotification();
  EXPECT_TRUE(finished);
}

TEST(EventLoopTest, ParkerTimesOutOnAFiberAndOnAThread) {
  Parker on_fiber, on_thread;
  bool fiber_result = true;
  {
    EventLoop loop(1, 10);
    ASSERT_TRUE(loop.TrySubmit([&] { fiber_result = on_fiber.WaitFor(absl::Milliseconds(5)); }));
  }
  EXPECT_FALSE(fiber_result);
  EXPECT_FALSE(on_thread.WaitFor(absl::Milliseconds(5)));
  on_thread.Unpark();
  EXPECT_TRUE(on_thread.WaitFor(absl::ZeroDuration()));  // an earlier Unpark counts
}

TEST(EventLoopTest, FibersWaitForTheirSocketsOnOneThread) {
  constexpr int kFibers = 8;
  std::array<std::array<int, 2>, kFibers> pipes{};
  for (auto& ends : pipes) ASSERT_EQ(pipe(ends.data()), 0);
  std::array<char, kFibers> received{};
  std::array<bool, kFibers> timed_out{};
  absl::Notification all_waiting;
  absl::Mutex mutex;
  int waiting = 0;
  {
    EventLoop loop(kFibers, 10);
    for (int i = 0; i < kFibers; ++i) {
      ASSERT_TRUE(loop.TrySubmit([&, i] {
        const int fd = pipes[static_cast<size_t>(i)][0];
        // Nothing written yet: the first wait times out.
        timed_out[static_cast<size_t>(i)] = !WaitFd(fd, true, false, absl::Milliseconds(1));
        {
          absl::MutexLock lock(&mutex);
          if (++waiting == kFibers) all_waiting.Notify();
        }
        if (WaitFd(fd, true, false)) {
          char byte = 0;
          if (read(fd, &byte, 1) == 1) received[static_cast<size_t>(i)] = byte;
        }
      }));
    }
    all_waiting.WaitForNotification();
    for (int i = kFibers - 1; i >= 0; --i) {
      const char byte = static_cast<char>('a' + i);
      ASSERT_EQ(write(pipes[static_cast<size_t>(i)][1], &byte, 1), 1);
    }
  }  // the destructor waits for every fiber to end
  for (int i = 0; i < kFibers; ++i) {
    EXPECT_TRUE(timed_out[static_cast<size_t>(i)]);
    EXPECT_EQ(received[static_cast<size_t>(i)], static_cast<char>('a' + i));
  }
  for (auto& ends : pipes) {
    close(ends[0]);
    close(ends[1]);
  }
}

TEST(EventLoopTest, ASleepingFiberLeavesTheThreadToTheOthers) {
  bool other_ran = false;  // loop thread only
  bool saw_other = false;
  {
    EventLoop loop(2, 10);
    ASSERT_TRUE(loop.TrySubmit([&] {
      // Bounded: were the thread asleep, the other task could never run.
      for (int i = 0; i < 10000 && !other_ran; ++i) fiber::SleepFor(absl::Milliseconds(1));
      saw_other = other_ran;
    }));
    ASSERT_TRUE(loop.TrySubmit([&] { other_ran = true; }));
  }
  EXPECT_TRUE(saw_other);
}

TEST(EventLoopTest, RefusesPastItsCapacityAndRunsTheQueuedOnes) {
  Parker release;
  absl::Notification started;
  int ran = 0;  // loop thread only
  bool refused_ran = false;
  {
    EventLoop loop(1, 2);
    ASSERT_TRUE(loop.TrySubmit([&] {
      started.Notify();
      release.Wait();
      ++ran;
    }));
    started.WaitForNotification();  // the one fiber is busy; the queue is empty
    EXPECT_TRUE(loop.TrySubmit([&] { ++ran; }));
    EXPECT_TRUE(loop.TrySubmit([&] { ++ran; }));
    EXPECT_FALSE(loop.TrySubmit([&] { refused_ran = true; }));
    EXPECT_EQ(loop.capacity(), 2);
    release.Unpark();
  }
  EXPECT_EQ(ran, 3);
  EXPECT_FALSE(refused_ran);
}

}  // namespace
}  // namespace loyalty::fiber
