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
#include "tests/unit/ledger/change_text.h"

namespace loyalty::ledger {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

absl::Time At(int64_t year, int month, int day, int hour = 0, int minute = 0, int second = 0) {
  return absl::FromCivil(absl::CivilSecond(year, month, day, hour, minute, second),
                         absl::UTCTimeZone());
}

const absl::Time kNow = At(2026, 3, 1, 12);
const absl::Time kPeriodStart = At(2026, 1, 1);

BadgeLevel Level(std::string code, int64_t threshold, Points bonus = 0, bool claw_back = false,
                 std::string bonus_type = "", std::string benefit = "") {
  BadgeLevel level;
  level.code = std::move(code);
  level.name = level.code;
  level.threshold = threshold;
  level.bonus_points = bonus;
  level.bonus_point_type = std::move(bonus_type);
  level.benefit_code = std::move(benefit);
  level.claw_back = claw_back;
  return level;
}

// A badge active since a year before kNow, with no end.
Badge MakeBadge(std::string id, BadgeCriterion criterion, std::vector<BadgeLevel> levels,
                int32_t window_days = 0, std::string action_code = "") {
  Badge badge;
  badge.badge_id = std::move(id);
  badge.name = badge.badge_id;
  badge.criterion = criterion;
  badge.window_days = window_days;
  badge.action_code = std::move(action_code);
  badge.active_from = kNow - absl::Hours(24 * 365);
  badge.updated_at = badge.active_from;
  badge.levels = std::move(levels);
  return badge;
}

Badge BigSpender() {
  Badge badge = MakeBadge(
      "big-spender", BadgeCriterion::kSpendAmount,
      {Level("bronze", 10000, 100, true), Level("silver", 50000, 500, true, "", "free-shipping"),
       Level("gold", 100000, 1000, false)});
  badge.version = 3;
  return badge;
}

// "shop": base (redeemable, counts toward tiers, expires after a year), bonus (redeemable, not
// counted), status (counted, not redeemable); gold at 1000 qualifying points. Its badges by id.
ProgramConfig Program() {
  ProgramConfig program;
  program.program_id = "shop";
  program.status = "active";
  program.currency = "USD";
  program.earn_rate = {1, 100};
  program.hold_days = 14;
  program.default_point_type = "base";
  program.default_subtype = "purchase";
  program.subtypes = {"purchase", "promo"};
  program.point_types = {{"base", true, true, {ExpiryKind::kFixedDays, 365}},
                         {"bonus", true, false, {}},
                         {"status", false, true, {}}};
  program.tiers = {{"gold", 1000, 1500, true}};
  program.badges = {
      BigSpender(),
      MakeBadge("monthly", BadgeCriterion::kSpendPoints, {Level("p100", 100)}, 30),
      MakeBadge("referrer", BadgeCriterion::kAdvocacy, {Level("one", 1)}, 0, "refer"),
      // claw_back on an advocacy level is meaningless: awarded as kept.
      MakeBadge("reviewer", BadgeCriterion::kAdvocacy, {Level("r1", 1), Level("r5", 5, 50, true)},
                0, "review"),
      MakeBadge("veteran", BadgeCriterion::kTenure, {Level("y1", 12), Level("y2", 24)}),
  };
  return program;
}

MemberState Member(Points debt = 0, Points qualifying = 0, std::string tier = "",
                   std::optional<absl::Time> tier_reached_at = std::nullopt) {
  MemberState member;
  member.member_id = "m1";
  member.kind = "individual";
  member.status = "active";
  member.enrolments = {{"shop", std::move(tier), tier_reached_at, debt, kPeriodStart,
                        kPeriodStart + absl::Hours(24 * 365)}};
  if (qualifying != 0) member.totals = {{"shop", "base", qualifying, qualifying}};
  return member;
}

Lot MakeLot(int64_t lot_id, std::string point_type, Points remaining, Points held = 0,
            Points amount = 0) {
  Lot lot;
  lot.lot_id = lot_id;
  lot.program_id = "shop";
  lot.point_type = std::move(point_type);
  lot.subtype = "purchase";
  lot.amount = amount == 0 ? remaining : amount;
  lot.remaining = remaining;
  lot.held = held;
  lot.awarded_at = kNow - absl::Hours(48);
  lot.available_at = kNow - absl::Hours(48);
  return lot;
}

HeldBadgeLevel HeldLevel(std::string badge_id, std::string level_code) {
  HeldBadgeLevel held;
  held.badge_id = std::move(badge_id);
  held.level_code = std::move(level_code);
  return held;
}

// The changes as texts: the badge changes here, the others as ChangeTexts writes them.
std::vector<std::string> Texts(const ChangeSet& changes) {
  std::vector<std::string> texts;
  for (const Change& change : changes.changes) {
    if (const auto* a = std::get_if<BadgeAwarded>(&change)) {
      texts.push_back(absl::StrCat("award ", a->member_id, " ", a->program_id, "/", a->badge_id,
                                   " v", a->badge_version, " ", a->level_code, " #",
                                   a->level_number, " at ", a->threshold, " order='", a->order_ref,
                                   "' bonus ", a->bonus_points, " '", a->bonus_point_type, "' ",
                                   a->bonus_lot ? "lot" : "no-lot", " benefit='", a->benefit_code,
                                   "' ", a->claw_back ? "claw-back" : "kept"));
    } else if (const auto* c = std::get_if<BadgeBonusClawedBack>(&change)) {
      texts.push_back(absl::StrCat("clawed back ", c->member_id, " ", c->program_id, "/",
                                   c->badge_id, " ", c->level_code));
    } else {
      texts.push_back(ChangeTexts(ChangeSet{{change}})[0]);
    }
  }
  return texts;
}

std::string SpendText(const BadgeFacts& facts) {
  return absl::StrJoin(facts.spend, " ", [](std::string* out, const auto& window_sum) {
    absl::StrAppend(out, window_sum.first, ":", window_sum.second.amount_minor, "/",
                    window_sum.second.points);
  });
}

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

BadgeTrigger Trigger(BadgeTrigger::Kind kind, std::string action_code = "") {
  BadgeTrigger trigger;
  trigger.kind = kind;
  trigger.action_code = std::move(action_code);
  return trigger;
}

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

// --- DecideBadgeAwards ---

BadgeTrigger PurchaseTrigger(std::string order_ref = "o1") {
  BadgeTrigger trigger;
  trigger.kind = BadgeTrigger::Kind::kPurchase;
  trigger.order_ref = std::move(order_ref);
  return trigger;
}

BadgeTrigger ActionTrigger(std::string code) {
  BadgeTrigger trigger;
  trigger.kind = BadgeTrigger::Kind::kAction;
  trigger.action_code = std::move(code);
  trigger.order_ref = "o-ignored";
  return trigger;
}

BadgeTrigger TenureTrigger(absl::Time enrolled_at) {
  BadgeTrigger trigger;
  trigger.kind = BadgeTrigger::Kind::kTenure;
  trigger.enrolled_at = enrolled_at;
  trigger.order_ref = "o-ignored";
  return trigger;
}

// Facts where every badge of Program() has something to award.
BadgeFacts RichFacts() {
  BadgeFacts facts;
  facts.spend = {{0, {60000, 600}}, {30, {20000, 200}}};
  facts.actions = {{"refer", 3}, {"review", 5}};
  return facts;
}

const char kBaseLot100[] =
    "create m1 shop/base/purchase 100 available 2026-03-01T12:00:00Z expires "
    "2027-03-01T12:00:00Z order='' origin none";
const char kBaseLot500[] =
    "create m1 shop/base/purchase 500 available 2026-03-01T12:00:00Z expires "
    "2027-03-01T12:00:00Z order='' origin none";

struct AwardCase {
  std::string name;
  ProgramConfig program;
  MemberState member;
  BadgeFacts facts;
  BadgeTrigger trigger;
  std::vector<std::string> changes;
};

TEST(DecideBadgeAwardsTest, Table) {
  MemberState suspended = Member();
  suspended.status = "suspended";
  ProgramConfig inactive = Program();
  for (Badge& badge : inactive.badges) {
    if (badge.badge_id == "big-spender" || badge.badge_id == "reviewer") {
      badge.active_to = kNow;
    } else {
      badge.active_from = kNow + absl::Seconds(1);
    }
  }
  ProgramConfig bonus_type = Program();
  bonus_type.badges[0].levels[0].bonus_point_type = "bonus";
  BadgeFacts bronze_held = RichFacts();
  bronze_held.held = {HeldLevel("big-spender", "bronze"), HeldLevel("monthly", "p100")};
  BadgeFacts lifetime_only;
  lifetime_only.spend = {{0, {60000, 0}}};
  BadgeFacts bronze_only;
  bronze_only.spend = {{0, {10000, 0}}};

  const std::vector<AwardCase> cases = {
      {"a purchase awards spend badges only, in order, with their bonuses",
       Program(),
       Member(),
       RichFacts(),
       PurchaseTrigger(),
       {kBaseLot100, "entry m1 shop/base accrual 100 order='' 'badge big-spender bronze' actor=''",
        "totals m1 shop/base lifetime 100 qualifying 100", "enrolment m1 shop debt 0 active",
        "award m1 shop/big-spender v3 bronze #1 at 10000 order='o1' bonus 100 'base' lot "
        "benefit='' claw-back",
        kBaseLot500, "entry m1 shop/base accrual 500 order='' 'badge big-spender silver' actor=''",
        "totals m1 shop/base lifetime 500 qualifying 500", "enrolment m1 shop debt 0 active",
        "award m1 shop/big-spender v3 silver #2 at 50000 order='o1' bonus 500 'base' lot "
        "benefit='free-shipping' claw-back",
        "award m1 shop/monthly v1 p100 #1 at 100 order='o1' bonus 0 '' no-lot benefit='' kept"}},
      {"held levels are not awarded again",
       Program(),
       Member(),
       bronze_held,
       PurchaseTrigger(),
       {kBaseLot500, "entry m1 shop/base accrual 500 order='' 'badge big-spender silver' actor=''",
        "totals m1 shop/base lifetime 500 qualifying 500", "enrolment m1 shop debt 0 active",
        "award m1 shop/big-spender v3 silver #2 at 50000 order='o1' bonus 500 'base' lot "
        "benefit='free-shipping' claw-back"}},
      {"an action awards only the advocacy badges of its code, without the order",
       Program(),
       Member(),
       RichFacts(),
       ActionTrigger("review"),
       {"award m1 shop/reviewer v1 r1 #1 at 1 order='' bonus 0 '' no-lot benefit='' kept",
        "create m1 shop/base/purchase 50 available 2026-03-01T12:00:00Z expires "
        "2027-03-01T12:00:00Z order='' origin none",
        "entry m1 shop/base accrual 50 order='' 'badge reviewer r5' actor=''",
        "totals m1 shop/base lifetime 50 qualifying 50", "enrolment m1 shop debt 0 active",
        "award m1 shop/reviewer v1 r5 #2 at 5 order='' bonus 50 'base' lot benefit='' kept"}},
      {"the other action code",
       Program(),
       Member(),
       RichFacts(),
       ActionTrigger("refer"),
       {"award m1 shop/referrer v1 one #1 at 1 order='' bonus 0 '' no-lot benefit='' kept"}},
      {"an action no badge measures awards nothing",
       Program(),
       Member(),
       RichFacts(),
       ActionTrigger("share"),
       {}},
      {"tenure awards the whole months reached",
       Program(),
       Member(),
       RichFacts(),
       TenureTrigger(AddMonths(kNow, -13)),
       {"award m1 shop/veteran v1 y1 #1 at 12 order='' bonus 0 '' no-lot benefit='' kept"}},
      {"tenure a second short of a year awards nothing",
       Program(),
       Member(),
       RichFacts(),
       TenureTrigger(AddMonths(kNow, -12) + absl::Seconds(1)),
       {}},
      {"tenure of two years awards both levels",
       Program(),
       Member(),
       RichFacts(),
       TenureTrigger(AddMonths(kNow, -24)),
       {"award m1 shop/veteran v1 y1 #1 at 12 order='' bonus 0 '' no-lot benefit='' kept",
        "award m1 shop/veteran v1 y2 #2 at 24 order='' bonus 0 '' no-lot benefit='' kept"}},
      {"badges not active now award nothing",
       inactive,
       Member(),
       RichFacts(),
       PurchaseTrigger(),
       {}},
      {"inactive advocacy badges award nothing",
       inactive,
       Member(),
       RichFacts(),
       ActionTrigger("review"),
       {}},
      {"a suspended member gets nothing", Program(), suspended, RichFacts(), PurchaseTrigger(), {}},
      {"a missing window measures 0",
       Program(),
       Member(),
       lifetime_only,
       PurchaseTrigger(""),
       {kBaseLot100, "entry m1 shop/base accrual 100 order='' 'badge big-spender bronze' actor=''",
        "totals m1 shop/base lifetime 100 qualifying 100", "enrolment m1 shop debt 0 active",
        "award m1 shop/big-spender v3 bronze #1 at 10000 order='' bonus 100 'base' lot "
        "benefit='' claw-back",
        kBaseLot500, "entry m1 shop/base accrual 500 order='' 'badge big-spender silver' actor=''",
        "totals m1 shop/base lifetime 500 qualifying 500", "enrolment m1 shop debt 0 active",
        "award m1 shop/big-spender v3 silver #2 at 50000 order='' bonus 500 'base' lot "
        "benefit='free-shipping' claw-back"}},
      {"debt is repaid first, the rest goes to the lot",
       Program(),
       Member(/*debt=*/30),
       lifetime_only,
       PurchaseTrigger(),
       {"entry m1 shop/base overdraft_repayment 30 order='' 'badge big-spender bronze' actor=''",
        "create m1 shop/base/purchase 70 available 2026-03-01T12:00:00Z expires "
        "2027-03-01T12:00:00Z order='' origin none",
        "entry m1 shop/base accrual 70 order='' 'badge big-spender bronze' actor=''",
        "totals m1 shop/base lifetime 100 qualifying 100", "enrolment m1 shop debt -30 active",
        "award m1 shop/big-spender v3 bronze #1 at 10000 order='o1' bonus 100 'base' lot "
        "benefit='' claw-back",
        kBaseLot500, "entry m1 shop/base accrual 500 order='' 'badge big-spender silver' actor=''",
        "totals m1 shop/base lifetime 500 qualifying 500", "enrolment m1 shop debt 0 active",
        "award m1 shop/big-spender v3 silver #2 at 50000 order='o1' bonus 500 'base' lot "
        "benefit='free-shipping' claw-back"}},
      {"a bonus that all repays debt has no lot; the next level repays the rest",
       Program(),
       Member(/*debt=*/150),
       lifetime_only,
       PurchaseTrigger(),
       {"entry m1 shop/base overdraft_repayment 100 order='' 'badge big-spender bronze' actor=''",
        "totals m1 shop/base lifetime 100 qualifying 100", "enrolment m1 shop debt -100 active",
        "award m1 shop/big-spender v3 bronze #1 at 10000 order='o1' bonus 100 'base' no-lot "
        "benefit='' claw-back",
        "entry m1 shop/base overdraft_repayment 50 order='' 'badge big-spender silver' actor=''",
        "create m1 shop/base/purchase 450 available 2026-03-01T12:00:00Z expires "
        "2027-03-01T12:00:00Z order='' origin none",
        "entry m1 shop/base accrual 450 order='' 'badge big-spender silver' actor=''",
        "totals m1 shop/base lifetime 500 qualifying 500", "enrolment m1 shop debt -50 active",
        "award m1 shop/big-spender v3 silver #2 at 50000 order='o1' bonus 500 'base' lot "
        "benefit='free-shipping' claw-back"}},
      {"a bonus moves the tier up once",
       Program(),
       Member(0, /*qualifying=*/950),
       lifetime_only,
       PurchaseTrigger(),
       {kBaseLot100, "entry m1 shop/base accrual 100 order='' 'badge big-spender bronze' actor=''",
        "totals m1 shop/base lifetime 100 qualifying 100",
        "enrolment m1 shop debt 0 tier 'gold' active",
        "award m1 shop/big-spender v3 bronze #1 at 10000 order='o1' bonus 100 'base' lot "
        "benefit='' claw-back",
        kBaseLot500, "entry m1 shop/base accrual 500 order='' 'badge big-spender silver' actor=''",
        "totals m1 shop/base lifetime 500 qualifying 500", "enrolment m1 shop debt 0 active",
        "award m1 shop/big-spender v3 silver #2 at 50000 order='o1' bonus 500 'base' lot "
        "benefit='free-shipping' claw-back"}},
      {"a level's own point type",
       bonus_type,
       Member(),
       bronze_only,
       PurchaseTrigger(),
       {"create m1 shop/bonus/purchase 100 available 2026-03-01T12:00:00Z expires never "
        "order='' origin none",
        "entry m1 shop/bonus accrual 100 order='' 'badge big-spender bronze' actor=''",
        "totals m1 shop/bonus lifetime 100 qualifying 0", "enrolment m1 shop debt 0 active",
        "award m1 shop/big-spender v3 bronze #1 at 10000 order='o1' bonus 100 'bonus' lot "
        "benefit='' claw-back"}},
  };
  for (const AwardCase& c : cases) {
    SCOPED_TRACE(c.name);
    const absl::StatusOr<BadgeDecision> decision =
        DecideBadgeAwards(c.program, c.member, c.facts, c.trigger, kNow);
    ASSERT_TRUE(decision.ok()) << decision.status();
    EXPECT_THAT(Texts(decision->changes), ElementsAreArray(c.changes));
    // Every award in the change set is in `awarded`, in the same order.
    std::vector<std::string> awarded;
    for (const Change& change : decision->changes.changes) {
      if (const auto* a = std::get_if<BadgeAwarded>(&change)) {
        awarded.push_back(absl::StrCat(a->badge_id, " ", a->level_code));
      }
    }
    std::vector<std::string> listed;
    for (const BadgeAwarded& a : decision->awarded) {
      listed.push_back(absl::StrCat(a.badge_id, " ", a.level_code));
    }
    EXPECT_EQ(listed, awarded);
    EXPECT_THAT(decision->clawed_back, IsEmpty());
  }
}

TEST(DecideBadgeAwardsTest, TwoLevelsComeInOrderAndTheStateMovesOnPastEachBonus) {
  const MemberState member = Member(/*debt=*/30);
  const absl::StatusOr<BadgeDecision> decision =
      DecideBadgeAwards(Program(), member, RichFacts(), PurchaseTrigger(), kNow);
  ASSERT_TRUE(decision.ok()) << decision.status();
  ASSERT_EQ(decision->awarded.size(), 3u);
  const BadgeAwarded& bronze = decision->awarded[0];
  EXPECT_EQ(bronze.member_id, "m1");
  EXPECT_EQ(bronze.program_id, "shop");
  EXPECT_EQ(bronze.badge_id, "big-spender");
  EXPECT_EQ(bronze.badge_version, 3);
  EXPECT_EQ(bronze.level_code, "bronze");
  EXPECT_EQ(bronze.level_number, 1);
  EXPECT_EQ(bronze.threshold, 10000);
  EXPECT_EQ(bronze.order_ref, "o1");
  EXPECT_EQ(bronze.bonus_points, 100);
  EXPECT_EQ(bronze.bonus_point_type, "base");  // the default filled in
  EXPECT_TRUE(bronze.bonus_lot);
  EXPECT_TRUE(bronze.claw_back);
  const BadgeAwarded& silver = decision->awarded[1];
  EXPECT_EQ(silver.level_code, "silver");
  EXPECT_EQ(silver.level_number, 2);
  EXPECT_EQ(silver.benefit_code, "free-shipping");
  EXPECT_EQ(decision->awarded[2].badge_id, "monthly");
  EXPECT_EQ(decision->awarded[2].level_number, 1);
  EXPECT_FALSE(decision->awarded[2].claw_back);

  // The bonus lot is the LotCreation just before each award with bonus_lot.
  const std::vector<Change>& changes = decision->changes.changes;
  for (size_t i = 0; i < changes.size(); ++i) {
    const auto* award = std::get_if<BadgeAwarded>(&changes[i]);
    if (award == nullptr || !award->bonus_lot) continue;
    SCOPED_TRACE(award->level_code);
    ASSERT_GE(i, 4u);
    const auto* lot = std::get_if<LotCreation>(&changes[i - 4]);
    ASSERT_NE(lot, nullptr);
    const auto* entry = std::get_if<EntryChange>(&changes[i - 3]);
    ASSERT_NE(entry, nullptr);
    EXPECT_EQ(entry->kind, EntryKind::kAccrual);
    EXPECT_EQ(entry->description, absl::StrCat("badge big-spender ", award->level_code));
    EXPECT_EQ(lot->amount, entry->points);
  }

  const absl::StatusOr<MemberState> after = Apply(decision->changes, member, kNow);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->enrolments[0].debt, 0);
  ASSERT_EQ(after->lots.size(), 2u);
  EXPECT_EQ(after->lots[0].remaining, 70);
  EXPECT_EQ(after->lots[1].remaining, 500);
  ASSERT_EQ(after->totals.size(), 1u);
  EXPECT_EQ(after->totals[0].lifetime, 600);
}

