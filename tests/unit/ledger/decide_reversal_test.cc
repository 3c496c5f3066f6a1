#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "libs/base/refusal.h"
#include "libs/ledger/reversal.h"

namespace loyalty::ledger {
namespace {

const absl::Time kPeriodStart =
    absl::FromCivil(absl::CivilSecond(2026, 1, 1, 0, 0, 0), absl::UTCTimeZone());

ProgramConfig Program() {
  ProgramConfig program;
  program.program_id = "shop";
  program.point_types = {{"base", true, true, {}}, {"status", false, true, {}}};
  program.tiers = {{"gold", 1000, 1500, true}};
  return program;
}

MemberState Member(Points qualifying, std::string tier, std::optional<absl::Time> reached) {
  MemberState member;
  member.member_id = "m1";
  member.status = "active";
  member.enrolments = {
      {"shop", std::move(tier), reached, 0, kPeriodStart, kPeriodStart + absl::Hours(24 * 365)}};
  member.totals = {{"shop", "base", qualifying, qualifying}};
  return member;
}

PurchaseRecord Order(Points points = 100, std::string type = "base") {
  return {std::move(type), 10000, "USD", points, 0, 0, kPeriodStart};
}

ReturnCommand Partial(int64_t minor) { return {"o1", minor, "USD"}; }
ReturnCommand Full() { return {"o1", std::nullopt, ""}; }

TEST(DecideReversalTest, RepeatedPartialReturnsAddUpToTheOrdersPoints) {
  const MemberState member = Member(100, "", std::nullopt);
  PurchaseRecord order = Order();
  Points total = 0;
  for (const int64_t minor : {3333, 3333, 3334}) {
    const absl::StatusOr<Reversal> reversal =
        DecideReversal(Program(), member, order, Partial(minor), {{7, 1000}});
    ASSERT_TRUE(reversal.ok()) << reversal.status();
    order.returned_minor = reversal->cumulative_returned_minor;
    order.reversed_points += reversal->points;
    total += reversal->points;
  }
  EXPECT_EQ(total, 100);
  EXPECT_EQ(order.returned_minor, 10000);
  const absl::StatusOr<Reversal> after = DecideReversal(Program(), member, order, Full(), {});
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->points, 0);  // nothing left to take
}

TEST(DecideReversalTest, TheOrdersLotsGiveFirstAndWhatWasSpentBecomesDebt) {
  const absl::StatusOr<Reversal> reversal =
      DecideReversal(Program(), Member(100, "", std::nullopt), Order(), Full(), {{4, 15}, {9, 5}});
  ASSERT_TRUE(reversal.ok()) << reversal.status();
  EXPECT_EQ(reversal->points, 100);
  ASSERT_EQ(reversal->takes.size(), 2u);
  EXPECT_EQ(reversal->takes[0].lot_id, 4);
  EXPECT_EQ(reversal->takes[0].points, 15);
  EXPECT_EQ(reversal->takes[1].points, 5);
  EXPECT_EQ(reversal->taken, 20);
  EXPECT_EQ(reversal->debt, 80);
  EXPECT_EQ(reversal->qualifying, -100);

  const std::vector<Change>& changes = reversal->changes.changes;
  ASSERT_EQ(changes.size(), 6u);
  const auto* entry = std::get_if<EntryChange>(&changes[2]);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->kind, EntryKind::kReversal);
  EXPECT_EQ(entry->points, -100);
  EXPECT_EQ(entry->order_ref, "o1");
  const auto* returned = std::get_if<PurchaseReturned>(&changes[5]);
  ASSERT_NE(returned, nullptr);
  EXPECT_EQ(returned->returned_minor, 10000);
  EXPECT_EQ(returned->reversed_points, 100);

  MemberState member = Member(100, "", std::nullopt);
  for (const int64_t id : {4, 9}) {
    Lot lot;
    lot.lot_id = id;
    lot.program_id = "shop";
    lot.point_type = "base";
    lot.amount = lot.remaining = id == 4 ? 15 : 5;
    member.lots.push_back(lot);
  }
  const absl::StatusOr<MemberState> after =
      Apply(reversal->changes, member, kPeriodStart + absl::Hours(24));
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->lots[0].remaining, 0);
  EXPECT_EQ(after->lots[1].remaining, 0);
  EXPECT_EQ(after->enrolments[0].debt, 80);
  EXPECT_EQ(after->totals[0].lifetime, 0);
  EXPECT_EQ(after->totals[0].qualifying, 0);
}

TEST(DecideReversalTest, QualifyingOnlyPointsLeaveNoDebt) {
  const absl::StatusOr<Reversal> reversal =
      DecideReversal(Program(), Member(0, "", std::nullopt), Order(100, "status"), Full(), {});
  ASSERT_TRUE(reversal.ok()) << reversal.status();
  EXPECT_EQ(reversal->taken, 0);
  EXPECT_EQ(reversal->debt, 0);
}

TEST(DecideReversalTest, OnlyATierReachedThisPeriodMovesDown) {
  const absl::Time this_period = kPeriodStart + absl::Hours(24);
  const absl::StatusOr<Reversal> reached_now =
      DecideReversal(Program(), Member(1050, "gold", this_period), Order(), Full(), {{1, 100}});
  ASSERT_TRUE(reached_now.ok());
  EXPECT_EQ(reached_now->tier, "");
  const absl::StatusOr<Reversal> carried = DecideReversal(
      Program(), Member(1050, "gold", kPeriodStart - absl::Hours(24)), Order(), Full(), {{1, 100}});
  ASSERT_TRUE(carried.ok());
  EXPECT_EQ(carried->tier, std::nullopt);
}

TEST(DecideReversalTest, Refusals) {
  MemberState not_enrolled = Member(0, "", std::nullopt);
  not_enrolled.enrolments.clear();
  EXPECT_EQ(ReasonOf(DecideReversal(Program(), not_enrolled, std::nullopt, Full(), {}).status()),
            kNotEnrolled);  // before the unknown order
  const absl::Status unknown =
      DecideReversal(Program(), Member(0, "", std::nullopt), std::nullopt, Full(), {}).status();
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ReasonOf(unknown), "ORDER_NOT_FOUND");
  ReturnCommand other_currency = Partial(100);
  other_currency.currency = "EUR";
  EXPECT_EQ(
      FieldOf(DecideReversal(Program(), Member(0, "", std::nullopt), Order(), other_currency, {})
                  .status()),
      "returned_amount.currency");
}

}  // namespace
}  // namespace loyalty::ledger
