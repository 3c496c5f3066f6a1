#include "libs/ledger/consumption.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace loyalty::ledger {
namespace {

using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);
absl::Time Day(int days) { return kNow + absl::Hours(24 * days); }

Lot MakeLot(int64_t id, Points remaining, std::optional<absl::Time> expires_at,
            absl::Time awarded_at = Day(-30), std::string program = "p1") {
  Lot lot;
  lot.lot_id = id;
  lot.program_id = std::move(program);
  lot.point_type = "base";
  lot.subtype = "incentive";
  lot.amount = remaining;
  lot.remaining = remaining;
  lot.awarded_at = awarded_at;
  lot.available_at = awarded_at;
  lot.expires_at = expires_at;
  return lot;
}

Lot Held(Lot lot, Points held) {
  lot.held = held;
  return lot;
}
Lot Pending(Lot lot) {
  lot.available_at = Day(1);
  return lot;
}
Lot NotRedeemable(Lot lot) {
  lot.redeemable = false;
  return lot;
}

struct Take {
  int64_t lot_id;
  Points points;
  bool operator==(const Take&) const = default;
};

std::vector<Take> TakesOf(const ConsumptionPlan& plan) {
  std::vector<Take> takes;
  for (const LotTake& take : plan.takes) takes.push_back({take.lot_id, take.points});
  return takes;
}

void PrintTo(const Take& take, std::ostream* os) {
  *os << "{lot " << take.lot_id << ", " << take.points << "}";
}

struct PlanCase {
  std::string name;
  std::vector<Lot> lots;
  Points points;
  std::vector<Take> takes;
  Points shortfall;
};

std::vector<PlanCase> PlanCases() {
  return {
      {"closest expiry first", {MakeLot(1, 10, Day(30)), MakeLot(2, 10, Day(5))}, 15,
       {{2, 10}, {1, 5}}, 0},
      {"never expiring last",
       {MakeLot(1, 10, std::nullopt, Day(-90)), MakeLot(2, 10, Day(365))}, 12,
       {{2, 10}, {1, 2}}, 0},
      {"same expiry goes to earliest awarded",
       {MakeLot(1, 10, Day(5), Day(-1)), MakeLot(2, 10, Day(5), Day(-9))}, 12,
       {{2, 10}, {1, 2}}, 0},
      {"never expiring ties go to earliest awarded",
       {MakeLot(1, 10, std::nullopt, Day(-1)), MakeLot(2, 10, std::nullopt, Day(-9))}, 3,
       {{2, 3}}, 0},
      {"full tie goes to lowest lot id",
       {MakeLot(9, 10, Day(5)), MakeLot(4, 10, Day(5)), MakeLot(7, 10, Day(5))}, 25,
       {{4, 10}, {7, 10}, {9, 5}}, 0},
      {"order is the same across programs",
       {MakeLot(1, 10, Day(20), Day(-30), "p1"), MakeLot(2, 10, Day(10), Day(-30), "p2"),
        MakeLot(3, 10, std::nullopt, Day(-30), "p3"), MakeLot(4, 10, Day(10), Day(-40), "p1")},
       35, {{4, 10}, {2, 10}, {1, 10}, {3, 5}}, 0},
      {"partial lot", {MakeLot(1, 100, Day(5))}, 30, {{1, 30}}, 0},
      {"exact total leaves no shortfall", {MakeLot(1, 10, Day(5)), MakeLot(2, 5, Day(6))}, 15,
       {{1, 10}, {2, 5}}, 0},
      {"held points are excluded",
       {Held(MakeLot(1, 10, Day(5)), 4), MakeLot(2, 10, Day(6))}, 10, {{1, 6}, {2, 4}}, 0},
      {"fully held lot is skipped", {Held(MakeLot(1, 10, Day(5)), 10), MakeLot(2, 10, Day(6))},
       3, {{2, 3}}, 0},
      {"pending lot is skipped", {Pending(MakeLot(1, 10, Day(5))), MakeLot(2, 10, Day(6))}, 10,
       {{2, 10}}, 0},
      {"lot expiring exactly now is skipped", {MakeLot(1, 10, kNow), MakeLot(2, 10, Day(6))},
       10, {{2, 10}}, 0},
      {"expired lot is skipped", {MakeLot(1, 10, Day(-1)), MakeLot(2, 10, std::nullopt)}, 5,
       {{2, 5}}, 0},
      {"non-redeemable lot is skipped",
       {NotRedeemable(MakeLot(1, 10, Day(1))), MakeLot(2, 10, Day(6))}, 5, {{2, 5}}, 0},
      {"empty lot is skipped", {MakeLot(1, 0, Day(1)), MakeLot(2, 10, Day(6))}, 5, {{2, 5}},
       0},
      {"shortfall", {MakeLot(1, 10, Day(5)), Held(MakeLot(2, 10, Day(6)), 5)}, 20,
       {{1, 10}, {2, 5}}, 5},
      {"no lots at all", {}, 7, {}, 7},
      {"zero points takes nothing", {MakeLot(1, 10, Day(5))}, 0, {}, 0},
  };
}

