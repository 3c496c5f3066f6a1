#include "libs/ledger/badges.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/ledger/change_set.h"
#include "libs/ledger/dates.h"
#include "tests/unit/ledger/badge_fixture.h"
#include "tests/unit/ledger/change_text.h"

namespace loyalty::ledger {
namespace {

using namespace badge_fixture;  // NOLINT(build/namespaces)

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

// --- Dates ---

struct MonthsCase {
  std::string name;
  absl::Time from;
  absl::Time to;
  int32_t months;
};

TEST(BadgeDatesTest, WholeMonthsBetween) {
  const absl::Time half_past = At(2026, 1, 15, 10) + absl::Milliseconds(500);
  const std::vector<MonthsCase> cases = {
      {"same instant", At(2026, 1, 15, 10), At(2026, 1, 15, 10), 0},
      {"same day later", At(2026, 1, 15, 10), At(2026, 1, 15, 23, 59, 59), 0},
      {"a second before the month", At(2026, 1, 15, 10), At(2026, 2, 15, 9, 59, 59), 0},
      {"exactly a month", At(2026, 1, 15, 10), At(2026, 2, 15, 10), 1},
      {"a second after the month", At(2026, 1, 15, 10), At(2026, 2, 15, 10, 0, 1), 1},
      {"subsecond short of a month", half_past,
       half_past + absl::Hours(24 * 31) - absl::Milliseconds(1), 0},
      {"subsecond month", half_past, half_past + absl::Hours(24 * 31), 1},
      {"Jan 31 to Feb 28 clamps (2025)", At(2025, 1, 31, 12), At(2025, 2, 28, 12), 1},
      {"Jan 31 to Feb 28 a second early", At(2025, 1, 31, 12), At(2025, 2, 28, 11, 59, 59), 0},
      {"Jan 31 to Feb 28 of a leap year", At(2024, 1, 31, 12), At(2024, 2, 28, 12), 0},
      {"Jan 31 to Feb 29 of a leap year", At(2024, 1, 31, 12), At(2024, 2, 29, 12), 1},
      {"Feb 29 to Feb 28 a year on", At(2024, 2, 29), At(2025, 2, 28), 12},
      {"Feb 29 to Feb 27 a year on", At(2024, 2, 29), At(2025, 2, 27), 11},
      {"Mar 31 to Apr 30", At(2026, 3, 31), At(2026, 4, 30), 1},
      {"Jan 31 to Mar 30", At(2026, 1, 31), At(2026, 3, 30), 1},
      {"Jan 31 to Mar 31", At(2026, 1, 31), At(2026, 3, 31), 2},
      {"across a year end", At(2025, 12, 20), At(2026, 1, 20), 1},
      {"to before from", At(2026, 3, 1), At(2026, 2, 1), 0},
      {"to a second before from", At(2026, 3, 1), At(2026, 3, 1) - absl::Seconds(1), 0},
      {"six years", At(2020, 3, 10, 8), At(2026, 3, 10, 8), 72},
      {"six years a second short", At(2020, 3, 10, 8), At(2026, 3, 10, 7, 59, 59), 71},
      {"months then days", At(2023, 5, 20), At(2026, 2, 25), 33},
  };
  for (const MonthsCase& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(WholeMonthsBetween(c.from, c.to), c.months);
  }
}

struct AddMonthsCase {
  std::string name;
  absl::Time at;
  int32_t months;
  absl::Time expected;
};

TEST(BadgeDatesTest, AddMonths) {
  const absl::Duration subsecond = absl::Milliseconds(250);
  const std::vector<AddMonthsCase> cases = {
      {"zero", At(2026, 1, 31, 7), 0, At(2026, 1, 31, 7)},
      {"same day next month", At(2026, 1, 15, 10), 1, At(2026, 2, 15, 10)},
      {"Jan 31 clamps to Feb 28", At(2025, 1, 31, 12), 1, At(2025, 2, 28, 12)},
      {"Jan 31 clamps to Feb 29 in a leap year", At(2024, 1, 31, 12), 1, At(2024, 2, 29, 12)},
      {"Mar 31 clamps to Apr 30", At(2026, 3, 31, 23, 59, 59), 1, At(2026, 4, 30, 23, 59, 59)},
      {"Jan 31 plus two keeps the 31st", At(2026, 1, 31), 2, At(2026, 3, 31)},
      {"across a year end", At(2025, 11, 30, 6), 3, At(2026, 2, 28, 6)},
      {"Feb 29 plus a year", At(2024, 2, 29, 1), 12, At(2025, 2, 28, 1)},
      {"backwards clamps too", At(2026, 3, 31, 5), -1, At(2026, 2, 28, 5)},
      {"time of day and subsecond kept", At(2026, 1, 31, 13, 45, 30) + subsecond, 1,
       At(2026, 2, 28, 13, 45, 30) + subsecond},
  };
  for (const AddMonthsCase& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(AddMonths(c.at, c.months), c.expected);
  }
}

TEST(BadgeDatesTest, DayStart) {
  const struct {
    std::string name;
    absl::Time at;
    absl::Time expected;
  } cases[] = {
      {"noon", At(2026, 3, 1, 12), At(2026, 3, 1)},
      {"midnight is its own day", At(2026, 3, 1), At(2026, 3, 1)},
      {"a nanosecond before midnight", At(2026, 3, 2) - absl::Nanoseconds(1), At(2026, 3, 1)},
      {"leap day", At(2024, 2, 29, 23, 59, 59), At(2024, 2, 29)},
      {"before 1970", At(1969, 12, 31, 18), At(1969, 12, 31)},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(DayStart(c.at), c.expected);
  }
}

// --- Badge ---

TEST(BadgeActiveAtTest, FromIsIncludedToIsExcluded) {
  Badge badge = MakeBadge("b", BadgeCriterion::kTenure, {Level("y1", 12)});
  badge.active_from = kNow;
  badge.active_to = kNow + absl::Hours(24);
  const struct {
    std::string name;
    absl::Time at;
    bool active;
  } cases[] = {
      {"before from", kNow - absl::Nanoseconds(1), false},
      {"at from", kNow, true},
      {"between", kNow + absl::Hours(12), true},
      {"just before to", kNow + absl::Hours(24) - absl::Nanoseconds(1), true},
      {"at to", kNow + absl::Hours(24), false},
      {"after to", kNow + absl::Hours(48), false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(badge.ActiveAt(c.at), c.active);
  }
  badge.active_to = std::nullopt;
  EXPECT_TRUE(badge.ActiveAt(kNow + absl::Hours(24 * 365 * 50)));
  EXPECT_FALSE(badge.ActiveAt(kNow - absl::Seconds(1)));
}

TEST(BadgeCriterionTest, NamesRoundTrip) {
  for (const BadgeCriterion criterion : {BadgeCriterion::kSpendAmount, BadgeCriterion::kSpendPoints,
                                         BadgeCriterion::kTenure, BadgeCriterion::kAdvocacy}) {
    EXPECT_EQ(BadgeCriterionFromName(BadgeCriterionName(criterion)), criterion);
  }
  EXPECT_STREQ(BadgeCriterionName(BadgeCriterion::kSpendPoints), "spend_points");
  EXPECT_EQ(BadgeCriterionFromName("spend"), std::nullopt);
  EXPECT_TRUE(MakeBadge("b", BadgeCriterion::kSpendPoints, {}).IsSpend());
  EXPECT_FALSE(MakeBadge("b", BadgeCriterion::kAdvocacy, {}).IsSpend());
}

// --- BadgeReadsFor ---

struct ReadsCase {
  std::string name;
  std::vector<Badge> badges;
  BadgeTrigger trigger;
  std::vector<int32_t> windows;
  std::vector<std::string> action_codes;
  bool any;
};

TEST(BadgeReadsForTest, Table) {
  using Kind = BadgeTrigger::Kind;
  Badge future = MakeBadge("future", BadgeCriterion::kSpendAmount, {Level("l", 1)}, 7);
  future.active_from = kNow + absl::Seconds(1);
  Badge ended = MakeBadge("ended", BadgeCriterion::kAdvocacy, {Level("l", 1)}, 0, "review");
  ended.active_to = kNow;
  Badge ended_tenure = MakeBadge("ended-tenure", BadgeCriterion::kTenure, {Level("l", 1)});
  ended_tenure.active_to = kNow;
  Badge ended_claw =
      MakeBadge("ended-claw", BadgeCriterion::kSpendAmount, {Level("l", 1, 5, true)}, 90);
  ended_claw.active_to = kNow;
  const Badge spend30 = MakeBadge("s30", BadgeCriterion::kSpendAmount, {Level("l", 1)}, 30);
  const Badge points30 = MakeBadge("p30", BadgeCriterion::kSpendPoints, {Level("l", 1)}, 30);
  const Badge lifetime = MakeBadge("life", BadgeCriterion::kSpendPoints, {Level("l", 1)}, 0);
  const Badge week = MakeBadge("week", BadgeCriterion::kSpendAmount, {Level("l", 1)}, 7);
  const Badge claw30 =
      MakeBadge("c30", BadgeCriterion::kSpendAmount, {Level("a", 1), Level("b", 2, 5, true)}, 30);
  const Badge review = MakeBadge("rev", BadgeCriterion::kAdvocacy, {Level("l", 1)}, 0, "review");
  const Badge review2 = MakeBadge("rev2", BadgeCriterion::kAdvocacy, {Level("l", 2)}, 0, "review");
  const Badge refer = MakeBadge("ref", BadgeCriterion::kAdvocacy, {Level("l", 1)}, 0, "refer");
  const Badge tenure = MakeBadge("ten", BadgeCriterion::kTenure, {Level("l", 1)});
  const std::vector<Badge> all = {future, ended,  ended_tenure, ended_claw, spend30, points30, week,
                                  claw30, review, review2,      refer,      tenure,  lifetime};
  const std::vector<ReadsCase> cases = {
      {"no badges", {}, Trigger(Kind::kPurchase), {}, {}, false},
      {"a purchase reads the active spend windows, deduplicated and sorted",
       all,
       Trigger(Kind::kPurchase),
       {0, 7, 30},
       {},
       true},
      {"a purchase ignores the inactive spend badges",
       {future, ended_claw, review, tenure},
       Trigger(Kind::kPurchase),
       {},
       {},
       false},
      {"an action reads its own code once",
       all,
       Trigger(Kind::kAction, "review"),
       {},
       {"review"},
       true},
      {"another action code", all, Trigger(Kind::kAction, "refer"), {}, {"refer"}, true},
      {"an action no badge measures", all, Trigger(Kind::kAction, "share"), {}, {}, false},
      {"an action of an inactive badge only",
       {ended, spend30},
       Trigger(Kind::kAction, "review"),
       {},
       {},
       false},
      {"tenure reads nothing but has badges", all, Trigger(Kind::kTenure), {}, {}, true},
      {"tenure with only an inactive tenure badge",
       {ended_tenure, spend30},
       Trigger(Kind::kTenure),
       {},
       {},
       false},
      {"a return reads every spend badge, whatever its dates",
       all,
       Trigger(Kind::kReturn),
       {0, 7, 30, 90},
       {},
       true},
      {"a return without spend badges reads nothing",
       {review, tenure},
       Trigger(Kind::kReturn),
       {},
       {},
       false},
  };
  for (const ReadsCase& c : cases) {
    SCOPED_TRACE(c.name);
    const BadgeReads reads = BadgeReadsFor(c.badges, c.trigger, kNow);
    EXPECT_THAT(reads.windows, ElementsAreArray(c.windows));
    EXPECT_THAT(reads.action_codes, ElementsAreArray(c.action_codes));
    EXPECT_EQ(reads.any, c.any);
  }
}

// --- MeasureOf ---

struct MeasureCase {
  std::string name;
  Badge badge;
  absl::Time enrolled_at;
  int64_t measure;
};

TEST(BadgeMeasureOfTest, Table) {
  BadgeFacts facts;
  facts.spend = {{0, {90000, 900}}, {30, {12000, 120}}, {7, {3000, 0}}};
  facts.actions = {{"review", 4}, {"refer", 0}};
  const absl::Time long_ago = At(2020, 1, 1);
  const std::vector<MeasureCase> cases = {
      {"spend amount of its window", MakeBadge("b", BadgeCriterion::kSpendAmount, {}, 30), long_ago,
       12000},
      {"spend points of its window", MakeBadge("b", BadgeCriterion::kSpendPoints, {}, 30), long_ago,
       120},
      {"lifetime amount", MakeBadge("b", BadgeCriterion::kSpendAmount, {}, 0), long_ago, 90000},
      {"lifetime points", MakeBadge("b", BadgeCriterion::kSpendPoints, {}, 0), long_ago, 900},
      {"a window of zero points", MakeBadge("b", BadgeCriterion::kSpendPoints, {}, 7), long_ago, 0},
      {"a window not read", MakeBadge("b", BadgeCriterion::kSpendAmount, {}, 90), long_ago, 0},
      {"advocacy count", MakeBadge("b", BadgeCriterion::kAdvocacy, {}, 0, "review"), long_ago, 4},
      {"advocacy code not read", MakeBadge("b", BadgeCriterion::kAdvocacy, {}, 0, "share"),
       long_ago, 0},
      {"advocacy ignores the window", MakeBadge("b", BadgeCriterion::kAdvocacy, {}, 30, "review"),
       long_ago, 4},
      {"tenure in whole months", MakeBadge("b", BadgeCriterion::kTenure, {}), At(2025, 9, 30, 12),
       5},
      {"tenure exactly a year", MakeBadge("b", BadgeCriterion::kTenure, {}), At(2025, 3, 1, 12),
       12},
      {"tenure a second short of a year", MakeBadge("b", BadgeCriterion::kTenure, {}),
       At(2025, 3, 1, 12, 0, 1), 11},
      {"tenure since 2020", MakeBadge("b", BadgeCriterion::kTenure, {}), long_ago, 74},
      {"enrolled later than now", MakeBadge("b", BadgeCriterion::kTenure, {}),
       kNow + absl::Hours(1), 0},
  };
  for (const MeasureCase& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(MeasureOf(c.badge, facts, c.enrolled_at, kNow), c.measure);
  }
}

// --- LevelsReached ---

struct LevelsCase {
  std::string name;
  std::vector<std::string> held;  // level codes held of badge "b"
  int64_t measure;
  std::vector<int32_t> reached;
};

TEST(BadgeLevelsReachedTest, Table) {
  const Badge badge = MakeBadge("b", BadgeCriterion::kSpendAmount,
                                {Level("l1", 100), Level("l2", 200), Level("l3", 300)});
  const std::vector<LevelsCase> cases = {
      {"nothing measured", {}, 0, {}},
      {"below the first threshold", {}, 99, {}},
      {"exactly at the first threshold", {}, 100, {0}},
      {"between the first two", {}, 199, {0}},
      {"exactly at the second, crossing two at once", {}, 200, {0, 1}},
      {"all three at once", {}, 1000, {0, 1, 2}},
      {"held levels are skipped", {"l1"}, 300, {1, 2}},
      {"all reached are held", {"l1", "l2"}, 250, {}},
      {"all held", {"l1", "l2", "l3"}, 1000, {}},
      {"a held later level: the earlier one is awarded when reached", {"l2"}, 150, {0}},
      {"a held later level is skipped, the next awarded", {"l2"}, 300, {0, 2}},
      {"a held later level: nothing while the first is not reached", {"l2"}, 50, {}},
      {"stops at the first unreached level", {"l1"}, 199, {}},
  };
  for (const LevelsCase& c : cases) {
    SCOPED_TRACE(c.name);
    BadgeFacts facts;
    for (const std::string& code : c.held) facts.held.push_back(HeldLevel("b", code));
    EXPECT_THAT(LevelsReached(badge, facts, c.measure), ElementsAreArray(c.reached));
  }
  // Levels come by ascending threshold; were one out of order, the first level not reached
  // would still stop the award (levels are never skipped).
  const Badge unordered = MakeBadge("u", BadgeCriterion::kSpendAmount,
                                    {Level("l1", 100), Level("l2", 300), Level("l3", 200)});
  EXPECT_THAT(LevelsReached(unordered, BadgeFacts{}, 250), ElementsAre(0));
}

TEST(BadgeLevelsReachedTest, ALevelHeldOfAnotherBadgeDoesNotCount) {
  const Badge badge =
      MakeBadge("b", BadgeCriterion::kSpendAmount, {Level("l1", 100), Level("l2", 200)});
  BadgeFacts facts;
  facts.held = {HeldLevel("other", "l1"), HeldLevel("other", "l2")};
  EXPECT_THAT(LevelsReached(badge, facts, 250), ElementsAre(0, 1));
  EXPECT_EQ(facts.FindHeld("b", "l1"), nullptr);
  ASSERT_NE(facts.FindHeld("other", "l2"), nullptr);
  EXPECT_EQ(facts.FindHeld("other", "l2")->level_code, "l2");
}

// --- Facts after a purchase, a return, an action ---

TEST(BadgeFactsTest, AfterPurchaseAddsToEveryWindowRead) {
  BadgeFacts facts;
  facts.spend = {{0, {10000, 100}}, {30, {500, 5}}, {7, {0, 0}}};
  facts.actions = {{"review", 2}};
  const BadgeFacts after = AfterPurchase(facts, 2500, 25);
  EXPECT_EQ(SpendText(after), "0:12500/125 7:2500/25 30:3000/30");
  EXPECT_EQ(after.actions.at("review"), 2);
  EXPECT_EQ(SpendText(facts), "0:10000/100 7:0/0 30:500/5");  // taken by value

  BadgeFacts none;
  EXPECT_THAT(AfterPurchase(none, 100, 1).spend, IsEmpty());  // no window read, none added

  BadgeFacts full;
  full.spend = {{0, {std::numeric_limits<int64_t>::max() - 5, 7}}};
  const BadgeFacts saturated = AfterPurchase(full, 100, 1);
  EXPECT_EQ(saturated.spend.at(0).amount_minor, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(saturated.spend.at(0).points, 8);
}

struct ReturnCase {
  std::string name;
  absl::Time purchase_day;
  std::string spend;  // after returning 1000 minor units and 10 points
};

TEST(BadgeFactsTest, AfterReturnLowersTheWindowsThatStillHoldThePurchaseDay) {
  BadgeFacts facts;
  facts.spend = {{0, {10000, 100}}, {1, {10000, 100}}, {7, {10000, 100}}, {30, {10000, 100}}};
  const std::vector<ReturnCase> cases = {
      {"bought today", At(2026, 3, 1, 0), "0:9000/90 1:9000/90 7:9000/90 30:9000/90"},
      {"bought later today", At(2026, 3, 1, 23, 59, 59),
       "0:9000/90 1:9000/90 7:9000/90 30:9000/90"},
      {"bought yesterday: a 1-day window holds only today", At(2026, 2, 28, 23, 59, 59),
       "0:9000/90 1:10000/100 7:9000/90 30:9000/90"},
      {"6 days ago is in the 7-day window", At(2026, 2, 23, 0),
       "0:9000/90 1:10000/100 7:9000/90 30:9000/90"},
      {"7 days ago is not", At(2026, 2, 22, 23, 59, 59),
       "0:9000/90 1:10000/100 7:10000/100 30:9000/90"},
      {"29 days ago is in the 30-day window", At(2026, 1, 31, 8),
       "0:9000/90 1:10000/100 7:10000/100 30:9000/90"},
      {"30 days ago is not", At(2026, 1, 30, 8), "0:9000/90 1:10000/100 7:10000/100 30:10000/100"},
      {"lifetime always lowered", At(2020, 6, 1), "0:9000/90 1:10000/100 7:10000/100 30:10000/100"},
  };
  for (const ReturnCase& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(SpendText(AfterReturn(facts, c.purchase_day, kNow, 1000, 10)), c.spend);
  }
}

TEST(BadgeFactsTest, AfterActionCountsTheCodeRead) {
  BadgeFacts facts;
  facts.actions = {{"review", 0}, {"refer", 3}};
  facts.spend = {{0, {100, 1}}};
  BadgeFacts after = AfterAction(facts, "review");
  EXPECT_EQ(after.actions.at("review"), 1);
  EXPECT_EQ(after.actions.at("refer"), 3);
  EXPECT_EQ(SpendText(after), "0:100/1");
  after = AfterAction(after, "refer");
  EXPECT_EQ(after.actions.at("refer"), 4);
  after = AfterAction(after, "share");  // not read: no badge measures it
  EXPECT_EQ(after.actions.count("share"), 0u);
  EXPECT_EQ(after.actions.size(), 2u);
}

}  // namespace
}  // namespace loyalty::ledger
