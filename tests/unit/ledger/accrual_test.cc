#include "libs/ledger/accrual.h"

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "libs/base/refusal.h"
#include "libs/ledger/change_set.h"
#include "libs/ledger/limits.h"

namespace loyalty::ledger {
namespace {

const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 3, 1, 12, 0, 0), absl::UTCTimeZone());
const absl::Time kPeriodStart =
    absl::FromCivil(absl::CivilSecond(2026, 1, 1, 0, 0, 0), absl::UTCTimeZone());

ProgramConfig Program() {
  ProgramConfig program;
  program.program_id = "shop";
  program.status = "active";
  program.currency = "USD";
  program.earn_rate = {1, 100};  // 1 point per USD
  program.hold_days = 14;
  program.default_point_type = "base";
  program.default_subtype = "purchase";
  program.subtypes = {"purchase", "promo"};
  program.point_types = {{"base", true, true, {ExpiryKind::kFixedDays, 365}},
                         {"status", false, true, {}},
                         {"bonus", true, false, {}}};
  program.tiers = {{"gold", 1000, 1500, true}};
  program.actions = {{"register", 50, 1}, {"review", 10, 0}};
  return program;
}

MemberState Member(Points debt = 0, Points qualifying = 0, std::string tier = "") {
  MemberState member;
  member.member_id = "m1";
  member.status = "active";
  member.enrolments = {{"shop", std::move(tier), std::nullopt, debt, kPeriodStart,
                        kPeriodStart + absl::Hours(24 * 365)}};
  if (qualifying != 0) member.totals = {{"shop", "base", qualifying, qualifying}};
  return member;
}

AccrualCommand Purchase(int64_t amount_minor, std::string currency = "USD") {
  AccrualCommand command;
  command.kind = AccrualCommand::Kind::kPurchase;
  command.order_ref = "o1";
  command.amount_minor = amount_minor;
  command.currency = std::move(currency);
  return command;
}

AccrualCommand Adjustment(Points points, std::string point_type = "") {
  AccrualCommand command;
  command.kind = AccrualCommand::Kind::kAdjustment;
  command.points = points;
  command.point_type = std::move(point_type);
  command.description = "goodwill";
  command.actor = "agent-7";
  return command;
}

AccrualCommand Action(std::string code, std::string reference = "") {
  AccrualCommand command;
  command.kind = AccrualCommand::Kind::kAction;
  command.action_code = std::move(code);
  command.action_reference = std::move(reference);
  return command;
}

std::string ReasonOrField(const absl::Status& status) {
  if (status.ok()) return "ok";
  if (std::optional<std::string> reason = ReasonOf(status)) return *reason;
  if (std::optional<std::string> field = FieldOf(status)) return "field " + *field;
  return status.ToString();
}

TEST(DecideAccrualTest, APurchaseEarnsAtTheTiersMultiplierAfterItsHold) {
  const absl::StatusOr<Accrual> accrual =
      DecideAccrual(Program(), Member(0, 1200, "gold"), Purchase(12345), {}, kNow);
  ASSERT_TRUE(accrual.ok()) << accrual.status();
  EXPECT_EQ(accrual->points, 185);  // floor(123.45 x 1.5)
  EXPECT_FALSE(accrual->adjustment);
  EXPECT_EQ(accrual->order_ref, "o1");
  EXPECT_EQ(accrual->type.code, "base");
  EXPECT_EQ(accrual->subtype, "purchase");
  EXPECT_EQ(accrual->available_at, kNow + absl::Hours(24 * 14));
  EXPECT_EQ(accrual->expires_at, kNow + absl::Hours(24 * (14 + 365)));
  EXPECT_EQ(accrual->repayment.credited, 185);
  EXPECT_EQ(accrual->qualifying, 185);
  EXPECT_EQ(accrual->tier, std::nullopt);  // already gold
}

TEST(DecideAccrualTest, DebtIsRepaidFirstAndCrossingAThresholdMovesTheTierUp) {
  const absl::StatusOr<Accrual> accrual =
      DecideAccrual(Program(), Member(30, 950), Purchase(10000), {}, kNow);
  ASSERT_TRUE(accrual.ok()) << accrual.status();
  EXPECT_EQ(accrual->points, 100);
  EXPECT_EQ(accrual->repayment.repaid, 30);
  EXPECT_EQ(accrual->repayment.credited, 70);
  EXPECT_EQ(accrual->tier, "gold");
}

