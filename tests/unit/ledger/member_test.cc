#include "libs/ledger/member.h"

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "libs/base/refusal.h"
#include "libs/ledger/requalify.h"

namespace loyalty::ledger {
namespace {

const absl::Time kJan1 =
    absl::FromCivil(absl::CivilSecond(2026, 1, 1, 0, 0, 0), absl::UTCTimeZone());

ProgramConfig Program() {
  ProgramConfig program;
  program.program_id = "p";
  program.status = "active";
  program.period_kind = "calendar_year";
  program.point_types = {{"base", true, true, {}},      // counts toward tiers
                         {"bonus", true, false, {}},    // does not
                         {"status", false, true, {}}};  // qualifying only
  program.tiers = {
      {"gold", 5000, 1500, true}, {"blue", 0, 1000, false}, {"silver", 1000, 1250, false}};
  return program;
}

MemberState Member(std::vector<PointTotals> totals, std::string tier = "blue") {
  MemberState member;
  member.member_id = "m";
  member.status = "active";
  member.enrolments = {
      {"p", std::move(tier), std::nullopt, 0, kJan1, kJan1 + absl::Hours(24 * 365)}};
  member.totals = std::move(totals);
  return member;
}

TEST(QualifyingPointsTest, SumsOnlyTheProgramsTypesThatCountTowardTiers) {
  const std::vector<PointTotals> totals = {{"p", "base", 900, 700},
                                           {"p", "bonus", 500, 500},
                                           {"p", "status", 300, 300},
                                           {"other", "base", 10000, 10000},
                                           {"p", "unknown", 50, 50}};
  EXPECT_EQ(QualifyingPoints(Program(), totals), 1000);
  EXPECT_EQ(QualifyingPoints(Program(), {}), 0);
}

TEST(QualifyingPointsTest, SaturatesInsteadOfWrapping) {
  const Points big = std::numeric_limits<Points>::max() - 1;
  EXPECT_EQ(QualifyingPoints(Program(), {{"p", "base", big, big}, {"p", "status", big, big}}),
            std::numeric_limits<Points>::max());
}

struct TierMoveCase {
  std::string name;
  Points qualifying_before;
  std::string tier;
  std::optional<absl::Time> reached_at;
  Points delta;
  std::optional<std::string> moved_to;
};

TEST(TierMoveTest, Table) {
  const absl::Time this_period = kJan1 + absl::Hours(48);
  const absl::Time last_period = kJan1 - absl::Hours(48);
  const std::vector<TierMoveCase> cases = {
      {"up to silver", 900, "blue", std::nullopt, 100, "silver"},
      {"up two tiers at once", 0, "blue", std::nullopt, 6000, "gold"},
      {"stays below the next threshold", 0, "blue", std::nullopt, 999, std::nullopt},
      {"a return moves a tier of this period down", 1200, "silver", this_period, -300, "blue"},
      {"a tier carried over never moves down", 1200, "silver", last_period, -300, std::nullopt},
      {"a tier without a date never moves down", 1200, "silver", std::nullopt, -300, std::nullopt},
  };
  for (const TierMoveCase& test_case : cases) {
    SCOPED_TRACE(test_case.name);
    MemberState member = Member({{"p", "base", 0, test_case.qualifying_before}}, test_case.tier);
    member.enrolments[0].tier_reached_at = test_case.reached_at;
    EXPECT_EQ(TierMove(Program(), member, member.enrolments[0], test_case.delta),
              test_case.moved_to);
  }
}

TEST(TierProgressTest, NextTierIsTheLowestAboveTheCurrentOne) {
  MemberState member = Member({{"p", "base", 0, 1200}}, "silver");
  TierProgress progress = TierProgressOf(Program(), member, member.enrolments[0]);
  EXPECT_EQ(progress.tier, "silver");
  EXPECT_EQ(progress.qualifying, 1200);
  ASSERT_TRUE(progress.next.has_value());
  EXPECT_EQ(progress.next->code, "gold");
  EXPECT_EQ(progress.points_to_next, 3800);

  // A tier carried over while this period's points are past the next threshold: nothing missing.
  member = Member({{"p", "base", 0, 6000}}, "blue");
  progress = TierProgressOf(Program(), member, member.enrolments[0]);
  EXPECT_EQ(progress.next->code, "silver");
  EXPECT_EQ(progress.points_to_next, 0);

  member = Member({}, "");  // in no tier: the lowest of all
  EXPECT_EQ(TierProgressOf(Program(), member, member.enrolments[0]).next->code, "blue");

  member = Member({{"p", "base", 0, 9000}}, "gold");  // at the top
  EXPECT_FALSE(TierProgressOf(Program(), member, member.enrolments[0]).next.has_value());
}

TEST(RequalifyTest, TheEndedPeriodsPointsChooseTheTierOfTheNext) {
  const MemberState member =
      Member({{"p", "base", 0, 1500}, {"p", "bonus", 0, 900}, {"other", "base", 0, 9000}});
  const absl::Time now = kJan1 + absl::Hours(24 * 366);
  const Requalification result = Requalify(Program(), member, member.enrolments[0], now);
  EXPECT_EQ(result.tier, "silver");
  EXPECT_EQ(result.period.start, kJan1 + absl::Hours(24 * 365));
  EXPECT_GT(result.period.end, now);
  ASSERT_EQ(result.cleared.size(), 2u);  // this program's qualifying points, every type
  EXPECT_EQ(result.cleared[0].point_type, "base");
  EXPECT_EQ(result.cleared[1].point_type, "bonus");
}

TEST(RequalifyTest, PeriodsWithoutActivityQualifyOnZero) {
  const MemberState member = Member({{"p", "base", 0, 6000}}, "gold");
  const absl::Time three_years_on = kJan1 + absl::Hours(24 * (365 * 3 + 10));
  const Requalification result = Requalify(Program(), member, member.enrolments[0], three_years_on);
  EXPECT_EQ(result.tier, "blue");
  EXPECT_LE(result.period.start, three_years_on);
  EXPECT_GT(result.period.end, three_years_on);
}

TEST(MemberRulesTest, RefusalsNameTheMemberAndProgram) {
  MemberState member = Member({});
  EXPECT_TRUE(RequireActiveMember(member).ok());
  member.status = "suspended";
  const absl::Status inactive = RequireActiveMember(member);
  EXPECT_EQ(inactive.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(inactive), kMemberNotActive);
  EXPECT_TRUE(RequireEnrolment(member, "p").ok());
  const absl::Status not_enrolled = RequireEnrolment(member, "q").status();
  EXPECT_EQ(ReasonOf(not_enrolled), kNotEnrolled);
  EXPECT_NE(not_enrolled.message().find("'q'"), absl::string_view::npos);
}

Lot LotOf(int64_t id, std::string type, Points remaining, absl::Time available,
          std::optional<absl::Time> expires = std::nullopt) {
  Lot lot;
  lot.lot_id = id;
  lot.program_id = "p";
  lot.point_type = std::move(type);
  lot.subtype = "s" + std::to_string(id);
  lot.amount = remaining + 10;
  lot.remaining = remaining;
  lot.awarded_at = available;
  lot.available_at = available;
  lot.expires_at = expires;
  return lot;
}

TEST(MergeLotSummariesTest, KeepsTheBalancesAtAndAfterItsTime) {
  const absl::Time at = kJan1 + absl::Hours(10);
  const absl::Time later = at + absl::Hours(5);
  std::vector<Lot> lots = {
      LotOf(5, "base", 100, kJan1),      LotOf(3, "base", 50, kJan1 + absl::Hours(1)),
      LotOf(7, "base", 30, later),       LotOf(9, "base", 20, later),
      LotOf(4, "base", 0, kJan1),        LotOf(8, "bonus", 40, kJan1),
      LotOf(6, "base", 70, kJan1, later)};
  MemberState before = Member({});
  before.lots = lots;
  MergeLotSummaries(at, &lots);
  MemberState after = Member({});
  after.lots = lots;
  // base available, base pending (one availability), bonus, base expiring: four summaries.
  ASSERT_EQ(lots.size(), 4u);
  EXPECT_EQ(lots[0].lot_id, 3);  // each under its lowest lot id, in lot id order
  EXPECT_EQ(lots[0].remaining, 150);
  EXPECT_EQ(lots[0].subtype, "s3");
  for (const absl::Time when : {at, later, later + absl::Hours(1)}) {
    const ProgramBalance merged = ProgramBalanceOf(after, "p", when);
    const ProgramBalance original = ProgramBalanceOf(before, "p", when);
    EXPECT_EQ(merged.available, original.available);
    EXPECT_EQ(merged.pending, original.pending);
  }
}

}  // namespace
}  // namespace loyalty::ledger
