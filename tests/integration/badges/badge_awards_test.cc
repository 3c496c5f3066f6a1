// Awards: spend and advocacy in the command's own transaction, tenure by the worker; once per
// level under replays and concurrent commands; returns, suspended members, changed definitions.
#include <thread>

#include "tests/integration/badges/badge_test_base.h"

namespace loyalty::testing {
namespace {

using BadgeAwardTest = BadgeTest;
using Names = std::vector<std::string>;

TEST_F(BadgeAwardTest, APurchaseCrossingASpendLevelAwardsItWithItsBonus) {
  MustDefine(Spend("spender", {{"bronze", 10000, 100, "CINEMA_2_FOR_1"}, {"silver", 50000}}));
  const v1::AccrueResponse below = MustAccrue(Purchase("alice", "o-1", 5000));
  EXPECT_TRUE(below.badges_awarded().empty());
  EXPECT_EQ(Available(below.balances()), 50);

  const v1::AccrueResponse crossed = MustAccrue(Purchase("alice", "o-2", 6000));
  ASSERT_EQ(Awarded(crossed.badges_awarded()), Names({"spender/bronze"}));
  const v1::BadgeAward& bronze = crossed.badges_awarded(0);
  EXPECT_EQ(bronze.level_number(), 1);
  EXPECT_EQ(bronze.threshold(), 10000);
  EXPECT_EQ(bronze.badge_version(), 1);
  EXPECT_EQ(bronze.order_ref(), "o-2");
  EXPECT_EQ(bronze.bonus_points(), 100);
  EXPECT_EQ(bronze.bonus_point_type(), "base");
  EXPECT_EQ(bronze.benefit_code(), "CINEMA_2_FOR_1");
  EXPECT_EQ(crossed.points(), 60);
  EXPECT_EQ(Available(crossed.balances()), 50 + 60 + 100);  // the bonus in the balances
  EXPECT_EQ(QueryInt("SELECT count(*) FROM ledger_entries WHERE member_id = 'alice'"
                     " AND kind = 'accrual' AND description = 'badge spender bronze'"
                     " AND points = 100"),
            1);
  EXPECT_EQ(HeldLevels("alice"), 1);
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

TEST_F(BadgeAwardTest, CrossingTwoThresholdsAwardsBothInOrder) {
  MustDefine(Spend("spender", {{"bronze", 10000, 10}, {"silver", 50000, 20}, {"gold", 90000}}));
  MustDefine(Spend("points", {{"p1", 100}}, 0, v1::SPEND_MEASURE_POINTS));
  const v1::AccrueResponse crossed = MustAccrue(Purchase("alice", "o-1", 60000));
  EXPECT_EQ(Awarded(crossed.badges_awarded()),
            Names({"points/p1", "spender/bronze", "spender/silver"}));
  EXPECT_EQ(crossed.badges_awarded(2).level_number(), 2);
  EXPECT_EQ(Available(crossed.balances()), 600 + 10 + 20);
  // Bonus points are not spend: 630 points now, and the points badge measured 600.
  const v1::AccrueResponse next = MustAccrue(Purchase("alice", "o-2", 30000));
  EXPECT_EQ(Awarded(next.badges_awarded()), Names({"spender/gold"}));
}

TEST_F(BadgeAwardTest, AdvocacyCountsTheActionsOfItsCode) {
  MustDefine(Advocacy("critic", "review", {{"first", 1, 5}, {"third", 3, 0, "FREE_COFFEE"}}));
  MustDefine(Spend("spender", {{"bronze", 1}}));
  const v1::AccrueResponse first = MustAccrue(Action("alice", "review"));
  EXPECT_EQ(Awarded(first.badges_awarded()), Names({"critic/first"}));  // no spend badge
  EXPECT_EQ(Available(first.balances()), 10 + 5);
  EXPECT_TRUE(MustAccrue(Action("alice", "review")).badges_awarded().empty());
  EXPECT_TRUE(MustAccrue(Action("alice", "register")).badges_awarded().empty());
  const v1::AccrueResponse third = MustAccrue(Action("alice", "review"));
  ASSERT_EQ(Awarded(third.badges_awarded()), Names({"critic/third"}));
  EXPECT_EQ(third.badges_awarded(0).benefit_code(), "FREE_COFFEE");
  EXPECT_EQ(third.badges_awarded(0).order_ref(), "");
  EXPECT_TRUE(MustAccrue(Action("bob", "review")).badges_awarded().size() == 1);
}

TEST_F(BadgeAwardTest, TheWorkerAwardsTenureAtTheMonthBoundaryOnce) {
  // Members enrolled at 2026-03-01T00:00:00Z (the test clock's start).
  MustDefine(Tenure("loyal", {{"month", 1, 25, "CINEMA_1"}, {"year", 12, 0, "CINEMA_2"}}));
  server_.clock().Set(
      absl::FromCivil(absl::CivilSecond(2026, 3, 31, 23, 59, 59), absl::UTCTimeZone()));
  EXPECT_EQ(AwardTenure(), 0);
  server_.clock().Set(absl::FromCivil(absl::CivilSecond(2026, 4, 1, 0, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(AwardTenure(), 3);  // alice, bob and carol
  EXPECT_EQ(AwardTenure(), 0);  // idempotent
  EXPECT_EQ(QueryInt("SELECT count(*) FROM member_badges WHERE level_code = 'month'"), 3);
  EXPECT_EQ(QueryInt("SELECT sum(points) FROM ledger_entries WHERE member_id = 'alice'"), 25);
  server_.clock().Set(absl::FromCivil(absl::CivilSecond(2027, 3, 1, 0, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(AwardTenure(), 3);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM member_badges"), 6);
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

TEST_F(BadgeAwardTest, ReplaysAndConcurrentCommandsAwardEachLevelOnce) {
  MustDefine(Spend("spender", {{"bronze", 10000, 100}, {"silver", 20000, 100}}));
  v1::AccrueRequest request = Purchase("alice", "o-1", 15000);
  request.set_idempotency_key("crossing-1");
  const v1::AccrueResponse first = MustAccrue(request);
  const v1::AccrueResponse replay = MustAccrue(request);
  EXPECT_TRUE(replay.replayed());
  EXPECT_EQ(Awarded(replay.badges_awarded()), Names({"spender/bronze"}));
  EXPECT_EQ(HeldLevels("alice"), 1);

  // Eight tills at once, each pushing bob over both thresholds alone.
  std::vector<std::thread> tills;
  std::atomic<int> awarded = 0;
  for (int i = 0; i < 8; ++i) {
    tills.emplace_back([&, i] {
      v1::AccrueResponse response;
      if (Accrue(Purchase("bob", "till-" + std::to_string(i), 25000), &response).ok()) {
        awarded += response.badges_awarded_size();
      }
    });
  }
  for (std::thread& till : tills) till.join();
  EXPECT_EQ(awarded.load(), 2);
  EXPECT_EQ(HeldLevels("bob"), 2);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM ledger_entries WHERE member_id = 'bob'"
                     " AND description LIKE 'badge %'"),
            2);
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

TEST_F(BadgeAwardTest, AReturnKeepsTheLevelAndTakesBackOnlyBonusesMarkedSo) {
  MustDefine(Spend("spender", {{"bronze", 10000, 100, "", /*claw_back=*/true}}));
  MustDefine(Spend("keeper", {{"kept", 10000, 40}}));
  MustAccrue(Purchase("alice", "o-1", 4000));
  const v1::AccrueResponse crossed = MustAccrue(Purchase("alice", "o-2", 8000));
  EXPECT_EQ(Awarded(crossed.badges_awarded()), Names({"keeper/kept", "spender/bronze"}));
  EXPECT_EQ(Available(crossed.balances()), 40 + 80 + 100 + 40);

  v1::ReverseResponse reversed;
  ASSERT_TRUE(Reverse("alice", "o-2", &reversed).ok());
  ASSERT_EQ(Awarded(reversed.badge_bonuses_clawed_back()), Names({"spender/bronze"}));
  EXPECT_TRUE(reversed.badge_bonuses_clawed_back(0).has_bonus_clawed_back_at());
  EXPECT_EQ(Available(reversed.balances()), 40 + 40);  // the order's 80 and the bonus of 100
  EXPECT_EQ(HeldLevels("alice"), 2);                   // both levels stay
  EXPECT_EQ(QueryInt("SELECT count(*) FROM member_badges WHERE clawed_back_at IS NOT NULL"), 1);
  EXPECT_EQ(QueryInt("SELECT points FROM ledger_entries WHERE kind = 'reversal'"
                     " AND description = 'badge spender bronze clawed back'"),
            -100);

  // Crossing again does not award the level (held) nor its bonus a second time; returning the
  // other order later takes nothing more back.
  const v1::AccrueResponse again = MustAccrue(Purchase("alice", "o-3", 9000));
  EXPECT_TRUE(again.badges_awarded().empty());
  ASSERT_TRUE(Reverse("alice", "o-1", &reversed).ok());
  EXPECT_TRUE(reversed.badge_bonuses_clawed_back().empty());
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

TEST_F(BadgeAwardTest, AClawbackOfSpentBonusBecomesDebt) {
  MustDefine(Spend("spender", {{"bronze", 10000, 100, "", /*claw_back=*/true}}));
  MustAccrue(Purchase("alice", "o-1", 10000));  // 100 + 100 bonus
  v1::RedeemResponse redeemed;
  ASSERT_TRUE(Redeem("alice", 200, &redeemed).ok());
  v1::ReverseResponse reversed;
  ASSERT_TRUE(Reverse("alice", "o-1", &reversed).ok());
  EXPECT_EQ(reversed.badge_bonuses_clawed_back_size(), 1);
  EXPECT_EQ(Available(reversed.balances()), -200);
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

TEST_F(BadgeAwardTest, ASuspendedMemberEarnsNoBadgeUntilActiveAgain) {
  MustDefine(Spend("spender", {{"bronze", 100}}));
  MustDefine(Tenure("loyal", {{"month", 1}}));
  ASSERT_TRUE(SetStatus("alice", v1::MEMBER_STATUS_SUSPENDED).ok());
  v1::AccrueResponse response;
  const grpc::Status refused = Accrue(Purchase("alice", "o-1", 5000), &response);
  EXPECT_EQ(ErrorReason(refused), "MEMBER_NOT_ACTIVE");
  server_.clock().Advance(absl::Hours(24 * 40));
  EXPECT_EQ(AwardTenure(), 2);  // bob and carol
  EXPECT_EQ(HeldLevels("alice"), 0);
  ASSERT_TRUE(SetStatus("alice", v1::MEMBER_STATUS_ACTIVE).ok());
  EXPECT_EQ(AwardTenure(), 1);
  EXPECT_EQ(Awarded(MustAccrue(Purchase("alice", "o-2", 5000)).badges_awarded()),
            Names({"spender/bronze"}));
}

TEST_F(BadgeAwardTest, ChangedDefinitionsApplyFromTheNextCommandAndNeverSkipALevel) {
  MustDefine(Spend("spender", {{"bronze", 10000}, {"gold", 100000}}));
  MustAccrue(Purchase("alice", "o-1", 12000));
  EXPECT_EQ(HeldLevels("alice"), 1);
  // Version 2 inserts silver below the gold and lowers gold: the next purchase awards both, in
  // order, under version 2.
  MustDefine(Spend("spender", {{"bronze", 10000}, {"silver", 15000}, {"gold", 20000}}));
  const v1::AccrueResponse next = MustAccrue(Purchase("alice", "o-2", 9000));
  ASSERT_EQ(Awarded(next.badges_awarded()), Names({"spender/silver", "spender/gold"}));
  EXPECT_EQ(next.badges_awarded(0).badge_version(), 2);
  EXPECT_EQ(next.badges_awarded(1).level_number(), 3);
  // A badge whose dates have ended awards nothing.
  v1::BadgeDefinition ended = Spend("summer", {{"s", 1}});
  ended.mutable_active_from()->set_seconds(absl::ToUnixSeconds(server_.clock().Now()) - 100);
  ended.mutable_active_to()->set_seconds(absl::ToUnixSeconds(server_.clock().Now()) - 10);
  MustDefine(ended);
  EXPECT_TRUE(MustAccrue(Purchase("alice", "o-3", 100)).badges_awarded().empty());
}

}  // namespace
}  // namespace loyalty::testing
