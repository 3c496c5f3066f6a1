#include "libs/ledger/cancellation.h"

#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/base/refusal.h"
#include "tests/unit/ledger/redemption_fixture.h"

namespace loyalty::ledger {
namespace {

using fixture::kNow;
using fixture::MakeLot;
using fixture::Member;
using fixture::Shop;
using fixture::Texts;
using ::testing::ElementsAreArray;

const absl::Time kPast = kNow - absl::Hours(1);
const absl::Time kLater = kNow + absl::Hours(24);

struct CancelCase {
  std::string name;
  std::vector<Lot> lots;  // the member's lots, consumed by the redemption
  Points debt = 0;
  RedemptionRecord redemption;
  std::vector<std::string> changes;
  Points restored = 0;
  Points expired = 0;
  Points available_after = 0;  // in shop, debt subtracted
};

class DecideCancelTest : public ::testing::TestWithParam<CancelCase> {};

TEST_P(DecideCancelTest, ChangesAndBalancesAfter) {
  const CancelCase& c = GetParam();
  const MemberState member = Member(c.lots, c.debt);
  const absl::StatusOr<Cancellation> cancellation =
      DecideCancel(7, c.redemption, Shop(), member, kNow);
  ASSERT_TRUE(cancellation.ok()) << cancellation.status();
  EXPECT_THAT(Texts(cancellation->changes), ElementsAreArray(c.changes));
  EXPECT_EQ(cancellation->points_restored, c.restored);
  EXPECT_EQ(cancellation->points_expired, c.expired);
  const absl::StatusOr<MemberState> after = Apply(cancellation->changes, member, kNow);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(fixture::AvailableIn(*after, "shop"), c.available_after);
}

INSTANTIATE_TEST_SUITE_P(
    Cancellations, DecideCancelTest,
    ::testing::Values(
        CancelCase{
            "LotsGetTheirPointsBack",
            {MakeLot(1, "shop", "base", 0, kLater, 0, 30),
             MakeLot(2, "shop", "bonus", 80, std::nullopt, 0, 100)},
            0,
            {"shop",
             50,
             0,
             false,
             {{1, "shop", "base", 30, kLater}, {2, "shop", "bonus", 20, std::nullopt}}},
            {"restore lot 1 30", "restore lot 2 20", "entry shop/base redemption_cancellation 30",
             "entry shop/bonus redemption_cancellation 20", "enrolment shop debt 0",
             "enrolment shop debt 0", "cancelled redemption 7 shop 50"},
            50,
            0,
            130},
        CancelCase{"ExpiredLotsAreGivenBackAndExpiredAtOnce",
                   {MakeLot(1, "shop", "base", 0, kPast, 0, 30),
                    MakeLot(2, "shop", "base", 0, kLater, 0, 20)},
                   0,
                   {"shop",
                    50,
                    0,
                    false,
                    {{1, "shop", "base", 30, kPast}, {2, "shop", "base", 20, kLater}}},
                   {"restore lot 2 20", "entry shop/base redemption_cancellation 20",
                    "entry shop/base redemption_cancellation 30",
                    "entry shop/base expiry -30 'expired before the cancellation'",
                    "enrolment shop debt 0", "cancelled redemption 7 shop 50"},
                   20,
                   30,
                   20},
        CancelCase{
            "TheOverdraftRepaysTheDebtFirst",
            {MakeLot(1, "shop", "base", 0, std::nullopt, 0, 30)},
            20,  // of the 40 overdrawn, 20 are still owed
            {"shop", 70, 40, false, {{1, "shop", "base", 30, std::nullopt}}},
            {"restore lot 1 30", "entry shop/base redemption_cancellation 30",
             "create shop/base/purchase 20",
             "entry shop/base redemption_cancellation 40 'overdraft given back'",
             "enrolment shop debt -20", "enrolment shop debt 0", "cancelled redemption 7 shop 70"},
            70,
            0,
            50},
        CancelCase{"AnOverdraftStillOwedIsOnlyRepaid",
                   {},
                   60,
                   {"shop", 40, 40, false, {}},
                   {"entry shop/base redemption_cancellation 40 'overdraft given back'",
                    "enrolment shop debt -40", "cancelled redemption 7 shop 40"},
                   40,
                   0,
                   -20}),
    [](const ::testing::TestParamInfo<CancelCase>& param_info) { return param_info.param.name; });

TEST(DecideCancelTest, Refusals) {
  const MemberState member = Member({});
  const absl::Status unknown = DecideCancel(7, std::nullopt, Shop(), member, kNow).status();
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ReasonOf(unknown), "REDEMPTION_NOT_FOUND");
  const RedemptionRecord cancelled{"shop", 50, 0, true, {{1, "shop", "base", 50, kLater}}};
  const absl::Status again = DecideCancel(7, cancelled, Shop(), member, kNow).status();
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(again), kAlreadyCancelled);
}

TEST(DecideCancelTest, ALotExpiringNowCountsAsExpired) {
  const RedemptionRecord redemption{"shop", 10, 0, false, {{1, "shop", "base", 10, kNow}}};
  const absl::StatusOr<Cancellation> cancellation = DecideCancel(
      7, redemption, Shop(), Member({MakeLot(1, "shop", "base", 0, kNow, 0, 10)}), kNow);
  ASSERT_TRUE(cancellation.ok());
  EXPECT_EQ(cancellation->points_expired, 10);
  EXPECT_EQ(cancellation->points_restored, 0);
}

}  // namespace
}  // namespace loyalty::ledger
