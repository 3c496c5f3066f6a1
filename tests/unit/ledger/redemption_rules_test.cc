#include "libs/ledger/redemption_rules.h"

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "libs/base/refusal.h"

namespace loyalty::ledger {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// The reason of a refusal, or "" for OK.
std::string ReasonOrOk(const absl::Status& status) {
  if (status.ok()) return "";
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  return ReasonOf(status).value_or("<no reason>");
}

struct ValidationCase {
  std::string name;
  Points points;
  RedemptionRules rules;
  std::string reason;  // "" when accepted
};

TEST(ValidateRedemptionTest, Table) {
  const std::vector<ValidationCase> cases = {
      {"no rules", 7, {}, ""},
      {"exactly the minimum", 100, {100, 0, 0}, ""},
      {"one below the minimum", 99, {100, 0, 0}, kBelowMinimum},
      {"exactly the maximum", 500, {0, 500, 0}, ""},
      {"one above the maximum", 501, {0, 500, 0}, kAboveMaximum},
      {"a multiple", 150, {0, 0, 50}, ""},
      {"not a multiple", 149, {0, 0, 50}, kNotMultiple},
      {"multiple of one accepts anything", 149, {0, 0, 1}, ""},
      {"all rules pass", 300, {100, 500, 100}, ""},
      {"minimum checked before multiple", 30, {100, 500, 100}, kBelowMinimum},
      {"maximum checked before multiple", 550, {100, 500, 100}, kAboveMaximum},
      {"multiple inside the range", 250, {100, 500, 100}, kNotMultiple},
      {"huge points with no maximum", kMax, {100, 0, 0}, ""},
  };
  for (const ValidationCase& test_case : cases) {
    SCOPED_TRACE(test_case.name);
    EXPECT_EQ(ReasonOrOk(ValidateRedemption(test_case.points, test_case.rules)),
              test_case.reason);
  }
}

TEST(ValidateRedemptionDeathTest, NonPositivePointsIsAProgrammerError) {
  EXPECT_DEATH((void)ValidateRedemption(0, {}), "points > 0");
}

struct ValueCase {
  std::string name;
  Points points;
  RedemptionRatio ratio;
  int64_t value_minor;
};

TEST(RedemptionValueTest, Table) {
  const std::vector<ValueCase> cases = {
      {"one to one", 250, {1, 1}, 250},
      {"100 points are one unit (100 cents)", 250, {100, 100}, 250},
      {"floors", 199, {100, 1}, 1},
      {"below one minor unit is worth nothing", 99, {100, 1}, 0},
      {"exact", 300, {3, 2}, 200},
      {"floors a third", 100, {3, 1}, 33},
      {"zero points", 0, {100, 5}, 0},
      {"zero value ratio", 1000, {100, 0}, 0},
      {"large product divided back into range", kMax, {kMax, kMax}, kMax},
      {"saturates", kMax, {1, 2}, kMax},
      {"saturates just past the limit", kMax / 2 + 1, {1, 2}, kMax},
      {"largest value below saturation", kMax / 2, {1, 2}, kMax - 1},
  };
  for (const ValueCase& test_case : cases) {
    SCOPED_TRACE(test_case.name);
    EXPECT_EQ(RedemptionValue(test_case.points, test_case.ratio), test_case.value_minor);
  }
}

struct OverdraftCase {
  std::string name;
  Points shortfall;
  Points debt;
  bool allowed;
  Points limit;
  std::string reason;  // "" when accepted
};

TEST(CheckOverdraftTest, Table) {
  const std::vector<OverdraftCase> cases = {
      {"no shortfall, not allowed", 0, 0, false, 0, ""},
      {"no shortfall with existing debt over the limit", 0, 500, true, 100, ""},
      {"short and not allowed", 1, 0, false, 1000, kInsufficientPoints},
      {"within the limit", 50, 0, true, 100, ""},
      {"exactly at the limit", 100, 0, true, 100, ""},
      {"one past the limit", 101, 0, true, 100, kInsufficientPoints},
      {"existing debt reaches exactly the limit", 40, 60, true, 100, ""},
      {"existing debt goes one past the limit", 41, 60, true, 100, kInsufficientPoints},
      {"allowed with zero limit", 1, 0, true, 0, kInsufficientPoints},
      {"no overflow on huge values", kMax, kMax, true, kMax, kInsufficientPoints},
  };
  for (const OverdraftCase& test_case : cases) {
    SCOPED_TRACE(test_case.name);
    EXPECT_EQ(ReasonOrOk(CheckOverdraft(test_case.shortfall, test_case.debt, test_case.allowed,
                                        test_case.limit)),
              test_case.reason);
  }
}

}  // namespace
}  // namespace loyalty::ledger
