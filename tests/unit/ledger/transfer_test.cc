// ledger::PlanTransfer and DecideTransfer: the refusals, the exact change set of both members and
// the balances it leaves them with.
#include "libs/ledger/transfer.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/base/refusal.h"
#include "tests/unit/ledger/change_text.h"

namespace loyalty::ledger {
namespace {

using ::testing::ElementsAre;

const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 3, 1, 0, 0, 0), absl::UTCTimeZone());
const absl::Time kInMonth = kNow + absl::Hours(24 * 30);
const absl::Time kInWeek = kNow + absl::Hours(24 * 7);

// An active program whose first type is its default, with default subtype "std".
ProgramConfig ProgramOf(std::string id, std::vector<PointTypeConfig> types,
                        std::vector<std::string> subtypes) {
  ProgramConfig program;
  program.program_id = std::move(id);
  program.status = "active";
  program.default_point_type = types.front().code;
  program.default_subtype = "std";
  program.subtypes = std::move(subtypes);
  program.point_types = std::move(types);
  return program;
}

ProgramConfig Shop() {
  ProgramConfig program =
      ProgramOf("shop", {{"base", true, false, {}}, {"status", false, true, {}}}, {"std", "promo"});
  program.is_default = true;
  return program;
}

ProgramConfig Travel() { return ProgramOf("travel", {{"miles", true, false, {}}}, {"std"}); }

BurnScope ScopeOf(const ProgramConfig& program) { return {{program}, program, false}; }
BurnScope Group() { return {{Shop(), Travel()}, Shop(), true}; }

Lot MakeLot(int64_t id, std::string program, std::string type, std::string subtype, Points points,
            std::optional<absl::Time> expires, bool redeemable = true) {
  return {id,
          std::move(program),
          std::move(type),
          std::move(subtype),
          points,
          points,
          0,
          redeemable,
          kNow - absl::Hours(24 * 10),
          kNow - absl::Hours(24 * 10),
          expires};
}

Enrolment EnrolledIn(std::string program_id) {
  return {std::move(program_id),       "", std::nullopt, 0, kNow - absl::Hours(24 * 59),
          kNow + absl::Hours(24 * 306)};
}

// m1: 90 free base points in shop (50 promo expiring in a month, 40 never), 100 status points
// that cannot be spent, and 20 travel miles expiring in a week.
MemberState Giver() {
  MemberState member;
  member.member_id = "m1";
  member.kind = "individual";
  member.status = "active";
  member.enrolments = {EnrolledIn("shop"), EnrolledIn("travel")};
  member.lots = {MakeLot(4, "shop", "base", "promo", 50, kInMonth),
                 MakeLot(7, "shop", "base", "std", 40, std::nullopt),
                 MakeLot(9, "shop", "status", "std", 100, std::nullopt, /*redeemable=*/false),
                 MakeLot(11, "travel", "miles", "std", 20, kInWeek)};
  member.totals = {
      {"shop", "base", 90, 0}, {"shop", "status", 100, 100}, {"travel", "miles", 20, 0}};
  return member;
}

MemberState Receiver() {
  MemberState member;
  member.member_id = "m2";
  member.kind = "individual";
  member.status = "active";
  member.enrolments = {EnrolledIn("shop")};
  return member;
}

TEST(DecideTransferTest, TheSendersLotsBecomeTheReceiversKeepingExpiryAndOrigin) {
  const absl::StatusOr<Transfer> transfer =
      DecideTransfer(ScopeOf(Shop()), Shop(), Giver(), Receiver(), {60}, kNow);
  ASSERT_TRUE(transfer.ok()) << transfer.status();
  EXPECT_THAT(
      ChangeTexts(transfer->changes),
      ElementsAre(
          "consume m1 lot 4 50", "consume m1 lot 7 10",
          "entry m1 shop/base transfer_out -60 order='' 'to m2' actor=''",
          "enrolment m1 shop debt 0 active",
          "create m2 shop/base/promo 50 available 2026-03-01T00:00:00Z expires "
          "2026-03-31T00:00:00Z order='' origin 4",
          "create m2 shop/base/std 10 available 2026-03-01T00:00:00Z expires never order='' "
          "origin 7",
          "entry m2 shop/base transfer_in 60 order='' 'from m1' actor=''",
          "enrolment m2 shop debt 0 active"));
  EXPECT_EQ(transfer->plan.breakup, (std::vector<ProgramPoints>{{"shop", 60}}));
  ASSERT_EQ(transfer->plan.consumption.takes.size(), 2u);
  EXPECT_EQ(transfer->plan.consumption.shortfall, 0);
}

