// DecideEnrolment: which enrolment a member gets in a program, and the state after it (Apply).
#include "libs/ledger/enrolment.h"

#include <optional>
#include <string>
#include <variant>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "libs/base/refusal.h"
#include "libs/ledger/member.h"
#include "libs/ledger/types.h"

namespace loyalty::ledger {
namespace {

const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 3, 15, 10, 0, 0), absl::UTCTimeZone());

absl::Time Day(int year, int month, int day) {
  return absl::FromCivil(absl::CivilDay(year, month, day), absl::UTCTimeZone());
}

EnrolmentTerms Terms(const std::string& status, std::vector<Tier> tiers = {}) {
  return {status, "calendar_year", 0, std::move(tiers)};
}

TEST(DecideEnrolmentTest, RefusesSkipsOrEnrols) {
  struct Case {
    std::string name;
    std::optional<EnrolmentTerms> terms;
    bool enrolled;
    ClosedProgram closed;
    absl::StatusCode code;  // kOk: decided
    std::string reason;     // of a refusal
    bool enrols;
  };
  const Case cases[] = {
      {"unknown program", std::nullopt, false, ClosedProgram::kRefuse, absl::StatusCode::kNotFound,
       "", false},
      {"closed, refused", Terms("closed"), false, ClosedProgram::kRefuse,
       absl::StatusCode::kFailedPrecondition, kProgramNotActive, false},
      {"closed, skipped", Terms("closed"), false, ClosedProgram::kSkip, absl::StatusCode::kOk, "",
       false},
      {"closed and enrolled: still refused", Terms("closed"), true, ClosedProgram::kRefuse,
       absl::StatusCode::kFailedPrecondition, kProgramNotActive, false},
      {"already enrolled: no change", Terms("active"), true, ClosedProgram::kRefuse,
       absl::StatusCode::kOk, "", false},
      {"active", Terms("active"), false, ClosedProgram::kRefuse, absl::StatusCode::kOk, "", true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const absl::StatusOr<ChangeSet> decided =
        DecideEnrolment(c.terms, "shop", "m1", c.enrolled, c.closed, kNow);
    ASSERT_EQ(decided.status().code(), c.code) << decided.status();
    if (!c.reason.empty()) {
      EXPECT_EQ(ReasonOf(decided.status()), c.reason);
    }
    if (!decided.ok()) continue;
    EXPECT_EQ(decided->changes.size(), c.enrols ? 1u : 0u);
  }
}

TEST(DecideEnrolmentTest, StartsInTheTierOfThresholdZeroForTheFirstPeriod) {
  struct Case {
    std::string name;
    std::vector<Tier> tiers;
    std::optional<std::string> tier;
  };
  const Case cases[] = {
      {"no tiers", {}, std::nullopt},
      {"a tier of threshold 0", {{"gold", 1000, 1500, false}, {"blue", 0, 1000, false}}, "blue"},
      {"every tier asks for points", {{"silver", 1, 1000, false}}, std::nullopt},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const absl::StatusOr<ChangeSet> decided = DecideEnrolment(
        Terms("active", c.tiers), "shop", "m1", false, ClosedProgram::kRefuse, kNow);
    ASSERT_TRUE(decided.ok()) << decided.status();
    ASSERT_EQ(decided->changes.size(), 1u);
    const Enrolled& enrolled = std::get<Enrolled>(decided->changes[0]);
    EXPECT_EQ(enrolled.member_id, "m1");
    EXPECT_EQ(enrolled.program_id, "shop");
    EXPECT_EQ(enrolled.tier, c.tier);
    EXPECT_EQ(enrolled.period_start, Day(2026, 1, 1));
    EXPECT_EQ(enrolled.period_end, Day(2027, 1, 1));

    // The state after: the enrolment in program order, its tier reached now, no debt.
    MemberState member;
    member.member_id = "m1";
    member.enrolments = {{"air", "", std::nullopt, 5, Day(2026, 1, 1), Day(2027, 1, 1)},
                         {"tv", "", std::nullopt, 0, Day(2026, 1, 1), Day(2027, 1, 1)}};
    const absl::StatusOr<MemberState> after = Apply(*decided, member, kNow);
    ASSERT_TRUE(after.ok()) << after.status();
    ASSERT_EQ(after->enrolments.size(), 3u);
    const Enrolment& added = after->enrolments[1];
    EXPECT_EQ(added.program_id, "shop");
    EXPECT_EQ(added.tier, c.tier.value_or(""));
    EXPECT_EQ(added.tier_reached_at,
              c.tier.has_value() ? std::optional<absl::Time>(kNow) : std::nullopt);
    EXPECT_EQ(added.debt, 0);
    EXPECT_EQ(added.period_start, Day(2026, 1, 1));
    // Enrolled twice breaks the state's bounds: the decision was wrong.
    EXPECT_EQ(Apply(*decided, *after, kNow).status().code(), absl::StatusCode::kInternal);
  }
}

}  // namespace
}  // namespace loyalty::ledger
