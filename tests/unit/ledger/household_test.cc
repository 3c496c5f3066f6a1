// ledger::DecideRollUp: what an individual's qualifying points change in its household.
#include "libs/ledger/household.h"

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/ledger/change_text.h"

namespace loyalty::ledger {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::Time kPeriodStart =
    absl::FromCivil(absl::CivilSecond(2026, 1, 1, 0, 0, 0), absl::UTCTimeZone());
const absl::Time kJoined = kPeriodStart - absl::Hours(24 * 40);
const HouseholdRollup kRollup{"m1", "h1", kJoined};

ProgramConfig Shop() {
  ProgramConfig program;
  program.program_id = "shop";
  program.point_types = {{"base", true, true, {}}, {"status", false, true, {}}};
  program.tiers = {{"silver", 0, 1000, false}, {"gold", 1000, 1500, false}};
  return program;
}

// The household h1: 900 qualifying points this period, in `tier` (reached at `reached`).
MemberState Household(std::string tier = "silver",
                      std::optional<absl::Time> reached = std::nullopt) {
  MemberState household;
  household.member_id = "h1";
  household.kind = "household";
  household.status = "active";
  household.enrolments = {
      {"shop", std::move(tier), reached, 0, kPeriodStart, kPeriodStart + absl::Hours(24 * 365)}};
  household.totals = {{"shop", "base", 900, 900}};
  return household;
}

TEST(DecideRollUpTest, AnOrdersPointsRollUpRecordTheMembershipAndMoveTheTier) {
  EXPECT_THAT(ChangeTexts(DecideRollUp(Shop(), Household(), kRollup, "base", 150, "o1")),
              ElementsAre("totals h1 shop/base lifetime 0 qualifying 150",
                          "order m1 shop o1 rolled up to h1 membership 2025-11-22T00:00:00Z",
                          "contribution h1 from m1 membership 2025-11-22T00:00:00Z shop period "
                          "2026-01-01T00:00:00Z qualifying 150",
                          "enrolment h1 shop debt 0 tier 'gold'"));  // not marked active
}

TEST(DecideRollUpTest, PointsOfNoOrderBelowTheNextTierOnlyAddUp) {
  EXPECT_THAT(ChangeTexts(DecideRollUp(Shop(), Household(), kRollup, "status", 50, "")),
              ElementsAre("totals h1 shop/status lifetime 0 qualifying 50",
                          "contribution h1 from m1 membership 2025-11-22T00:00:00Z shop period "
                          "2026-01-01T00:00:00Z qualifying 50"));
}

TEST(DecideRollUpTest, AReturnTakesBackWithoutRecordingTheOrderAndMovesATierOfThisPeriodDown) {
  const MemberState gold = Household("gold", kPeriodStart + absl::Hours(24));
  EXPECT_THAT(ChangeTexts(DecideRollUp(Shop(), gold, kRollup, "base", -100, "o1")),
              ElementsAre("totals h1 shop/base lifetime 0 qualifying -100",
                          "contribution h1 from m1 membership 2025-11-22T00:00:00Z shop period "
                          "2026-01-01T00:00:00Z qualifying -100",
                          "enrolment h1 shop debt 0 tier 'silver'"));
  const MemberState carried = Household("gold", kPeriodStart - absl::Hours(24));
  EXPECT_EQ(ChangeTexts(DecideRollUp(Shop(), carried, kRollup, "base", -100, "o1")).size(), 2u);
}

TEST(DecideRollUpTest, NothingWithoutPointsOrEnrolment) {
  EXPECT_THAT(ChangeTexts(DecideRollUp(Shop(), Household(), kRollup, "base", 0, "o1")), IsEmpty());
  MemberState not_enrolled = Household();
  not_enrolled.enrolments.clear();
  EXPECT_THAT(ChangeTexts(DecideRollUp(Shop(), not_enrolled, kRollup, "base", 150, "o1")),
              IsEmpty());
}

TEST(DecideRollUpTest, ApplyingTheChangesGivesTheHouseholdsProgress) {
  const MemberState household = Household();
  const absl::StatusOr<MemberState> after =
      Apply(DecideRollUp(Shop(), household, kRollup, "base", 150, "o1"), household,
            kPeriodStart + absl::Hours(48));
  ASSERT_TRUE(after.ok()) << after.status();
  const TierProgress progress = TierProgressOf(Shop(), *after, after->enrolments[0]);
  EXPECT_EQ(progress.tier, "gold");
  EXPECT_EQ(progress.qualifying, 1050);
  EXPECT_EQ(progress.next, std::nullopt);
  EXPECT_EQ(after->enrolments[0].tier_reached_at, kPeriodStart + absl::Hours(48));
  EXPECT_EQ(after->totals[0].lifetime, 900);  // a roll-up earns the household nothing
}

}  // namespace
}  // namespace loyalty::ledger