TEST(DecideTransferTest, ApplyingTheChangesMovesTheBalance) {
  const absl::StatusOr<Transfer> transfer =
      DecideTransfer(ScopeOf(Shop()), Shop(), Giver(), Receiver(), {60}, kNow);
  ASSERT_TRUE(transfer.ok()) << transfer.status();
  const absl::StatusOr<MemberState> from = Apply(transfer->changes, Giver(), kNow);
  const absl::StatusOr<MemberState> to = Apply(transfer->changes, Receiver(), kNow);
  ASSERT_TRUE(from.ok()) << from.status();
  ASSERT_TRUE(to.ok()) << to.status();
  EXPECT_EQ(ProgramBalanceOf(*from, "shop", kNow).available, 30);
  EXPECT_EQ(ProgramBalanceOf(*from, "travel", kNow).available, 20);
  const ProgramBalance received = ProgramBalanceOf(*to, "shop", kNow);
  EXPECT_EQ(received.available, 60);
  ASSERT_TRUE(received.expiring.has_value());
  EXPECT_EQ(received.expiring->at, kInMonth);
  EXPECT_EQ(received.expiring->points, 50);
  EXPECT_EQ(received.lifetime, 0);  // a transfer earns nothing
}

TEST(DecideTransferTest, AGroupTransferSpendsEveryProgramIntoThePricingOnesTypes) {
  const absl::StatusOr<Transfer> transfer =
      DecideTransfer(Group(), Shop(), Giver(), Receiver(), {60}, kNow);
  ASSERT_TRUE(transfer.ok()) << transfer.status();
  EXPECT_THAT(
      ChangeTexts(transfer->changes),
      ElementsAre("consume m1 lot 11 20", "consume m1 lot 4 40",
                  "entry m1 shop/base transfer_out -40 order='' 'to m2' actor=''",
                  "entry m1 travel/miles transfer_out -20 order='' 'to m2' actor=''",
                  "enrolment m1 shop debt 0 active", "enrolment m1 travel debt 0 active",
                  // miles are not a type of shop: its default type; "std" is a subtype of shop.
                  "create m2 shop/base/std 20 available 2026-03-01T00:00:00Z expires "
                  "2026-03-08T00:00:00Z order='' origin 11",
                  "create m2 shop/base/promo 40 available 2026-03-01T00:00:00Z expires "
                  "2026-03-31T00:00:00Z order='' origin 4",
                  "entry m2 shop/base transfer_in 60 order='' 'from m1' actor=''",
                  "enrolment m2 shop debt 0 active"));
  EXPECT_EQ(transfer->plan.breakup, (std::vector<ProgramPoints>{{"shop", 40}, {"travel", 20}}));
}

TEST(DecideTransferTest, ASubtypeTheReceivingProgramLacksBecomesItsDefault) {
  MemberState from = Giver();
  from.lots = {MakeLot(3, "shop", "base", "gift", 10, std::nullopt)};
  const absl::StatusOr<Transfer> transfer =
      DecideTransfer(ScopeOf(Shop()), Shop(), from, Receiver(), {10}, kNow);
  ASSERT_TRUE(transfer.ok()) << transfer.status();
  EXPECT_EQ(ChangeTexts(transfer->changes)[3],
            "create m2 shop/base/std 10 available 2026-03-01T00:00:00Z expires never order='' "
            "origin 3");
}

