#include "libs/ledger/reservation.h"

#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/base/refusal.h"
#include "tests/unit/ledger/redemption_fixture.h"

namespace loyalty::ledger {
namespace {

using fixture::GroupScope;
using fixture::kNow;
using fixture::MakeLot;
using fixture::Member;
using fixture::ShopScope;
using fixture::Texts;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

const absl::Time kSoon = kNow + absl::Hours(24);

// Lot 1 (30, expiring soon) and lot 2 (100): the reservation holds 30 of lot 1, 20 of lot 2, and
// another reservation `other` points of lot 2.
MemberState Holding(Points other = 0, std::optional<absl::Time> lot1_expiry = kSoon) {
  return Member({MakeLot(1, "shop", "base", 30, lot1_expiry, 30),
                 MakeLot(2, "shop", "base", 100, std::nullopt, 20 + other)});
}

Reservation Open(std::string status = "open", bool group = false) {
  return {7, "shop", group, 50, "o1", "mug", std::move(status), {{1, 30}, {2, 20}}};
}

TEST(DecideReserveTest, HoldsTheLotsARedemptionWouldTake) {
  const MemberState member =
      Member({MakeLot(1, "shop", "base", 30, kSoon), MakeLot(2, "shop", "base", 100)});
  const absl::StatusOr<Reserve> reserve =
      DecideReserve(ShopScope(), member, {50, "o1", "mug"}, {}, absl::Minutes(15), kNow);
  ASSERT_TRUE(reserve.ok()) << reserve.status();
  EXPECT_EQ(reserve->expires_at, kNow + absl::Minutes(15));
  EXPECT_THAT(Texts(reserve->changes),
              ElementsAre("reservation shop 50 lots 1:30,2:20", "hold lot 1 30", "hold lot 2 20"));
  const absl::StatusOr<MemberState> after = Apply(reserve->changes, member, kNow);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(fixture::AvailableIn(*after, "shop"), 80);
  EXPECT_EQ(ProgramBalanceOf(*after, "shop", kNow).held, 50);
}

TEST(DecideReserveTest, NeverOverdraws) {
  const MemberState member = Member({MakeLot(1, "shop", "base", 100)});
  // A redemption of 120 would overdraw (shop allows 50); a reservation may not.
  EXPECT_TRUE(DecideBurn(ShopScope(), member, {120, "", ""}, {}, kNow,
                         {.validate_redemption = true, .allow_overdraft = true})
                  .ok());
  EXPECT_EQ(
      ReasonOf(
          DecideReserve(ShopScope(), member, {120, "", ""}, {}, absl::Minutes(15), kNow).status()),
      kInsufficientPoints);
  EXPECT_EQ(
      ReasonOf(DecideReserve(ShopScope(), member, {50, "o1", ""}, {true}, absl::Minutes(15), kNow)
                   .status()),
      kEarnAndBurnSameOrder);
}

struct ClosedCase {
  std::string name;
  std::optional<Reservation> reservation;
  absl::StatusCode code;
  std::string reason;
};

class ClosedReservationTest : public ::testing::TestWithParam<ClosedCase> {};

TEST_P(ClosedReservationTest, VoidAndCaptureAreRefused) {
  const ClosedCase& c = GetParam();
  const absl::Status voided = DecideVoid(7, c.reservation, "m1").status();
  EXPECT_EQ(voided.code(), c.code);
  EXPECT_EQ(ReasonOf(voided), c.reason);
  const absl::Status captured = CapturedPoints(7, c.reservation, 0).status();
  EXPECT_EQ(captured.code(), c.code);
  EXPECT_EQ(ReasonOf(captured), c.reason);
}

INSTANTIATE_TEST_SUITE_P(
    Closed, ClosedReservationTest,
    ::testing::Values(ClosedCase{"Unknown", std::nullopt, absl::StatusCode::kNotFound,
                                 "RESERVATION_NOT_FOUND"},
                      ClosedCase{"Expired", Open("expired"), absl::StatusCode::kFailedPrecondition,
                                 kReservationExpired},
                      ClosedCase{"Captured", Open("captured"),
                                 absl::StatusCode::kFailedPrecondition, kReservationNotOpen},
                      ClosedCase{"Voided", Open("voided"), absl::StatusCode::kFailedPrecondition,
                                 kReservationNotOpen}),
    [](const ::testing::TestParamInfo<ClosedCase>& param_info) { return param_info.param.name; });

TEST(DecideVoidTest, ReleasesEveryHold) {
  const MemberState member = Holding();
  const absl::StatusOr<Release> release = DecideVoid(7, Open(), "m1");
  ASSERT_TRUE(release.ok()) << release.status();
  EXPECT_EQ(release->points_released, 50);
  EXPECT_THAT(Texts(release->changes),
              ElementsAre("hold lot 1 -30", "hold lot 2 -20", "resolved reservation 7 voided"));
  const absl::StatusOr<MemberState> after = Apply(release->changes, member, kNow);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(fixture::AvailableIn(*after, "shop"), 130);
}

TEST(CapturedPointsTest, AllByDefaultAndNeverMoreThanReserved) {
  EXPECT_EQ(*CapturedPoints(7, Open(), 0), 50);
  EXPECT_EQ(*CapturedPoints(7, Open(), 30), 30);
  EXPECT_EQ(FieldOf(CapturedPoints(7, Open(), 51).status()), "points");
}

struct CaptureCase {
  std::string name;
  MemberState member;
  Reservation reservation;
  BurnScope scope;
  Points points = 0;
  std::vector<std::string> changes;
  Points released = 0;
  Points available_after = 0;  // in shop
};

// The changes of a capture of all 50 points of Open() from Holding().
std::vector<std::string> CapturedAll(const std::string& group) {
  return {"hold lot 1 -30",
          "hold lot 2 -20",
          "resolved reservation 7 captured",
          "consume lot 1 30",
          "consume lot 2 20",
          "entry shop/base redemption -50 order=o1 'mug'",
          "enrolment shop debt 0",
          absl::StrCat("redemption shop", group,
                       " 50 value 5 USD lots 1:30,2:20 programs shop:50 "
                       "overdraft 0 reservation 7 order=o1 reward=mug")};
}

class DecideCaptureTest : public ::testing::TestWithParam<CaptureCase> {};

TEST_P(DecideCaptureTest, ChangesAndBalancesAfter) {
  const CaptureCase& c = GetParam();
  const absl::StatusOr<Capture> capture =
      DecideCapture(c.reservation, c.scope, c.member, c.points, kNow);
  ASSERT_TRUE(capture.ok()) << capture.status();
  EXPECT_THAT(Texts(capture->changes), ElementsAreArray(c.changes));
  EXPECT_EQ(capture->points_released, c.released);
  const absl::StatusOr<MemberState> after = Apply(capture->changes, c.member, kNow);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(fixture::AvailableIn(*after, "shop"), c.available_after);
  EXPECT_EQ(ProgramBalanceOf(*after, "shop", kNow).held, c.member.lots[1].held - 20);
}

INSTANTIATE_TEST_SUITE_P(
    Captures, DecideCaptureTest,
    ::testing::Values(
        CaptureCase{"All", Holding(), Open(), ShopScope(), 50, CapturedAll(""), 0, 80},
        CaptureCase{"PartInBurnOrderTheRestReleased",
                    Holding(),
                    Open(),
                    ShopScope(),
                    30,
                    {"hold lot 1 -30", "hold lot 2 -20", "resolved reservation 7 captured",
                     "consume lot 1 30", "entry shop/base redemption -30 order=o1 'mug'",
                     "enrolment shop debt 0",
                     "redemption shop 30 value 3 USD lots 1:30 programs shop:30 overdraft 0 "
                     "reservation 7 order=o1 reward=mug"},
                    20,
                    100},
        CaptureCase{"OnlyItsOwnShareOfALot", Holding(/*other=*/70), Open(), ShopScope(), 50,
                    CapturedAll(""), 0, 10},
        CaptureCase{"AGroupReservation", Holding(), Open("open", /*group=*/true), GroupScope(), 50,
                    CapturedAll(" group"), 0, 80}),
    [](const ::testing::TestParamInfo<CaptureCase>& param_info) { return param_info.param.name; });

TEST(DecideCaptureTest, PointsThatExpiredSinceAreNotCaptured) {
  const absl::Status status =
      DecideCapture(Open(), ShopScope(), Holding(0, kNow - absl::Minutes(1)), 50, kNow).status();
  EXPECT_EQ(ReasonOf(status), kInsufficientPoints);
  // What has not expired may still be captured.
  EXPECT_TRUE(
      DecideCapture(Open(), ShopScope(), Holding(0, kNow - absl::Minutes(1)), 20, kNow).ok());
}

}  // namespace
}  // namespace loyalty::ledger