TEST(DecideAccrualTest, APurchasesChangesRecordTheOrderRepayTheDebtAndCreditTheRest) {
  const MemberState before = Member(30, 950);
  const absl::StatusOr<Accrual> accrual =
      DecideAccrual(Program(), before, Purchase(10000), {}, kNow);
  ASSERT_TRUE(accrual.ok()) << accrual.status();
  const std::vector<Change>& changes = accrual->changes.changes;
  ASSERT_EQ(changes.size(), 6u);
  const auto* purchase = std::get_if<PurchaseRecorded>(&changes[0]);
  ASSERT_NE(purchase, nullptr);
  EXPECT_EQ(purchase->order_ref, "o1");
  EXPECT_EQ(purchase->amount_minor, 10000);
  EXPECT_EQ(purchase->points, 100);
  const auto* repaid = std::get_if<EntryChange>(&changes[1]);
  ASSERT_NE(repaid, nullptr);
  EXPECT_EQ(repaid->kind, EntryKind::kOverdraftRepayment);
  EXPECT_EQ(repaid->points, 30);
  const auto* lot = std::get_if<LotCreation>(&changes[2]);
  ASSERT_NE(lot, nullptr);
  EXPECT_EQ(lot->amount, 70);
  EXPECT_EQ(lot->available_at, kNow + absl::Hours(24 * 14));
  const auto* credited = std::get_if<EntryChange>(&changes[3]);
  ASSERT_NE(credited, nullptr);
  EXPECT_EQ(credited->kind, EntryKind::kAccrual);
  EXPECT_EQ(credited->points, 70);
  ASSERT_NE(std::get_if<TotalsChange>(&changes[4]), nullptr);
  ASSERT_NE(std::get_if<EnrolmentChange>(&changes[5]), nullptr);

  const absl::StatusOr<MemberState> after = Apply(accrual->changes, before, kNow);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->enrolments[0].debt, 0);
  EXPECT_EQ(after->enrolments[0].tier, "gold");
  EXPECT_EQ(after->enrolments[0].tier_reached_at, kNow);
  ASSERT_EQ(after->lots.size(), 1u);
  EXPECT_EQ(after->lots[0].remaining, 70);
  EXPECT_EQ(after->totals[0].lifetime, 1050);
  EXPECT_EQ(after->totals[0].qualifying, 1050);
  EXPECT_EQ(ProgramBalanceOf(*after, "shop", kNow + absl::Hours(24 * 14)).available, 70);
}

TEST(DecideAccrualTest, AnActionIsCountedAndAnExplicitAwardRecordsNoOrigin) {
  AccrualCommand action;
  action.kind = AccrualCommand::Kind::kAction;
  action.action_code = "review";
  absl::StatusOr<Accrual> accrual = DecideAccrual(Program(), Member(), action, {}, kNow);
  ASSERT_TRUE(accrual.ok()) << accrual.status();
  const auto* counted = std::get_if<ActionCounted>(&accrual->changes.changes[0]);
  ASSERT_NE(counted, nullptr);
  EXPECT_EQ(counted->action_code, "review");

  accrual = DecideAccrual(Program(), Member(), Adjustment(5), {}, kNow);
  ASSERT_TRUE(accrual.ok()) << accrual.status();
  for (const Change& change : accrual->changes.changes) {
    EXPECT_EQ(std::get_if<PurchaseRecorded>(&change), nullptr);
    EXPECT_EQ(std::get_if<ActionCounted>(&change), nullptr);
  }
}

TEST(DecideAccrualTest, QualifyingOnlyPointsAreAvailableAtOnceAndRepayNoDebt) {
  AccrualCommand command = Adjustment(40, "status");
  command.occurred_at = kNow - absl::Hours(1);
  const absl::StatusOr<Accrual> accrual = DecideAccrual(Program(), Member(25), command, {}, kNow);
  ASSERT_TRUE(accrual.ok()) << accrual.status();
  EXPECT_TRUE(accrual->adjustment);
  EXPECT_EQ(accrual->actor, "agent-7");
  EXPECT_EQ(accrual->available_at, kNow);
  EXPECT_EQ(accrual->expires_at, std::nullopt);
  EXPECT_EQ(accrual->repayment.repaid, 0);
  EXPECT_EQ(accrual->repayment.credited, 40);
  EXPECT_EQ(accrual->qualifying, 40);
}