TEST(DecideTransferTest, NoRedeemableTypeToReceiveIsNotTransferableThoughTheSendersSideIsFine) {
  ProgramConfig receiving = Shop();
  receiving.point_types = {{"status", false, true, {}}};
  receiving.default_point_type = "status";
  BurnScope group = Group();
  group.pricing = receiving;
  MemberState from = Giver();
  from.lots = {MakeLot(11, "travel", "miles", "std", 20, kInWeek)};
  EXPECT_EQ(ReasonOf(DecideTransfer(group, receiving, from, Receiver(), {20}, kNow).status()),
            kNotTransferable);
  EXPECT_TRUE(PlanTransfer(group, receiving, from, Receiver(), {20}, kNow).ok());
}

TEST(DecideTransferTest, NeitherRedemptionRulesNorOverdraftApply) {
  ProgramConfig shop = Shop();
  shop.rules = {.minimum = 100, .maximum = 0, .multiple_of = 7};
  EXPECT_TRUE(DecideTransfer(ScopeOf(shop), shop, Giver(), Receiver(), {60}, kNow).ok());
  shop.overdraft_allowed = true;
  shop.overdraft_limit = 1000;
  EXPECT_EQ(ReasonOf(DecideTransfer(ScopeOf(shop), shop, Giver(), Receiver(), {91}, kNow).status()),
            kInsufficientPoints);
}

struct RefusalCase {
  std::string name;
  BurnScope scope;
  MemberState from;
  MemberState to;
  Points points;
  std::string reason;  // empty: INVALID_ARGUMENT on to_member_id
};

std::vector<RefusalCase> RefusalCases() {
  MemberState suspended = Giver();
  suspended.status = "suspended";
  MemberState closed = Receiver();
  closed.status = "closed";
  MemberState only_travel = Giver();
  only_travel.enrolments = {EnrolledIn("travel")};
  MemberState not_enrolled = Receiver();
  not_enrolled.enrolments.clear();
  MemberState pending = Giver();
  for (Lot& lot : pending.lots) lot.available_at = kNow + absl::Hours(1);
  return {
      {"to oneself", ScopeOf(Shop()), Giver(), Giver(), 10, ""},
      {"sender not active", ScopeOf(Shop()), suspended, Receiver(), 10, kMemberNotActive},
      {"receiver not active", ScopeOf(Shop()), Giver(), closed, 10, kMemberNotActive},
      {"sender not enrolled", ScopeOf(Shop()), only_travel, Receiver(), 10, kNotEnrolled},
      {"receiver not enrolled", ScopeOf(Shop()), Giver(), not_enrolled, 10, kNotEnrolled},
      {"more than the free points", ScopeOf(Shop()), Giver(), Receiver(), 91, kInsufficientPoints},
      {"more than the group's", Group(), Giver(), Receiver(), 111, kInsufficientPoints},
      {"pending points", ScopeOf(Shop()), pending, Receiver(), 1, kInsufficientPoints},
  };
}

TEST(DecideTransferTest, Refusals) {
  for (const RefusalCase& c : RefusalCases()) {
    SCOPED_TRACE(c.name);
    for (const absl::Status& status :
         {DecideTransfer(c.scope, c.scope.pricing, c.from, c.to, {c.points}, kNow).status(),
          PlanTransfer(c.scope, c.scope.pricing, c.from, c.to, {c.points}, kNow).status()}) {
      if (c.reason.empty()) {
        EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
        EXPECT_EQ(FieldOf(status), "to_member_id");
      } else {
        EXPECT_EQ(ReasonOf(status), c.reason) << status;
      }
    }
  }
}

TEST(DecideTransferTest, AGroupTransferNeedsNoEnrolmentInThePricingProgram) {
  MemberState only_travel = Giver();
  only_travel.enrolments = {EnrolledIn("travel")};
  only_travel.lots = {MakeLot(11, "travel", "miles", "std", 20, kInWeek)};
  EXPECT_TRUE(DecideTransfer(Group(), Shop(), only_travel, Receiver(), {20}, kNow).ok());
}

}  // namespace
}  // namespace loyalty::ledger
