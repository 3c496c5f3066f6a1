#include "libs/ledger/tiers.h"

#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace loyalty::ledger {
namespace {

std::string CodeOf(const std::optional<Tier>& tier) {
  return tier.has_value() ? tier->code : "<none>";
}

std::vector<Tier> Tiers() {  // deliberately not in threshold order
  return {{"gold", 5000, 1500, true}, {"base", 0, 1000, false}, {"silver", 1000, 1250, false},
          {"platinum", 20000, 2000, true}};
}

struct TierCase {
  std::string name;
  std::vector<Tier> tiers;
  Points qualifying;
  std::string tier;
  std::string next;
};

TEST(TierTest, Table) {
  const std::vector<Tier> no_base = {{"silver", 1000, 1250, false}, {"gold", 5000, 1500, true}};
  const std::vector<TierCase> cases = {
      {"zero qualifying is the base tier", Tiers(), 0, "base", "silver"},
      {"one below silver", Tiers(), 999, "base", "silver"},
      {"exactly silver", Tiers(), 1000, "silver", "gold"},
      {"between silver and gold", Tiers(), 4999, "silver", "gold"},
      {"exactly gold", Tiers(), 5000, "gold", "platinum"},
      {"exactly platinum", Tiers(), 20000, "platinum", "<none>"},
      {"far above the top", Tiers(), 1'000'000, "platinum", "<none>"},
      {"negative after reversals", Tiers(), -50, "<none>", "base"},
      {"below the lowest threshold", no_base, 999, "<none>", "silver"},
      {"no tiers", {}, 500, "<none>", "<none>"},
  };
  for (const TierCase& test_case : cases) {
    SCOPED_TRACE(test_case.name);
    EXPECT_EQ(CodeOf(TierFor(test_case.tiers, test_case.qualifying)), test_case.tier);
    EXPECT_EQ(CodeOf(NextTier(test_case.tiers, test_case.qualifying)), test_case.next);
  }
}

TEST(TierTest, ReturnsTheWholeTier) {
  const std::vector<Tier> tiers = Tiers();
  const std::optional<Tier> gold = TierFor(tiers, 6000);
  ASSERT_TRUE(gold.has_value());
  EXPECT_EQ(gold->threshold, 5000);
  EXPECT_EQ(gold->multiplier_permille, 1500);
  EXPECT_TRUE(gold->overdraft_allowed);
}

}  // namespace
}  // namespace loyalty::ledger

namespace loyalty::ledger {
namespace {

TEST(TierAfterChangeTest, MovesUpAtOnceAndDownOnlyWithinThePeriodItWasReached) {
  const std::vector<Tier> tiers = {{"silver", 0, 1000, false},
                                   {"gold", 1000, 1500, true},
                                   {"platinum", 5000, 2000, true}};
  struct Case {
    std::string name;
    std::string current;
    Points qualifying;
    bool reached_this_period;
    std::optional<std::string> want;
  };
  const std::vector<Case> cases = {
      {"stays silver", "silver", 999, true, std::nullopt},
      {"up to gold exactly at threshold", "silver", 1000, false, "gold"},
      {"jumps two tiers", "silver", 6000, false, "platinum"},
      {"no tier yet, earns the lowest", "", 0, false, "silver"},
      {"stays gold above threshold", "gold", 1200, true, std::nullopt},
      {"reversal drops gold reached this period", "gold", 999, true, "silver"},
      {"carried-over gold stays until period end", "gold", 10, false, std::nullopt},
      {"platinum reached this period falls to gold", "platinum", 4999, true, "gold"},
      {"never moves below to a higher one", "platinum", 1000, true, "gold"},
      {"unknown current tier treated as none", "bronze", 1000, true, "gold"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(TierAfterChange(tiers, c.current, c.qualifying, c.reached_this_period), c.want);
  }
  const std::vector<Tier> no_tiers;
  EXPECT_EQ(TierAfterChange(no_tiers, "", 100, true), std::nullopt);
}

}  // namespace
}  // namespace loyalty::ledger

namespace loyalty::ledger {
namespace {

TEST(TierAtEnrolmentTest, StartsInTheTierZeroPointsMeetOrInNone) {
  const std::vector<Tier> gold_only = {{"gold", 1000, 1500, true}};  // docs' acme
  EXPECT_EQ(CodeOf(TierAtEnrolment(gold_only)), "<none>");
  EXPECT_EQ(CodeOf(TierAtEnrolment(Tiers())), "base");  // threshold 0, listed second
  EXPECT_EQ(CodeOf(TierAtEnrolment(std::vector<Tier>{})), "<none>");
  const std::vector<Tier> no_base = {{"silver", 1000, 1250, false}, {"gold", 5000, 1500, true}};
  EXPECT_EQ(CodeOf(TierAtEnrolment(no_base)), "<none>");
}

TEST(TierAtEnrolmentTest, AFirstPurchaseBelowTheOnlyThresholdKeepsTheMemberInNone) {
  const std::vector<Tier> gold_only = {{"gold", 1000, 1500, true}};
  const std::optional<Tier> start = TierAtEnrolment(gold_only);
  ASSERT_FALSE(start.has_value());
  // In no tier, the purchase earns x1.0: 125 qualifying points, still below gold, no move.
  EXPECT_EQ(TierAfterChange(gold_only, "", 125, /*reached_this_period=*/false), std::nullopt);
  // Reaching the threshold moves up at once.
  EXPECT_EQ(TierAfterChange(gold_only, "", 1000, false), "gold");
}

}  // namespace
}  // namespace loyalty::ledger
