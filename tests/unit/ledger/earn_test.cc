#include "libs/ledger/earn.h"

#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "libs/base/refusal.h"

namespace loyalty::ledger {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

struct PurchaseCase {
  std::string name;
  int64_t amount_minor;
  EarnRate rate;
  int32_t multiplier_permille;
  Points points;
};

TEST(PurchasePointsTest, Earns) {
  const std::vector<PurchaseCase> cases = {
      {"one per unit", 250, {1, 1}, 1000, 250},
      {"five per hundred cents", 1999, {5, 100}, 1000, 99},
      {"floors just below a step", 99, {1, 100}, 1000, 0},
      {"exact step", 100, {1, 100}, 1000, 1},
      {"zero amount", 0, {5, 100}, 1000, 0},
      {"gold multiplier x1.5", 1000, {1, 100}, 1500, 15},
      {"multiplier floors the product, not each factor", 150, {1, 100}, 1500, 2},
      {"multiplier x1.25 with rounding", 333, {1, 10}, 1250, 41},
      {"multiplier below one", 1000, {1, 1}, 999, 999},
      {"zero multiplier", 1000, {1, 1}, 0, 0},
      {"large amount with coarse rate", kMax, {1, kMax}, 1000, 1},
      {"largest result that fits", kMax, {1, 1}, 1000, kMax},
      {"large product divided back into range", kMax, {1000, 1000}, 1000, kMax},
      {"huge multiplier within range", 1'000'000, {1, 1}, std::numeric_limits<int32_t>::max(),
       2'147'483'647'000},
  };
  for (const PurchaseCase& test_case : cases) {
    SCOPED_TRACE(test_case.name);
    absl::StatusOr<Points> points =
        PurchasePoints(test_case.amount_minor, test_case.rate, test_case.multiplier_permille);
    ASSERT_TRUE(points.ok()) << points.status();
    EXPECT_EQ(*points, test_case.points);
  }
}

struct RefusedPurchaseCase {
  std::string name;
  int64_t amount_minor;
  EarnRate rate;
  int32_t multiplier_permille;
};

TEST(PurchasePointsTest, Refuses) {
  const std::vector<RefusedPurchaseCase> cases = {
      {"negative amount", -1, {1, 1}, 1000},
      {"zero rate points", 100, {0, 1}, 1000},
      {"negative rate points", 100, {-1, 1}, 1000},
      {"zero rate divisor", 100, {1, 0}, 1000},
      {"negative rate divisor", 100, {1, -100}, 1000},
      {"negative multiplier", 100, {1, 1}, -1},
      {"overflow by multiplier", kMax, {1, 1}, 1001},
      {"overflow by rate", kMax, {2, 1}, 1000},
      {"overflow of max everything", kMax, {kMax, 1}, std::numeric_limits<int32_t>::max()},
  };
  for (const RefusedPurchaseCase& test_case : cases) {
    SCOPED_TRACE(test_case.name);
    absl::StatusOr<Points> points =
        PurchasePoints(test_case.amount_minor, test_case.rate, test_case.multiplier_permille);
    ASSERT_FALSE(points.ok());
    EXPECT_EQ(points.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(FieldOf(points.status()), "amount");
  }
}

struct RepayCase {
  std::string name;
  Points debt;
  Points award;
  Repayment expected;
};

TEST(RepayDebtTest, RepaysFirst) {
  const std::vector<RepayCase> cases = {
      {"no debt", 0, 50, {0, 50}},
      {"award larger than debt", 30, 50, {30, 20}},
      {"award equal to debt", 50, 50, {50, 0}},
      {"award smaller than debt", 80, 50, {50, 0}},
      {"zero award", 80, 0, {0, 0}},
      {"nothing at all", 0, 0, {0, 0}},
  };
  for (const RepayCase& test_case : cases) {
    SCOPED_TRACE(test_case.name);
    const Repayment repayment = RepayDebt(test_case.debt, test_case.award);
    EXPECT_EQ(repayment.repaid, test_case.expected.repaid);
    EXPECT_EQ(repayment.credited, test_case.expected.credited);
    EXPECT_EQ(repayment.repaid + repayment.credited, test_case.award);
  }
}

TEST(RepayDebtDeathTest, NegativeDebtIsAProgrammerError) {
  EXPECT_DEATH(RepayDebt(-1, 10), "debt >= 0");
}

}  // namespace
}  // namespace loyalty::ledger