TEST(DecideAccrualTest, ANegativeAdjustmentTakesTheTypesLotsAndTheRestBecomesDebt) {
  MemberState member = Member();
  Lot base;
  base.lot_id = 1;
  base.program_id = "shop";
  base.point_type = "base";
  base.amount = base.remaining = 30;
  base.available_at = kNow - absl::Hours(1);
  Lot bonus = base;
  bonus.lot_id = 2;
  bonus.point_type = "bonus";
  member.lots = {base, bonus};
  const absl::StatusOr<Accrual> accrual =
      DecideAccrual(Program(), member, Adjustment(-50), {}, kNow);
  ASSERT_TRUE(accrual.ok()) << accrual.status();
  EXPECT_EQ(accrual->points, -50);
  ASSERT_EQ(accrual->removal.takes.size(), 1u);
  EXPECT_EQ(accrual->removal.takes[0].lot_id, 1);
  EXPECT_EQ(accrual->removal.takes[0].points, 30);
  EXPECT_EQ(accrual->removal.shortfall, 20);
  EXPECT_EQ(accrual->qualifying, 0);

  const absl::StatusOr<MemberState> after = Apply(accrual->changes, member, kNow);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->lots[0].remaining, 0);
  EXPECT_EQ(after->lots[1].remaining, 30);  // another point type
  EXPECT_EQ(after->enrolments[0].debt, 20);
  EXPECT_EQ(after->totals[0].lifetime, -50);
}

TEST(DecideAccrualTest, AnActionEarnsItsPointsUpToItsLimit) {
  const absl::StatusOr<Accrual> review =
      DecideAccrual(Program(), Member(), Action("review", "r-9"), {.action_times = 40}, kNow);
  ASSERT_TRUE(review.ok()) << review.status();
  EXPECT_EQ(review->points, 10);
  EXPECT_EQ(review->description, "review r-9");
  EXPECT_EQ(review->available_at, kNow);  // no hold outside purchases
  const absl::StatusOr<Accrual> again =
      DecideAccrual(Program(), Member(), Action("register"), {.action_times = 1}, kNow);
  EXPECT_EQ(ReasonOrField(again.status()), kActionLimitReached);
}

struct RefusalCase {
  std::string name;
  MemberState member;
  AccrualCommand command;
  AccrualFacts facts;
  std::string refusal;  // reason code, or "field <name>"
};

TEST(DecideAccrualTest, Refusals) {
  MemberState suspended = Member();
  suspended.status = "suspended";
  MemberState not_enrolled = Member();
  not_enrolled.enrolments.clear();
  AccrualCommand unknown_type = Purchase(100);
  unknown_type.point_type = "miles";
  AccrualCommand unknown_subtype = Purchase(100);
  unknown_subtype.subtype = "gift";
  AccrualCommand early_expiry = Adjustment(10);
  early_expiry.expires_at = kNow - absl::Hours(1);
  const std::vector<RefusalCase> cases = {
      {"member not active", suspended, Purchase(100), {}, kMemberNotActive},
      {"not enrolled", not_enrolled, Purchase(100), {}, kNotEnrolled},
      {"unknown point type", Member(), unknown_type, {}, "field point_type"},
      {"unknown subtype", Member(), unknown_subtype, {}, "field subtype"},
      {"other currency", Member(), Purchase(100, "EUR"), {}, "field purchase.amount.currency"},
      {"negative amount", Member(), Purchase(-1), {}, "field purchase.amount.minor_units"},
      {"too many points", Member(), Purchase(200'000'000'000'000), {}, kPointsLimitExceeded},
      {"order burned", Member(), Purchase(100), {.order_burned = true}, kEarnAndBurnSameOrder},
      {"order earned", Member(), Purchase(100), {.order_earned = true}, kDuplicateOrder},
      {"burned wins over earned",
       Member(),
       Purchase(100),
       {.order_burned = true, .order_earned = true},
       kEarnAndBurnSameOrder},
      {"unknown action", Member(), Action("tweet"), {}, "field action.action_code"},
      {"expiry before availability", Member(), early_expiry, {}, "field expires_at"},
  };
  for (const RefusalCase& test_case : cases) {
    SCOPED_TRACE(test_case.name);
    const absl::StatusOr<Accrual> accrual =
        DecideAccrual(Program(), test_case.member, test_case.command, test_case.facts, kNow);
    EXPECT_EQ(ReasonOrField(accrual.status()), test_case.refusal);
  }
}

}  // namespace
}  // namespace loyalty::ledger
