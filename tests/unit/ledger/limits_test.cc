#include "libs/ledger/limits.h"

#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "libs/base/refusal.h"

namespace loyalty::ledger {
namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);

Lot MakeLot(const std::string& program, Points remaining) {
  Lot lot;
  lot.lot_id = 1;
  lot.program_id = program;
  lot.point_type = "base";
  lot.amount = remaining;
  lot.remaining = remaining;
  lot.awarded_at = kNow - absl::Hours(1);
  lot.available_at = kNow - absl::Hours(1);
  return lot;
}

TEST(SaturatingAddTest, ClampsToARangeThatCanBeNegated) {
  EXPECT_EQ(SaturatingAdd(2, 3), 5);
  EXPECT_EQ(SaturatingAdd(kInt64Max, 1), kInt64Max);
  EXPECT_EQ(SaturatingAdd(kInt64Min, -1), -kInt64Max);
  EXPECT_EQ(SaturatingAdd(kInt64Min, 0), -kInt64Max);
  EXPECT_EQ(SaturatingAdd(-kInt64Max, -kInt64Max), -kInt64Max);
}

TEST(CheckedAddTest, TellsOverflow) {
  EXPECT_EQ(CheckedAdd(kInt64Max - 1, 1), kInt64Max);
  EXPECT_FALSE(CheckedAdd(kInt64Max, 1).has_value());
  EXPECT_FALSE(CheckedAdd(kInt64Min, -1).has_value());
}

struct LimitCase {
  std::string name;
  std::vector<Lot> lots;
  std::vector<PointTotals> totals;
  std::vector<ProgramDebt> debts;
  bool ok;
};

TEST(CheckBalanceLimitsTest, RefusesEveryKindOfBalanceBeyondTheLimit) {
  const std::vector<LimitCase> cases = {
      {"empty", {}, {}, {}, true},
      {"balance at the limit", {MakeLot("shop", kMaxBalancePoints)}, {}, {}, true},
      {"balance beyond", {MakeLot("shop", kMaxBalancePoints), MakeLot("shop", 1)}, {}, {},
       false},
      {"two programs at the limit each",
       {MakeLot("shop", kMaxBalancePoints), MakeLot("travel", kMaxBalancePoints)}, {}, {}, true},
      {"lots that would overflow int64",
       {MakeLot("shop", kInt64Max), MakeLot("shop", kInt64Max)}, {}, {}, false},
      {"lifetime beyond", {}, {{"shop", "base", kMaxBalancePoints + 1, 0}}, {}, false},
      {"qualifying below", {}, {{"shop", "base", 0, -kMaxBalancePoints - 1}}, {}, false},
      {"types summing beyond",
       {},
       {{"shop", "base", kMaxBalancePoints, 0}, {"shop", "bonus", 1, 0}},
       {},
       false},
      {"debt at the limit", {}, {}, {{"shop", kMaxBalancePoints}}, true},
      {"debt beyond", {}, {}, {{"shop", kMaxBalancePoints + 1}}, false},
  };
  for (const LimitCase& c : cases) {
    const absl::Status status = CheckBalanceLimits(c.lots, c.totals, c.debts);
    EXPECT_EQ(status.ok(), c.ok) << c.name << ": " << status;
    if (!c.ok) {
      EXPECT_EQ(ReasonOf(status), kPointsLimitExceeded) << c.name;
    }
  }
}

TEST(ComputeBalancesTest, ValuesBeyondInt64NeverWrapAround) {
  const std::vector<Lot> lots = {MakeLot("shop", kInt64Max), MakeLot("shop", kInt64Max)};
  const std::vector<ProgramDebt> debts = {{"travel", kInt64Max}};
  const std::vector<ProgramBalance> balances = ComputeBalances(lots, {}, debts, kNow);
  ASSERT_EQ(balances.size(), 2u);
  EXPECT_EQ(balances[0].available, kInt64Max);
  EXPECT_EQ(balances[1].available, -kInt64Max);
  EXPECT_EQ(GroupAvailable(balances), 0);
}

}  // namespace
}  // namespace loyalty::ledger