TEST(PlanConsumptionTest, Table) {
  for (const PlanCase& test_case : PlanCases()) {
    SCOPED_TRACE(test_case.name);
    const ConsumptionPlan plan = PlanConsumption(test_case.lots, test_case.points, kNow);
    EXPECT_THAT(TakesOf(plan), ElementsAreArray(test_case.takes));
    EXPECT_EQ(plan.shortfall, test_case.shortfall);
  }
}

TEST(PlanConsumptionTest, TakesCarryProgramTypeAndExpiry) {
  const std::vector<Lot> lots = {MakeLot(1, 10, Day(5), Day(-30), "p2"),
                                 MakeLot(2, 10, std::nullopt, Day(-30), "p1")};
  const ConsumptionPlan plan = PlanConsumption(lots, 15, kNow);
  ASSERT_EQ(plan.takes.size(), 2u);
  EXPECT_EQ(plan.takes[0].program_id, "p2");
  EXPECT_EQ(plan.takes[0].point_type, "base");
  EXPECT_EQ(plan.takes[0].expires_at, Day(5));
  EXPECT_EQ(plan.takes[1].program_id, "p1");
  EXPECT_EQ(plan.takes[1].expires_at, std::nullopt);
}

TEST(PlanConsumptionTest, NothingSpendableIsAllShortfall) {
  const std::vector<Lot> lots = {Pending(MakeLot(1, 10, Day(5))), MakeLot(2, 10, Day(-1))};
  const ConsumptionPlan plan = PlanConsumption(lots, 4, kNow);
  EXPECT_THAT(plan.takes, IsEmpty());
  EXPECT_EQ(plan.shortfall, 4);
}

TEST(PlanConsumptionDeathTest, NegativePointsIsAProgrammerError) {
  const std::vector<Lot> lots = {MakeLot(1, 10, Day(5))};
  EXPECT_DEATH(PlanConsumption(lots, -1, kNow), "points >= 0");
}

struct SpendableCase {
  std::string name;
  Lot lot;
  bool spendable;
  Points free_points;
};

TEST(IsSpendableTest, Table) {
  const std::vector<SpendableCase> cases = {
      {"plain", MakeLot(1, 10, Day(5)), true, 10},
      {"never expires", MakeLot(1, 10, std::nullopt), true, 10},
      {"not yet available", Pending(MakeLot(1, 10, Day(5))), false, 10},
      {"expires exactly now", MakeLot(1, 10, kNow), false, 10},
      {"expires a second from now", MakeLot(1, 10, kNow + absl::Seconds(1)), true, 10},
      {"partly held", Held(MakeLot(1, 10, Day(5)), 3), true, 7},
      {"fully held", Held(MakeLot(1, 10, Day(5)), 10), false, 0},
      {"held above remaining", Held(MakeLot(1, 10, Day(5)), 12), false, 0},
      {"not redeemable", NotRedeemable(MakeLot(1, 10, Day(5))), false, 10},
      {"empty", MakeLot(1, 0, Day(5)), false, 0},
  };
  for (const SpendableCase& test_case : cases) {
    SCOPED_TRACE(test_case.name);
    EXPECT_EQ(IsSpendable(test_case.lot, kNow), test_case.spendable);
    EXPECT_EQ(FreePoints(test_case.lot), test_case.free_points);
  }
  Lot available_now = MakeLot(1, 10, Day(5));
  available_now.available_at = kNow;
  EXPECT_TRUE(IsSpendable(available_now, kNow));
}

}  // namespace
}  // namespace loyalty::ledger