TEST(DecideBadgeAwardsTest, AnUnknownBonusPointTypeIsInvalidArgument) {
  ProgramConfig program = Program();
  program.badges[0].levels[1].bonus_point_type = "miles";
  const absl::StatusOr<BadgeDecision> decision =
      DecideBadgeAwards(program, Member(), RichFacts(), PurchaseTrigger(), kNow);
  EXPECT_EQ(decision.status().code(), absl::StatusCode::kInvalidArgument);

  // Below the level of the unknown type, nothing asks for it.
  BadgeFacts low;
  low.spend = {{0, {10000, 0}}};
  const absl::StatusOr<BadgeDecision> bronze_only =
      DecideBadgeAwards(program, Member(), low, PurchaseTrigger(), kNow);
  ASSERT_TRUE(bronze_only.ok()) << bronze_only.status();
  ASSERT_EQ(bronze_only->awarded.size(), 1u);
  EXPECT_EQ(bronze_only->awarded[0].level_code, "bronze");
}

// --- DecideBonusClawbacks ---

HeldBadgeLevel Held(std::string level, int64_t threshold, Points bonus,
                    std::optional<int64_t> lot_id, std::string type = "base",
                    std::string badge_id = "big-spender") {
  HeldBadgeLevel held;
  held.badge_id = std::move(badge_id);
  held.level_code = std::move(level);
  held.threshold = threshold;
  held.bonus_points = bonus;
  held.bonus_point_type = std::move(type);
  held.bonus_lot_id = lot_id;
  held.claw_back = true;
  return held;
}

