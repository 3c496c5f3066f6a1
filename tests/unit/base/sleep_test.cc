#include "libs/base/sleep.h"

#include <future>
#include <stop_token>
#include <thread>

#include "gtest/gtest.h"

namespace loyalty {
namespace {

TEST(SleepUnlessStoppedTest, SleepsItsDurationWhenNoStopComes) {
  std::stop_source source;
  EXPECT_FALSE(SleepUnlessStopped(source.get_token(), absl::Milliseconds(1)));
}

TEST(SleepUnlessStoppedTest, ReturnsAtOnceWhenStoppedBefore) {
  std::stop_source source;
  source.request_stop();
  EXPECT_TRUE(SleepUnlessStopped(source.get_token(), absl::Hours(1)));
}

// A sleep of an hour ends when the stop is requested; the test waits for it, bounded.
TEST(SleepUnlessStoppedTest, AStopWakesTheSleeper) {
  std::jthread sleeper;
  std::promise<bool> stopped;
  std::future<bool> result = stopped.get_future();
  sleeper = std::jthread([&stopped](std::stop_token stop) {
    stopped.set_value(SleepUnlessStopped(stop, absl::Hours(1)));
  });
  sleeper.request_stop();
  ASSERT_EQ(result.wait_for(std::chrono::seconds(60)), std::future_status::ready);
  EXPECT_TRUE(result.get());
}

}  // namespace
}  // namespace loyalty
