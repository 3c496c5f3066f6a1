#include "libs/ledger/change_set.h"

#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace loyalty::ledger {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

MemberState Member() {
  MemberState member;
  member.member_id = "m1";
  member.status = "active";
  member.enrolments = {
      {"shop", "", std::nullopt, 30, kNow - absl::Hours(24), kNow + absl::Hours(24)}};
  Lot lot;
  lot.lot_id = 7;
  lot.program_id = "shop";
  lot.point_type = "base";
  lot.amount = 100;
  lot.remaining = 60;
  lot.held = 10;
  member.lots = {lot};
  return member;
}

LotChange Change(LotChange::Kind kind, Points points, int64_t lot_id = 7) {
  return {kind, "m1", lot_id, points};
}

TEST(ApplyTest, LotChangesKeepRemainingWithinTheAmountAndHeldWithinRemaining) {
  struct Case {
    LotChange change;
    bool ok;
    Points remaining;
    Points held;
  };
  const Case cases[] = {
      {Change(LotChange::Kind::kConsume, 50), true, 10, 10},
      {Change(LotChange::Kind::kConsume, 51), false, 0, 0},  // 10 of the 60 are held
      {Change(LotChange::Kind::kRestore, 40), true, 100, 10},
      {Change(LotChange::Kind::kRestore, 41), false, 0, 0},  // past the amount
      {Change(LotChange::Kind::kHold, 50), true, 60, 60},
      {Change(LotChange::Kind::kHold, 51), false, 0, 0},
      {Change(LotChange::Kind::kHold, -10), true, 60, 0},
      {Change(LotChange::Kind::kHold, -11), false, 0, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.change.points);
    absl::StatusOr<MemberState> after = Apply(ChangeSet().Add(c.change), Member(), kNow);
    ASSERT_EQ(after.ok(), c.ok) << after.status();
    if (!c.ok) {
      EXPECT_EQ(after.status().code(), absl::StatusCode::kInternal);
      continue;
    }
    EXPECT_EQ(after->lots[0].remaining, c.remaining);
    EXPECT_EQ(after->lots[0].held, c.held);
  }
}

TEST(ApplyTest, NewLotsTakeTheNextIdsAndTheChangesTime) {
  ChangeSet changes;
  changes
      .Add(LotCreation{"m1", "shop", "base", "promo", true, 25, kNow + absl::Hours(1),
                       kNow + absl::Hours(48), "o1", std::nullopt})
      .Add(LotCreation{"m1", "shop", "base", "promo", false, 5, kNow, std::nullopt, "", 7});
  absl::StatusOr<MemberState> after = Apply(changes, Member(), kNow);
  ASSERT_TRUE(after.ok()) << after.status();
  ASSERT_EQ(after->lots.size(), 3u);
  EXPECT_EQ(after->lots[1].lot_id, 8);
  EXPECT_EQ(after->lots[1].remaining, 25);
  EXPECT_EQ(after->lots[1].awarded_at, kNow);
  EXPECT_EQ(after->lots[1].expires_at, kNow + absl::Hours(48));
  EXPECT_EQ(after->lots[2].lot_id, 9);
  EXPECT_FALSE(after->lots[2].redeemable);
}

TEST(ApplyTest, TotalsAddUpAndAFirstTotalIsCreated) {
  ChangeSet changes;
  changes.Add(TotalsChange{"m1", "shop", "base", 40, 40})
      .Add(TotalsChange{"m1", "shop", "base", -15, 0})
      .Add(TotalsChange{"m1", "shop", "status", 0, 9});
  absl::StatusOr<MemberState> after = Apply(changes, Member(), kNow);
  ASSERT_TRUE(after.ok()) << after.status();
  ASSERT_EQ(after->totals.size(), 2u);
  EXPECT_EQ(after->totals[0].lifetime, 25);
  EXPECT_EQ(after->totals[0].qualifying, 40);
  EXPECT_EQ(after->totals[1].point_type, "status");
  EXPECT_EQ(after->totals[1].qualifying, 9);
}

TEST(ApplyTest, EnrolmentChangesMoveDebtAndTierAndARenewalStartsAPeriod) {
  ChangeSet changes;
  changes.Add(EnrolmentChange{"m1", "shop", -30, "gold"});
  absl::StatusOr<MemberState> after = Apply(changes, Member(), kNow);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->enrolments[0].debt, 0);
  EXPECT_EQ(after->enrolments[0].tier, "gold");
  EXPECT_EQ(after->enrolments[0].tier_reached_at, kNow);

  const absl::Time end = kNow + absl::Hours(24 * 365);
  changes.Add(PeriodRenewal{"m1", "shop", "silver", kNow, end});
  after = Apply(changes, Member(), kNow);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->enrolments[0].tier, "silver");
  EXPECT_EQ(after->enrolments[0].tier_reached_at, std::nullopt);
  EXPECT_EQ(after->enrolments[0].period_start, kNow);
  EXPECT_EQ(after->enrolments[0].period_end, end);
}

TEST(ApplyTest, OtherMembersChangesAndRecordsLeaveTheStateAsItIs) {
  ChangeSet changes;
  changes.Add(LotChange{LotChange::Kind::kConsume, "m2", 7, 60})
      .Add(TotalsChange{"m2", "shop", "base", 5, 5})
      .Add(EnrolmentChange{"m2", "elsewhere", 5, std::nullopt})
      .Add(EntryChange{"m1", "shop", "base", EntryKind::kAccrual, 5, "", "", ""})
      .Add(PurchaseRecorded{"m1", "shop", "o1", "base", 500, "USD", 5})
      .Add(ActionCounted{"m1", "shop", "register"});
  absl::StatusOr<MemberState> after = Apply(changes, Member(), kNow);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->lots[0].remaining, 60);
  EXPECT_TRUE(after->totals.empty());
  EXPECT_EQ(after->enrolments[0].debt, 30);
}

TEST(ApplyTest, ChangesOfWhatTheStateDoesNotHoldAreRefused) {
  EXPECT_EQ(Apply(ChangeSet().Add(Change(LotChange::Kind::kRestore, 1, 99)), Member(), kNow)
                .status()
                .code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(
      Apply(ChangeSet().Add(EnrolmentChange{"m1", "elsewhere", 1, std::nullopt}), Member(), kNow)
          .status()
          .code(),
      absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace loyalty::ledger