struct ClawbackCase {
  std::string name;
  std::vector<HeldBadgeLevel> held;
  std::vector<Lot> lots;
  int64_t before;  // lifetime spend amount
  int64_t after;
  std::vector<std::string> changes;
};

TEST(DecideBadgeBonusClawbacksTest, Table) {
  const HeldBadgeLevel bronze = Held("bronze", 10000, 100, 7);
  const HeldBadgeLevel silver = Held("silver", 50000, 500, 8);
  HeldBadgeLevel kept = bronze;
  kept.claw_back = false;
  HeldBadgeLevel done = bronze;
  done.clawed_back = true;
  HeldBadgeLevel no_bonus = bronze;
  no_bonus.bonus_points = 0;
  HeldBadgeLevel gone_badge = bronze;
  gone_badge.badge_id = "retired";
  HeldBadgeLevel advocacy = Held("r5", 5, 50, 7, "base", "reviewer");
  const std::vector<Lot> lot7 = {MakeLot(7, "base", 60, 0, 100)};
  const std::string entry_bronze =
      "entry m1 shop/base reversal -100 order='' 'badge big-spender bronze clawed back' actor=''";
  const std::string totals_bronze = "totals m1 shop/base lifetime -100 qualifying -100";
  const std::string clawed_bronze = "clawed back m1 shop/big-spender bronze";

  const std::vector<ClawbackCase> cases = {
      {"the lot's free points first, the rest becomes debt",
       {bronze},
       lot7,
       12000,
       9000,
       {"consume m1 lot 7 60", entry_bronze, totals_bronze, "enrolment m1 shop debt 40 active",
        clawed_bronze}},
      {"from exactly the threshold to just below",
       {bronze},
       lot7,
       10000,
       9999,
       {"consume m1 lot 7 60", entry_bronze, totals_bronze, "enrolment m1 shop debt 40 active",
        clawed_bronze}},
      {"the lot holds it all",
       {bronze},
       {MakeLot(7, "base", 100)},
       12000,
       0,
       {"consume m1 lot 7 100", entry_bronze, totals_bronze, "enrolment m1 shop debt 0 active",
        clawed_bronze}},
      {"points held by a reservation are not taken",
       {bronze},
       {MakeLot(7, "base", 60, /*held=*/50, 100)},
       12000,
       9000,
       {"consume m1 lot 7 10", entry_bronze, totals_bronze, "enrolment m1 shop debt 90 active",
        clawed_bronze}},
      {"the lot is gone: all debt",
       {bronze},
       {MakeLot(9, "base", 500)},
       12000,
       9000,
       {entry_bronze, totals_bronze, "enrolment m1 shop debt 100 active", clawed_bronze}},
      {"no bonus lot (the bonus repaid debt): all debt",
       {Held("bronze", 10000, 100, std::nullopt)},
       lot7,
       12000,
       9000,
       {entry_bronze, totals_bronze, "enrolment m1 shop debt 100 active", clawed_bronze}},
      {"a type not redeemable leaves no debt",
       {Held("bronze", 10000, 100, 7, "status")},
       {MakeLot(7, "status", 60, 0, 100)},
       12000,
       9000,
       {"consume m1 lot 7 60",
        "entry m1 shop/status reversal -60 order='' 'badge big-spender bronze clawed back' "
        "actor=''",
        "totals m1 shop/status lifetime -100 qualifying -100", "enrolment m1 shop debt 0 active",
        clawed_bronze}},
      {"a type not counted toward tiers lowers no qualifying points",
       {Held("bronze", 10000, 100, 7, "bonus")},
       {MakeLot(7, "bonus", 60, 0, 100)},
       12000,
       9000,
       {"consume m1 lot 7 60",
        "entry m1 shop/bonus reversal -100 order='' 'badge big-spender bronze clawed back' "
        "actor=''",
        "totals m1 shop/bonus lifetime -100 qualifying 0", "enrolment m1 shop debt 40 active",
        clawed_bronze}},
      {"two levels at once, in the order held",
       {bronze, silver},
       {MakeLot(7, "base", 60, 0, 100), MakeLot(8, "base", 500)},
       60000,
       9000,
       {"consume m1 lot 7 60", entry_bronze, totals_bronze, "enrolment m1 shop debt 40 active",
        clawed_bronze, "consume m1 lot 8 500",
        "entry m1 shop/base reversal -500 order='' 'badge big-spender silver clawed back' "
        "actor=''",
        "totals m1 shop/base lifetime -500 qualifying -500", "enrolment m1 shop debt 0 active",
        "clawed back m1 shop/big-spender silver"}},
      {"only the level whose threshold is crossed",
       {bronze, silver},
       {MakeLot(7, "base", 60, 0, 100), MakeLot(8, "base", 500)},
       60000,
       20000,
       {"consume m1 lot 8 500",
        "entry m1 shop/base reversal -500 order='' 'badge big-spender silver clawed back' "
        "actor=''",
        "totals m1 shop/base lifetime -500 qualifying -500", "enrolment m1 shop debt 0 active",
        "clawed back m1 shop/big-spender silver"}},
      {"the threshold as awarded, not the badge's current one",
       {Held("bronze", 8000, 100, 7)},
       lot7,
       12000,
       9000,
       {}},
      {"not marked claw_back", {kept}, lot7, 12000, 9000, {}},
      {"already clawed back", {done}, lot7, 12000, 9000, {}},
      {"no bonus to take", {no_bonus}, lot7, 12000, 9000, {}},
      {"the measure stays at the threshold", {bronze}, lot7, 12000, 10000, {}},
      {"the measure stays above the threshold", {bronze}, lot7, 12000, 11000, {}},
      {"already below before the return", {bronze}, lot7, 9500, 9000, {}},
      {"a badge the program no longer has", {gone_badge}, lot7, 12000, 9000, {}},
      {"not a spend badge", {advocacy}, lot7, 12000, 0, {}},
  };
  for (const ClawbackCase& c : cases) {
    SCOPED_TRACE(c.name);
    MemberState member = Member(0, /*qualifying=*/500);
    member.lots = c.lots;
    BadgeFacts before;
    before.spend = {{0, {c.before, 0}}};
    before.actions = {{"review", 9}};
    before.held = c.held;
    BadgeFacts after = before;
    after.spend = {{0, {c.after, 0}}};
    after.actions = {{"review", 0}};
    const absl::StatusOr<BadgeDecision> decision =
        DecideBonusClawbacks(Program(), member, before, after, kNow);
    ASSERT_TRUE(decision.ok()) << decision.status();
    EXPECT_THAT(Texts(decision->changes), ElementsAreArray(c.changes));
    EXPECT_THAT(decision->awarded, IsEmpty());
    std::vector<std::string> clawed;
    for (const BadgeBonusClawedBack& back : decision->clawed_back) {
      clawed.push_back(absl::StrCat("clawed back ", back.member_id, " ", back.program_id, "/",
                                    back.badge_id, " ", back.level_code));
    }
    std::vector<std::string> expected_clawed;
    for (const std::string& text : c.changes) {
      if (text.starts_with("clawed back")) expected_clawed.push_back(text);
    }
    EXPECT_EQ(clawed, expected_clawed);
  }
}

