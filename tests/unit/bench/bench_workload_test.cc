// Mix selection and key distribution proportions, the JSON report's shape, and the badge
// definitions of `prepare --badges`.

#include <array>
#include <random>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/bench/badges.h"
#include "tools/bench/key_distribution.h"
#include "tools/bench/mix.h"
#include "tools/bench/report.h"

namespace loyalty::bench {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int kDraws = 200'000;

TEST(BenchMixTest, SelectWalksTheWeights) {
  const Mix mix = *Mix::Parse("accrue=2,redeem=0,transfer=3");
  EXPECT_EQ(mix.Select(0), Operation::kAccrue);
  EXPECT_EQ(mix.Select(1), Operation::kAccrue);
  EXPECT_EQ(mix.Select(2), Operation::kTransfer);
  EXPECT_EQ(mix.Select(4), Operation::kTransfer);
  EXPECT_EQ(mix.ToString(), "accrue=2,transfer=3");
}

TEST(BenchMixTest, PickFollowsTheProportions) {
  const Mix mix = *Mix::Parse(
      "accrue=60,redeem=20,group_redeem=5,transfer=5,get_balances=5,list_redemptions=3,"
      "tier_progress=2");
  std::mt19937_64 random(7);
  std::array<int, kOperationCount> counts{};
  for (int i = 0; i < kDraws; ++i) ++counts[OperationIndex(mix.Pick(random))];
  for (Operation operation : kAllOperations) {
    const double expected = static_cast<double>(mix.weight(operation)) / 100.0;
    const double seen = counts[OperationIndex(operation)] / static_cast<double>(kDraws);
    EXPECT_NEAR(seen, expected, 0.005) << OperationName(operation);
  }
}

TEST(BenchMixTest, WithoutQueriesKeepsCommands) {
  const Mix mix = *Mix::Parse("accrue=60,get_balances=40");
  EXPECT_TRUE(mix.HasQueries());
  const Mix commands = mix.WithoutQueries();
  EXPECT_FALSE(commands.HasQueries());
  EXPECT_EQ(commands.total(), 60);
  EXPECT_EQ(Mix::Parse("get_balances=1")->WithoutQueries().total(), 0);
}

TEST(BenchKeyDistributionTest, UniformCoversAllMembersEvenly) {
  const KeyDistribution keys({.members = 10});
  std::mt19937_64 random(11);
  std::array<int, 10> counts{};
  for (int i = 0; i < kDraws; ++i) {
    const int64_t member = keys.Pick(random);
    ASSERT_GE(member, 0);
    ASSERT_LT(member, 10);
    ++counts[static_cast<size_t>(member)];
  }
  for (int count : counts) EXPECT_NEAR(count / static_cast<double>(kDraws), 0.1, 0.005);
  EXPECT_EQ(keys.hot_members(), 0);
}

TEST(BenchKeyDistributionTest, HotSetGetsItsShare) {
  const KeyDistribution keys({.members = 1000, .hot_fraction = 0.01, .hot_share = 0.9});
  EXPECT_EQ(keys.hot_members(), 10);
  std::mt19937_64 random(13);
  int hot = 0;
  for (int i = 0; i < kDraws; ++i) {
    const int64_t member = keys.Pick(random);
    ASSERT_LT(member, 1000);
    if (member < 10) ++hot;
  }
  EXPECT_NEAR(hot / static_cast<double>(kDraws), 0.9, 0.005);
  EXPECT_THAT(keys.Describe(), HasSubstr("10 of 1000"));
}

TEST(BenchKeyDistributionTest, HotSetIsAtLeastOneMember) {
  const KeyDistribution keys({.members = 10, .hot_fraction = 0.001, .hot_share = 1});
  EXPECT_EQ(keys.hot_members(), 1);
  std::mt19937_64 random(17);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(keys.Pick(random), 0);
}

TEST(BenchKeyDistributionTest, Hot1AlwaysPicksMemberZero) {
  const KeyDistribution keys({.members = 1000, .hot1 = true});
  std::mt19937_64 random(19);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(keys.Pick(random), 0);
  EXPECT_THAT(keys.Describe(), HasSubstr("hot1"));
}

RunReport SampleReport() {
  RunReport report;
  report.label = "accrue \"only\"";
  report.target = "127.0.0.1:1";
  report.mode = "closed";
  report.mix = "accrue=1,get_balances=1";
  report.distribution = "uniform over 10 members";
  report.channels = 2;
  report.concurrency = 4;
  report.duration_s = 2;
  OperationStats& accrue =
      report.operations[static_cast<size_t>(OperationIndex(Operation::kAccrue))];
  for (int64_t v = 1; v <= 100; ++v) accrue.latency_ns.Record(v);  // exact below 256 ns
  accrue.ok = 100;
  accrue.errors_by_code[10] = 3;
  OperationStats& balances =
      report.operations[static_cast<size_t>(OperationIndex(Operation::kGetBalances))];
  balances.latency_ns.Record(2000);
  balances.ok = 1;
  return report;
}

TEST(BenchReportTest, JsonShape) {
  const std::string json = FormatJson(SampleReport());
  EXPECT_THAT(json, HasSubstr("\"label\":\"accrue \\\"only\\\"\""));
  EXPECT_THAT(json, HasSubstr("\"config\":{\"target\":\"127.0.0.1:1\",\"mode\":\"closed\""));
  EXPECT_THAT(json, HasSubstr("\"duration_s\":2.000"));
  EXPECT_THAT(json, HasSubstr("\"overall\":{\"ok\":101,\"errors\":3,\"throughput_per_s\":50.500"));
  EXPECT_THAT(json, HasSubstr("\"accrue\":{\"ok\":100,\"errors\":3,\"throughput_per_s\":50.000,"
                              "\"latency_us\":{\"p50\":0.050,\"p90\":0.090,\"p99\":0.099,"
                              "\"p99_9\":0.100,\"max\":0.100,\"mean\":"));
  EXPECT_THAT(json, HasSubstr("\"errors_by_code\":{\"ABORTED\":3}}"));
  EXPECT_THAT(json, HasSubstr("\"get_balances\":{\"ok\":1,"));
  EXPECT_THAT(json, Not(HasSubstr("\"redeem\"")));  // operations without calls are left out
  int depth = 0;
  for (char c : json) {
    if (c == '{') ++depth;
    if (c == '}') --depth;
    ASSERT_GE(depth, 0);
  }
  EXPECT_EQ(depth, 0);
}

TEST(BenchReportTest, TextTableHasARowPerOperationAndAll) {
  const std::string text = FormatText(SampleReport());
  EXPECT_THAT(text, HasSubstr("p99.9 us"));
  EXPECT_THAT(text, HasSubstr("\naccrue "));
  EXPECT_THAT(text, HasSubstr("\nget_balances "));
  EXPECT_THAT(text, HasSubstr("\nall "));
  EXPECT_THAT(text, Not(HasSubstr("\nredeem ")));
  EXPECT_THAT(text, HasSubstr("\nerrors by code: ABORTED 3\n"));
  EXPECT_EQ(text.substr(text.rfind('\n', text.size() - 2) + 1, 4), "all ");  // the last row
}

TEST(BenchReportTest, TextLeavesOutTheErrorLineWithoutErrors) {
  RunReport report = SampleReport();
  report.operations[static_cast<size_t>(OperationIndex(Operation::kAccrue))].errors_by_code[10] = 0;
  EXPECT_THAT(FormatText(report), Not(HasSubstr("errors by code")));
}

// Ten definitions DefineBadge accepts (ids and level codes unique, 3..5 levels of ascending
// thresholds, windows 0..366, advocacy on the actions added first), spend badges over both
// measures and the windows of the benchmark, each with a level prepare's history reaches and
// levels above it for the run to cross.
TEST(BenchBadgesTest, TenRealisticDefinitions) {
  const std::vector<v1::BadgeDefinition> badges = BenchBadges();
  ASSERT_EQ(badges.size(), 10u);
  std::set<std::string> ids, actions, measures_windows;
  int spend = 0, advocacy = 0, tenure = 0, with_bonus = 0;
  for (const v1::BadgeDefinition& badge : badges) {
    EXPECT_TRUE(ids.insert(badge.badge_id()).second) << badge.badge_id();
    EXPECT_FALSE(badge.name().empty());
    EXPECT_GE(badge.levels_size(), 3) << badge.badge_id();
    EXPECT_LE(badge.levels_size(), 5) << badge.badge_id();
    std::set<std::string> codes;
    int64_t previous = 0;
    bool bonus = false;
    for (const v1::BadgeLevel& level : badge.levels()) {
      EXPECT_TRUE(codes.insert(level.code()).second) << badge.badge_id() << " " << level.code();
      EXPECT_GT(level.threshold(), previous) << badge.badge_id() << " " << level.code();
      previous = level.threshold();
      bonus = bonus || level.benefit().bonus_points() > 0;
    }
    with_bonus += bonus ? 1 : 0;
    switch (badge.criterion().kind_case()) {
      case v1::BadgeCriterion::kSpend: {
        ++spend;
        const v1::SpendCriterion& criterion = badge.criterion().spend();
        EXPECT_GE(criterion.window_days(), 0);
        EXPECT_LE(criterion.window_days(), 366);
        const bool amount = criterion.measure() == v1::SPEND_MEASURE_AMOUNT;
        EXPECT_TRUE(amount || criterion.measure() == v1::SPEND_MEASURE_POINTS);
        measures_windows.insert(
            absl::StrCat(amount ? "amount" : "points", "/", criterion.window_days()));
        // Prepare's history (2 purchases of $1,000): 200,000 minor units, 2,500 points.
        const int64_t history = amount ? 200'000 : 2'500;
        EXPECT_LE(badge.levels(0).threshold(), history) << badge.badge_id();
        EXPECT_GT(badge.levels(badge.levels_size() - 1).threshold(), history) << badge.badge_id();
        break;
      }
      case v1::BadgeCriterion::kAdvocacy:
        ++advocacy;
        actions.insert(badge.criterion().advocacy().action_code());
        break;
      case v1::BadgeCriterion::kTenure:
        ++tenure;
        break;
      case v1::BadgeCriterion::KIND_NOT_SET:
        ADD_FAILURE() << badge.badge_id() << " has no criterion";
    }
  }
  EXPECT_EQ(spend, 6);
  EXPECT_EQ(advocacy, 2);
  EXPECT_EQ(tenure, 2);
  EXPECT_GE(with_bonus, 5);
  EXPECT_EQ(actions, (std::set<std::string>{kBadgeActions[0].code, kBadgeActions[1].code}));
  EXPECT_EQ(measures_windows, (std::set<std::string>{"amount/0", "points/0", "amount/7",
                                                     "amount/30", "points/90", "amount/365"}));
}

}  // namespace
}  // namespace loyalty::bench
