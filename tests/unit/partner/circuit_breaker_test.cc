#include "libs/partner/circuit_breaker.h"

#include "gtest/gtest.h"

namespace loyalty::partner {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

TEST(CircuitBreakerTest, OpensAfterConsecutiveFailuresOnly) {
  CircuitBreaker breaker(3, absl::Seconds(30));
  breaker.Failed(kStart);
  breaker.Failed(kStart);
  breaker.Succeeded();  // an answer resets the count
  breaker.Failed(kStart);
  breaker.Failed(kStart);
  EXPECT_TRUE(breaker.Allow(kStart));
  breaker.Failed(kStart);
  EXPECT_EQ(breaker.state(), CircuitBreaker::State::kOpen);
  EXPECT_FALSE(breaker.Allow(kStart + absl::Seconds(29)));
  EXPECT_TRUE(breaker.Refusing(kStart + absl::Seconds(29)));
  EXPECT_FALSE(breaker.Refusing(kStart + absl::Seconds(30)));
}

TEST(CircuitBreakerTest, LetsOneTrialThroughAfterTheOpenTime) {
  CircuitBreaker breaker(1, absl::Seconds(30));
  breaker.Failed(kStart);
  const absl::Time later = kStart + absl::Seconds(31);
  EXPECT_TRUE(breaker.Allow(later));
  EXPECT_EQ(breaker.state(), CircuitBreaker::State::kHalfOpen);
  EXPECT_FALSE(breaker.Allow(later)) << "one trial at a time";
  breaker.Failed(later);  // the trial failed: open again for the whole time
  EXPECT_FALSE(breaker.Allow(later + absl::Seconds(29)));
  EXPECT_TRUE(breaker.Allow(later + absl::Seconds(31)));
  breaker.Succeeded();
  EXPECT_EQ(breaker.state(), CircuitBreaker::State::kClosed);
  EXPECT_TRUE(breaker.Allow(later + absl::Seconds(31)));
  EXPECT_TRUE(breaker.Allow(later + absl::Seconds(31)));
}

}  // namespace
}  // namespace loyalty::partner