TEST(DecideBadgeBonusClawbacksTest, AReturnTakingTheMeasureBelowMovesTheTierDownAndOwesTheRest) {
  const absl::Time reached = kPeriodStart + absl::Hours(24);
  MemberState member = Member(0, /*qualifying=*/1050, "gold", reached);
  member.lots = {MakeLot(7, "base", 60, 0, 100), MakeLot(8, "base", 500)};
  BadgeFacts before;
  before.spend = {{0, {60000, 600}}, {30, {60000, 600}}};
  before.held = {Held("bronze", 10000, 100, 7), Held("silver", 50000, 500, 8)};
  // The purchase was 40 days ago: the 30-day window no longer holds it, the lifetime one does.
  const BadgeFacts after = AfterReturn(before, kNow - absl::Hours(24 * 40), kNow, 51000, 510);
  EXPECT_EQ(SpendText(after), "0:9000/90 30:60000/600");
  const absl::StatusOr<BadgeDecision> decision =
      DecideBonusClawbacks(Program(), member, before, after, kNow);
  ASSERT_TRUE(decision.ok()) << decision.status();
  // The first clawback moves the tier down; the second starts from the state after it (no tier
  // left to move).
  EXPECT_THAT(
      Texts(decision->changes),
      ElementsAre("consume m1 lot 7 60",
                  "entry m1 shop/base reversal -100 order='' 'badge big-spender bronze clawed "
                  "back' actor=''",
                  "totals m1 shop/base lifetime -100 qualifying -100",
                  "enrolment m1 shop debt 40 tier '' active",
                  "clawed back m1 shop/big-spender bronze", "consume m1 lot 8 500",
                  "entry m1 shop/base reversal -500 order='' 'badge big-spender silver clawed "
                  "back' actor=''",
                  "totals m1 shop/base lifetime -500 qualifying -500",
                  "enrolment m1 shop debt 0 active", "clawed back m1 shop/big-spender silver"));

  const absl::StatusOr<MemberState> state = Apply(decision->changes, member, kNow);
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(state->lots[0].remaining, 0);
  EXPECT_EQ(state->lots[1].remaining, 0);
  EXPECT_EQ(state->enrolments[0].debt, 40);
  EXPECT_EQ(state->enrolments[0].tier, "");
  EXPECT_EQ(state->totals[0].qualifying, 450);
}

