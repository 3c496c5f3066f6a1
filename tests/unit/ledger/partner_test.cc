#include "libs/ledger/partner.h"

#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/base/refusal.h"
#include "tests/unit/ledger/change_text.h"
#include "tests/unit/ledger/redemption_fixture.h"

namespace loyalty::ledger {
namespace {

using fixture::kNow;
using fixture::MakeLot;
using ::testing::ElementsAre;

PartnerTerms Terms() {
  PartnerTerms terms;
  terms.partner_code = "jetair";
  terms.program_id = "shop";
  terms.point_type = "base";
  terms.local_points = 100;
  terms.partner_points = 3;
  terms.return_window_days = 30;
  terms.voucher_points = 1000;
  terms.voucher_value_minor = 500;
  terms.voucher_currency = "USD";
  return terms;
}

const PartnerLinkRecord kLink{7, "m1", "jetair", "FF-1", LinkState::kActive, kNow};

TEST(DecideConversionTest, ConvertsTheLargestMultipleOldestLotFirstAndLeavesTheRest) {
  const std::vector<Lot> matured = {MakeLot(1, "shop", "base", 120),
                                    MakeLot(2, "shop", "base", 110, std::nullopt, /*held=*/20)};
  const std::optional<ChangeSet> changes = DecideConversion(Terms(), kLink, matured);
  ASSERT_TRUE(changes.has_value());
  EXPECT_THAT(ChangeTexts(*changes),
              ElementsAre("consume m1 lot 1 120", "consume m1 lot 2 80",
                          "entry m1 shop/base conversion -200 order='' 'converted to jetair' "
                          "actor=''",
                          "conversion m1 to jetair link 7 200 for 6 lots 1:120 2:80"));
}

TEST(DecideConversionTest, LessThanOneUnitConvertsNothing) {
  const std::vector<Lot> matured = {MakeLot(1, "shop", "base", 99),
                                    MakeLot(2, "shop", "base", 50, std::nullopt, /*held=*/50)};
  EXPECT_FALSE(DecideConversion(Terms(), kLink, matured).has_value());
  EXPECT_FALSE(DecideConversion(Terms(), kLink, {}).has_value());
}

TEST(DecideConversionTest, MaturityIsTheReturnWindowBeforeNow) {
  EXPECT_EQ(MaturedBefore(Terms(), kNow), kNow - absl::Hours(24 * 30));
}

TEST(DecideConversionReturnTest, RestoresTheLotsAndExpiresWhatExpiredMeanwhile) {
  ConversionRecord conversion{42,
                              "m1",
                              ConversionStatus::kSent,
                              {LotTake{1, "shop", "base", 120, std::nullopt},
                               LotTake{2, "shop", "base", 80, kNow - absl::Hours(1)}}};
  EXPECT_THAT(ChangeTexts(DecideConversionReturn(conversion, "refused: closed", kNow)),
              ElementsAre("restore m1 lot 1 120",
                          "entry m1 shop/base conversion_return 120 order='' 'conversion "
                          "returned' actor=''",
                          "entry m1 shop/base conversion_return 80 order='' 'conversion "
                          "returned' actor=''",
                          "entry m1 shop/base expiry -80 order='' 'expired before the conversion "
                          "was returned' actor=''",
                          "conversion 42 returned 'refused: closed'"));
}

TEST(VoucherValueTest, IsFloorOfPointsAtTheRatioAndNeverZero) {
  EXPECT_EQ(*VoucherValue(Terms(), 1500), 750);
  EXPECT_EQ(*VoucherValue(Terms(), 1999), 999);
  EXPECT_EQ(*VoucherValue(Terms(), 1'000'000'000), 500'000'000);
  EXPECT_EQ(ReasonOf(VoucherValue(Terms(), 1).status()), kVoucherTooSmall);
}

VoucherRecord Voucher(VoucherKind kind, int64_t remaining) {
  return {9, "m1", kind, remaining, "USD", VoucherStatus::kActive, kNow + absl::Hours(1)};
}

TEST(DecideVoucherSpendTest, ARewardIsUsedOnceForAtMostItsValue) {
  absl::StatusOr<VoucherChanged> spent =
      DecideVoucherSpend(Voucher(VoucherKind::kReward, 750), "o1", 500, "USD", kNow);
  ASSERT_TRUE(spent.ok());
  EXPECT_EQ(spent->applied_minor, 500);
  EXPECT_EQ(spent->remaining_minor, 0);
  EXPECT_EQ(spent->status, VoucherStatus::kUsed);
  spent = DecideVoucherSpend(Voucher(VoucherKind::kReward, 750), "o1", 9000, "USD", kNow);
  EXPECT_EQ(spent->applied_minor, 750);
}

TEST(DecideVoucherSpendTest, ACreditPaysUpToWhatRemains) {
  absl::StatusOr<VoucherChanged> spent =
      DecideVoucherSpend(Voucher(VoucherKind::kCredit, 750), "o1", 500, "USD", kNow);
  ASSERT_TRUE(spent.ok());
  EXPECT_EQ(spent->remaining_minor, 250);
  EXPECT_EQ(spent->status, VoucherStatus::kActive);
  EXPECT_EQ(
      ReasonOf(
          DecideVoucherSpend(Voucher(VoucherKind::kCredit, 750), "o1", 751, "USD", kNow).status()),
      kVoucherInsufficient);
}

TEST(DecideVoucherSpendTest, RefusesUsedExpiredAndOtherCurrencies) {
  VoucherRecord used = Voucher(VoucherKind::kCredit, 0);
  used.status = VoucherStatus::kUsed;
  EXPECT_EQ(ReasonOf(DecideVoucherSpend(used, "o", 1, "USD", kNow).status()), kVoucherUsed);
  EXPECT_EQ(ReasonOf(DecideVoucherSpend(Voucher(VoucherKind::kCredit, 5), "o", 1, "USD",
                                        kNow + absl::Hours(1))
                         .status()),
            kVoucherExpired);
  EXPECT_EQ(
      ReasonOf(DecideVoucherSpend(Voucher(VoucherKind::kCredit, 5), "o", 1, "EUR", kNow).status()),
      kCurrencyMismatch);
}

}  // namespace
}  // namespace loyalty::ledger
