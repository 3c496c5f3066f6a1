// ledger::DecideExpiry: the exact change set of expired lots, and the state it leaves.
#include "libs/ledger/expiry.h"

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/ledger/change_text.h"

namespace loyalty::ledger {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 3, 1, 0, 0, 0), absl::UTCTimeZone());

Lot Expired(int64_t id, std::string program, std::string type, Points remaining, Points held) {
  Lot lot;
  lot.lot_id = id;
  lot.program_id = std::move(program);
  lot.point_type = std::move(type);
  lot.subtype = "std";
  lot.amount = 100;
  lot.remaining = remaining;
  lot.held = held;
  lot.awarded_at = kNow - absl::Hours(24 * 400);
  lot.available_at = lot.awarded_at;
  lot.expires_at = kNow - absl::Hours(1);
  return lot;
}

TEST(DecideExpiryTest, FreePointsExpireWithOneEntryPerProgramAndPointType) {
  const std::vector<Lot> expired = {
      Expired(3, "shop", "base", 40, 10), Expired(5, "shop", "status", 20, 0),
      Expired(6, "travel", "miles", 5, 0), Expired(8, "shop", "base", 15, 0)};
  EXPECT_THAT(ChangeTexts(DecideExpiry("m1", expired)),
              ElementsAre("consume m1 lot 3 30", "consume m1 lot 5 20", "consume m1 lot 6 5",
                          "consume m1 lot 8 15",
                          "entry m1 shop/base expiry -45 order='' 'expired' actor=''",
                          "entry m1 shop/status expiry -20 order='' 'expired' actor=''",
                          "entry m1 travel/miles expiry -5 order='' 'expired' actor=''"));
}

TEST(DecideExpiryTest, HeldPointsWaitForTheReservation) {
  EXPECT_THAT(ChangeTexts(DecideExpiry("m1", std::vector<Lot>{Expired(3, "shop", "base", 40, 40)})),
              IsEmpty());
  EXPECT_THAT(ChangeTexts(DecideExpiry("m1", {})), IsEmpty());
}

TEST(DecideExpiryTest, ApplyingTheChangesLeavesOnlyTheHeldPoints) {
  MemberState member;
  member.member_id = "m1";
  member.status = "active";
  member.lots = {Expired(3, "shop", "base", 40, 10), Expired(8, "shop", "base", 15, 0)};
  const absl::StatusOr<MemberState> after = Apply(DecideExpiry("m1", member.lots), member, kNow);
  ASSERT_TRUE(after.ok()) << after.status();
  ASSERT_EQ(after->lots.size(), 2u);
  EXPECT_EQ(after->lots[0].remaining, 10);
  EXPECT_EQ(after->lots[0].held, 10);
  EXPECT_EQ(after->lots[1].remaining, 0);
  // Expiring a lot twice (a second worker with an old read) breaks the lot's bounds.
  EXPECT_EQ(Apply(DecideExpiry("m1", member.lots), *after, kNow).status().code(),
            absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace loyalty::ledger