TEST(DecideBadgeBonusClawbacksTest, AWindowBadgeIsClawedBackOnlyWhenItsWindowDrops) {
  ProgramConfig program = Program();
  Badge monthly =
      MakeBadge("monthly-amount", BadgeCriterion::kSpendAmount, {Level("m", 5000, 20, true)}, 30);
  program.badges.push_back(monthly);
  MemberState member = Member(0, 500);
  member.lots = {MakeLot(3, "base", 20)};
  BadgeFacts before;
  before.spend = {{0, {6000, 60}}, {30, {6000, 60}}};
  before.held = {Held("m", 5000, 20, 3, "base", "monthly-amount")};
  const struct {
    std::string name;
    absl::Time purchase_day;
    size_t clawed;
  } cases[] = {
      {"bought 10 days ago: the window drops", kNow - absl::Hours(24 * 10), 1},
      {"bought 30 days ago: the window no longer holds it", kNow - absl::Hours(24 * 30), 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const BadgeFacts after = AfterReturn(before, c.purchase_day, kNow, 2000, 20);
    const absl::StatusOr<BadgeDecision> decision =
        DecideBonusClawbacks(program, member, before, after, kNow);
    ASSERT_TRUE(decision.ok()) << decision.status();
    EXPECT_EQ(decision->clawed_back.size(), c.clawed);
  }
}

}  // namespace
}  // namespace loyalty::ledger
