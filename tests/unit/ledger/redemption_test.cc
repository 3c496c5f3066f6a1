#include "libs/ledger/redemption.h"

#include <string>
#include <utility>
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
using ::testing::ElementsAreArray;

constexpr BurnRules kRedeem{.validate_redemption = true, .allow_overdraft = true};
const absl::Time kSoon = kNow + absl::Hours(24);

struct BurnCase {
  std::string name;
  BurnScope scope;
  std::vector<Lot> lots;
  Points debt = 0;
  BurnCommand command;
  std::vector<std::string> changes;
  std::vector<std::pair<std::string, Points>> available_after;  // by program; debt subtracted
};

class DecideBurnTest : public ::testing::TestWithParam<BurnCase> {};

TEST_P(DecideBurnTest, ChangesAndBalancesAfter) {
  const BurnCase& c = GetParam();
  const MemberState member = Member(c.lots, c.debt);
  const absl::StatusOr<Burn> burn =
      DecideBurn(c.scope, member, c.command, BurnFacts{}, kNow, kRedeem);
  ASSERT_TRUE(burn.ok()) << burn.status();
  EXPECT_THAT(Texts(burn->changes), ElementsAreArray(c.changes));
  const absl::StatusOr<MemberState> after = Apply(burn->changes, member, kNow);
  ASSERT_TRUE(after.ok()) << after.status();
  for (const auto& [program_id, available] : c.available_after) {
    EXPECT_EQ(fixture::AvailableIn(*after, program_id), available) << program_id;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Burns, DecideBurnTest,
    ::testing::Values(
        BurnCase{"ClosestExpiryFirst",
                 ShopScope(),
                 {MakeLot(1, "shop", "base", 100), MakeLot(2, "shop", "base", 30, kSoon)},
                 0,
                 {50, "o1", "mug"},
                 {"consume lot 2 30", "consume lot 1 20",
                  "entry shop/base redemption -50 order=o1 'mug'", "enrolment shop debt 0",
                  "redemption shop 50 value 5 USD lots 2:30,1:20 programs shop:50 overdraft 0 "
                  "reservation 0 order=o1 reward=mug"},
                 {{"shop", 80}}},
        BurnCase{"OneEntryPerPointType",
                 ShopScope(),
                 {MakeLot(1, "shop", "bonus", 10, kSoon), MakeLot(2, "shop", "base", 100)},
                 0,
                 {40, "", ""},
                 {"consume lot 1 10", "consume lot 2 30", "entry shop/base redemption -30",
                  "entry shop/bonus redemption -10", "enrolment shop debt 0",
                  "redemption shop 40 value 4 USD lots 1:10,2:30 programs shop:40 overdraft 0 "
                  "reservation 0"},
                 {{"shop", 70}}},
        BurnCase{"HeldPointsAreNotSpent",
                 ShopScope(),
                 {MakeLot(1, "shop", "base", 50, std::nullopt, 40), MakeLot(2, "shop", "base", 20)},
                 0,
                 {25, "", ""},
                 {"consume lot 1 10", "consume lot 2 15", "entry shop/base redemption -25",
                  "enrolment shop debt 0",
                  "redemption shop 25 value 2 USD lots 1:10,2:15 programs shop:25 overdraft 0 "
                  "reservation 0"},
                 {{"shop", 5}}},
        BurnCase{"TheShortfallIsDebtOfThePricingProgram",
                 ShopScope(),
                 {MakeLot(1, "shop", "bonus", 30)},
                 0,
                 {60, "", ""},
                 {"consume lot 1 30", "entry shop/base redemption -30",
                  "entry shop/bonus redemption -30", "enrolment shop debt 30",
                  "redemption shop 60 value 6 USD lots 1:30 programs shop:60 overdraft 30 "
                  "reservation 0"},
                 {{"shop", -30}}},
        BurnCase{
            "AGroupBurnTakesFromEveryProgram",
            GroupScope(),
            {MakeLot(1, "cafe", "base", 20, kSoon), MakeLot(2, "shop", "base", 100)},
            0,
            {50, "", ""},
            {"consume lot 1 20", "consume lot 2 30", "entry cafe/base redemption -20",
             "entry shop/base redemption -30", "enrolment cafe debt 0", "enrolment shop debt 0",
             "redemption shop group 50 value 5 USD lots 1:20,2:30 programs cafe:20,shop:30 "
             "overdraft 0 reservation 0"},
            {{"cafe", 0}, {"shop", 70}}}),
    [](const ::testing::TestParamInfo<BurnCase>& param_info) { return param_info.param.name; });

struct RefusalCase {
  std::string name;
  BurnScope scope;
  MemberState member;
  BurnCommand command;
  BurnFacts facts;
  BurnRules rules;
  std::string reason;
};

MemberState Suspended() {
  MemberState member = Member({MakeLot(1, "shop", "base", 100)});
  member.status = "suspended";
  return member;
}

MemberState OnlyInCafe() {
  MemberState member = Member({MakeLot(1, "cafe", "base", 100)});
  member.enrolments.erase(member.enrolments.begin() + 1);
  return member;
}

BurnScope WithRules(RedemptionRules rules) {
  BurnScope scope = ShopScope();
  scope.pricing.rules = rules;
  return scope;
}

class BurnRefusalTest : public ::testing::TestWithParam<RefusalCase> {};

TEST_P(BurnRefusalTest, RefusedWithItsReason) {
  const RefusalCase& c = GetParam();
  const absl::StatusOr<Burn> burn =
      DecideBurn(c.scope, c.member, c.command, c.facts, kNow, c.rules);
  ASSERT_FALSE(burn.ok());
  EXPECT_EQ(burn.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(burn.status()), c.reason);
  // A reservation (no overdraft) is refused alike.
  EXPECT_EQ(ReasonOf(PlanRedemption(c.scope, c.member, c.command, c.facts, kNow,
                                    {.validate_redemption = true, .allow_overdraft = false})
                         .status()),
            c.reason);
}

const MemberState kHundred = Member({MakeLot(1, "shop", "base", 100)});

INSTANTIATE_TEST_SUITE_P(
    Refusals, BurnRefusalTest,
    ::testing::Values(
        // The member's state comes before the order, and both before the balance.
        RefusalCase{"MemberNotActive",
                    ShopScope(),
                    Suspended(),
                    {500, "o1", ""},
                    {true},
                    kRedeem,
                    kMemberNotActive},
        RefusalCase{"NotEnrolled",
                    ShopScope(),
                    OnlyInCafe(),
                    {500, "o1", ""},
                    {true},
                    kRedeem,
                    kNotEnrolled},
        RefusalCase{"OrderThatEarned",
                    ShopScope(),
                    kHundred,
                    {500, "o1", ""},
                    {true},
                    kRedeem,
                    kEarnAndBurnSameOrder},
        RefusalCase{"BelowMinimum",
                    WithRules({20, 0, 0}),
                    kHundred,
                    {10, "", ""},
                    {},
                    kRedeem,
                    kBelowMinimum},
        RefusalCase{"AboveMaximum",
                    WithRules({0, 50, 0}),
                    kHundred,
                    {60, "", ""},
                    {},
                    kRedeem,
                    kAboveMaximum},
        RefusalCase{"NotMultiple",
                    WithRules({0, 0, 25}),
                    kHundred,
                    {60, "", ""},
                    {},
                    kRedeem,
                    kNotMultiple},
        RefusalCase{"PastTheOverdraftLimit",
                    ShopScope(),
                    kHundred,
                    {151, "", ""},
                    {},
                    kRedeem,
                    kInsufficientPoints},
        RefusalCase{"NoOverdraftInAGroup",
                    GroupScope(),
                    kHundred,
                    {101, "", ""},
                    {},
                    kRedeem,
                    kInsufficientPoints},
        RefusalCase{"NoOverdraftWhenNotAllowed",
                    ShopScope(),
                    kHundred,
                    {101, "", ""},
                    {},
                    {.validate_redemption = true, .allow_overdraft = false},
                    kInsufficientPoints}),
    [](const ::testing::TestParamInfo<RefusalCase>& param_info) { return param_info.param.name; });

TEST(DecideBurnTest, AGroupBurnNeedsNoEnrolmentInThePricingProgram) {
  const absl::StatusOr<Burn> burn =
      DecideBurn(GroupScope(), OnlyInCafe(), {40, "", ""}, {}, kNow, kRedeem);
  ASSERT_TRUE(burn.ok()) << burn.status();
  EXPECT_EQ(burn->plan.breakup, (std::vector<ProgramPoints>{{"cafe", 40}}));
}

TEST(DecideBurnTest, AnOrderThatEarnedNothingMayBurn) {
  EXPECT_TRUE(DecideBurn(ShopScope(), kHundred, {50, "o1", ""}, {false}, kNow, kRedeem).ok());
}

}  // namespace
}  // namespace loyalty::ledger
