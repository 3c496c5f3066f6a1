#include "libs/ledger/reversal.h"

#include <limits>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace loyalty::ledger {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

struct ClawbackCase {
  std::string name;
  Points original_points;
  int64_t original_amount_minor;
  int64_t cumulative_returned_minor;
  Points clawback;
};

TEST(CumulativeClawbackTest, Table) {
  const std::vector<ClawbackCase> cases = {
      {"nothing returned", 100, 1000, 0, 0},
      {"half returned", 100, 1000, 500, 50},
      {"floors", 10, 3, 1, 3},
      {"floors two thirds", 10, 3, 2, 6},
      {"full return takes everything", 10, 3, 3, 10},
      {"over-return is capped", 10, 3, 99, 10},
      {"zero points order", 0, 500, 500, 0},
      {"one cent of a large order", 1, 1'000'000, 1, 0},
      {"no overflow in the product", kMax, kMax, kMax - 1, kMax - 1},
      {"full return of a huge order", kMax, 7, 7, kMax},
  };
  for (const ClawbackCase& test_case : cases) {
    SCOPED_TRACE(test_case.name);
    EXPECT_EQ(CumulativeClawback(test_case.original_points, test_case.original_amount_minor,
                                 test_case.cumulative_returned_minor),
              test_case.clawback);
  }
}

// Property: however an order is returned piece by piece, the pieces never go negative, never
// exceed the original points, and sum to exactly the original points once all is returned.
TEST(CumulativeClawbackTest, RepeatedPartialReturnsSumToTheFullPoints) {
  std::mt19937_64 random(20240601);
  for (int trial = 0; trial < 2000; ++trial) {
    const int64_t amount = std::uniform_int_distribution<int64_t>(1, 100'000)(random);
    const Points points = std::uniform_int_distribution<Points>(0, 1'000'000)(random);
    SCOPED_TRACE(testing::Message() << "trial " << trial << ": " << points << " points for "
                                    << amount << " minor units");
    int64_t returned = 0;
    Points taken = 0;
    while (returned < amount) {
      returned += std::uniform_int_distribution<int64_t>(1, amount - returned)(random);
      const Points step = CumulativeClawback(points, amount, returned) - taken;
      ASSERT_GE(step, 0);
      taken += step;
      ASSERT_LE(taken, points);
    }
    EXPECT_EQ(taken, points);
  }
}

TEST(CumulativeClawbackTest, EveryOneUnitSplitSumsToTheFullPoints) {
  for (int64_t amount = 1; amount <= 60; ++amount) {
    for (Points points = 0; points <= 60; ++points) {
      Points taken = 0;
      for (int64_t returned = 1; returned <= amount; ++returned) {
        taken += CumulativeClawback(points, amount, returned) - taken;
      }
      ASSERT_EQ(taken, points) << points << " points for " << amount;
    }
  }
}

TEST(CumulativeClawbackDeathTest, ZeroOriginalAmountIsAProgrammerError) {
  EXPECT_DEATH(CumulativeClawback(10, 0, 0), "original_amount_minor > 0");
}

}  // namespace
}  // namespace loyalty::ledger
