// loyaltyctl's command line without a server: parsing, usage errors, the command table.

#include "tools/loyaltyctl/arguments.h"

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/loyaltyctl/badge_flags.h"
#include "tools/loyaltyctl/command_table.h"
#include "tools/loyaltyctl/limits.h"

namespace loyalty::ctl {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<Invocation> Parse(const std::vector<std::string>& arguments) {
  return ParseCommandLine(arguments, Commands());
}

TEST(ParseCommandLineTest, ReadsCommandFlagsAndGlobalOptionsAnywhere) {
  auto invocation =
      Parse({"--target=10.0.0.1:7000", "points", "redeem", "--org=demo", "--member", "ann",
             "--points=120", "--json", "--group", "--timeout_ms", "2500", "--query_target=q:1"});
  ASSERT_TRUE(invocation.ok()) << invocation.status();
  EXPECT_EQ(CommandName(*invocation->command), "points redeem");
  EXPECT_EQ(invocation->options.target, "10.0.0.1:7000");
  EXPECT_EQ(invocation->options.query_target, "q:1");
  EXPECT_TRUE(invocation->options.json);
  EXPECT_EQ(invocation->options.timeout_ms, 2500);
  EXPECT_EQ(invocation->flags.String("org"), "demo");
  EXPECT_EQ(invocation->flags.String("member"), "ann");
  EXPECT_EQ(invocation->flags.Int64("points"), 120);
  EXPECT_TRUE(invocation->flags.Bool("group"));
  EXPECT_FALSE(invocation->flags.Has("order"));
}

TEST(ParseCommandLineTest, DefaultsAndVerblessQueryCommands) {
  auto invocation = Parse({"balances", "--org=demo", "--member=ann"});
  ASSERT_TRUE(invocation.ok()) << invocation.status();
  EXPECT_EQ(CommandName(*invocation->command), "balances");
  EXPECT_EQ(invocation->options.target, "127.0.0.1:50051");
  EXPECT_EQ(invocation->options.query_target, "127.0.0.1:50052");
  EXPECT_FALSE(invocation->options.json);
  EXPECT_EQ(invocation->options.timeout_ms, kDefaultTimeoutMs);
  EXPECT_FALSE(invocation->options.tls.insecure_plaintext) << "TLS is the default";
}

TEST(ParseCommandLineTest, ReadsTheTlsFlagsAnywhere) {
  auto tls = Parse({"--tls_ca=ca.crt", "org", "show", "--tls_cert", "op.crt", "--org=o",
                    "--tls_key=op.key", "--tls_server_name", "loyalty.internal"});
  ASSERT_TRUE(tls.ok()) << tls.status();
  EXPECT_FALSE(tls->options.tls.insecure_plaintext);
  EXPECT_EQ(tls->options.tls.ca, "ca.crt");
  EXPECT_EQ(tls->options.tls.cert, "op.crt");
  EXPECT_EQ(tls->options.tls.key, "op.key");
  EXPECT_EQ(tls->options.tls.server_name, "loyalty.internal");
  auto plaintext = Parse({"org", "show", "--org=o", "--insecure_plaintext"});
  ASSERT_TRUE(plaintext.ok()) << plaintext.status();
  EXPECT_TRUE(plaintext->options.tls.insecure_plaintext);
  EXPECT_TRUE(plaintext->options.tls.ca.empty());
  EXPECT_FALSE(Parse({"org", "show", "--org=o", "--insecure_plaintext=yes"}).ok());
  EXPECT_FALSE(Parse({"org", "show", "--org=o", "--tls_ca"}).ok());
}

TEST(ParseCommandLineTest, ANounThatIsACommandStillTakesItsVerbs) {
  auto progress = Parse({"tier", "--org=o", "--member=m"});
  auto add = Parse({"tier", "add", "--org=o", "--program=p", "--tier=gold", "--threshold=1000",
                    "--multiplier_permille=1500"});
  ASSERT_TRUE(progress.ok()) << progress.status();
  ASSERT_TRUE(add.ok()) << add.status();
  EXPECT_EQ(CommandName(*progress->command), "tier");
  EXPECT_EQ(CommandName(*add->command), "tier add");
}

TEST(ParseCommandLineTest, NegativePointsAndExplicitBools) {
  auto invocation = Parse({"points", "adjust", "--org=o", "--member=m", "--points", "-40",
                           "--reason=goodwill", "--actor=staff-1"});
  ASSERT_TRUE(invocation.ok()) << invocation.status();
  EXPECT_EQ(invocation->flags.Int64("points"), -40);
  auto rollup = Parse({"household", "rollup", "--org=o", "--member=m", "--rollup=false"});
  ASSERT_TRUE(rollup.ok()) << rollup.status();
  EXPECT_TRUE(rollup->flags.Has("rollup"));
  EXPECT_FALSE(rollup->flags.Bool("rollup"));
}

TEST(ParseCommandLineTest, KeyOnlyForMutatingCommands) {
  EXPECT_TRUE(Parse({"org", "create", "--org=o", "--name=O", "--key=k-1"}).ok());
  EXPECT_FALSE(Parse({"org", "show", "--org=o", "--key=k-1"}).ok());
}

TEST(ParseCommandLineTest, HelpNeedsNoCommand) {
  auto help = Parse({"--help"});
  ASSERT_TRUE(help.ok());
  EXPECT_TRUE(help->options.help);
  EXPECT_EQ(help->command, nullptr);
}

struct UsageCase {
  std::vector<std::string> arguments;
  std::string message;
};

class ParseUsageErrorTest : public ::testing::TestWithParam<UsageCase> {};

TEST_P(ParseUsageErrorTest, RefusesWithAClearMessage) {
  auto invocation = Parse(GetParam().arguments);
  ASSERT_FALSE(invocation.ok());
  EXPECT_THAT(std::string(invocation.status().message()), HasSubstr(GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseUsageErrorTest,
    ::testing::Values(
        UsageCase{{}, "missing command"}, UsageCase{{"teleport"}, "unknown command 'teleport'"},
        UsageCase{{"points"}, "missing verb for points"},
        UsageCase{{"points", "steal"}, "unknown verb 'steal' for points"},
        UsageCase{{"points", "redeem", "--org=o", "--member=m"}, "needs --points"},
        UsageCase{{"points", "redeem", "--org=o", "--member=m", "--points=ten"},
                  "--points must be an integer, got 'ten'"},
        UsageCase{{"points", "redeem", "--org=o", "--member=m", "--points=1.5"},
                  "must be an integer"},
        UsageCase{{"tier", "--org=o", "--member=m", "--bogus=1"}, "unknown flag --bogus"},
        UsageCase{{"--org=o", "org", "show"}, "command flags go after the command"},
        UsageCase{{"org", "show", "--org=a", "--org=b"}, "--org given twice"},
        UsageCase{{"org", "show", "--org"}, "--org needs a value"},
        UsageCase{{"org", "show", "--org=o", "extra"}, "unexpected argument 'extra'"},
        UsageCase{{"redemptions", "--org=o", "--member=m", "--page_size=99999999999"},
                  "out of range"},
        UsageCase{{"points", "redeem", "--org=o", "--member=m", "--points=1", "--group=maybe"},
                  "takes true or false"},
        UsageCase{{"--timeout_ms=0", "org", "show", "--org=o"}, "--timeout_ms must be"},
        UsageCase{{"--timeout_ms=abc", "org", "show", "--org=o"}, "--timeout_ms must be"}));

TEST(ParseCommandLineTest, LimitsArgumentCountAndLength) {
  std::vector<std::string> many(kMaxArguments + 1, "x");
  EXPECT_FALSE(Parse(many).ok());
  EXPECT_FALSE(Parse({"org", "show", "--org=" + std::string(kMaxArgumentLength, 'a')}).ok());
}

TEST(CommandTableTest, EveryCommandHasAHandlerAndUniqueName) {
  std::vector<std::string> names;
  for (const CommandSpec& command : Commands()) {
    EXPECT_NE(command.handler, nullptr) << CommandName(command);
    names.push_back(CommandName(command));
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
  for (const char* expected : {"org create",
                               "org show",
                               "program create",
                               "program show",
                               "program list",
                               "program activate",
                               "program close",
                               "program set-default",
                               "program rules",
                               "point-type add",
                               "subtype add",
                               "tier add",
                               "action add",
                               "member create",
                               "member show",
                               "member status",
                               "member enrol",
                               "household join",
                               "household leave",
                               "household rollup",
                               "points accrue",
                               "points adjust",
                               "points reverse",
                               "points redeem",
                               "points transfer",
                               "points reserve",
                               "points capture",
                               "points void",
                               "points cancel",
                               "balances",
                               "tier",
                               "redemptions",
                               "history"}) {
    EXPECT_TRUE(std::binary_search(names.begin(), names.end(), expected)) << expected;
  }
  for (const char* expected : {"badge define", "badge show", "badge list"}) {
    EXPECT_TRUE(std::binary_search(names.begin(), names.end(), expected)) << expected;
  }
}

// `badge define --org=o --program=p --badge=b --name=N` and `extra`, parsed and turned into the
// definition it sends.
absl::StatusOr<v1::BadgeDefinition> DefineBadge(const std::vector<std::string>& extra) {
  std::vector<std::string> arguments = {"badge",     "define", "--org=o",    "--program=p",
                                        "--badge=b", "--name", "Big Spender"};
  arguments.insert(arguments.end(), extra.begin(), extra.end());
  absl::StatusOr<Invocation> invocation = Parse(arguments);
  if (!invocation.ok()) return invocation.status();
  return BadgeFromFlags(invocation->flags);
}

TEST(BadgeDefineTest, ReadsASpendBadgeWithItsLevelsInOrder) {
  auto badge = DefineBadge({"--spend_amount", "--window_days=365", "--level=bronze:10000",
                            "--level", "silver:50000:250", "--level=gold:100000:1000:LOUNGE:T2",
                            "--claw_back", "--active_from=2026-03-01T00:00:00Z", "--key=k-1"});
  ASSERT_TRUE(badge.ok()) << badge.status();
  EXPECT_EQ(badge->badge_id(), "b");
  EXPECT_EQ(badge->name(), "Big Spender");
  ASSERT_TRUE(badge->criterion().has_spend());
  EXPECT_EQ(badge->criterion().spend().measure(), v1::SPEND_MEASURE_AMOUNT);
  EXPECT_EQ(badge->criterion().spend().window_days(), 365);
  ASSERT_EQ(badge->levels_size(), 3);
  EXPECT_EQ(badge->levels(0).code(), "bronze");
  EXPECT_EQ(badge->levels(0).threshold(), 10000);
  EXPECT_EQ(badge->levels(0).benefit().bonus_points(), 0);
  EXPECT_EQ(badge->levels(0).benefit().benefit_code(), "");
  EXPECT_EQ(badge->levels(1).code(), "silver");
  EXPECT_EQ(badge->levels(1).threshold(), 50000);
  EXPECT_EQ(badge->levels(1).benefit().bonus_points(), 250);
  EXPECT_EQ(badge->levels(2).code(), "gold");
  EXPECT_EQ(badge->levels(2).benefit().bonus_points(), 1000);
  EXPECT_EQ(badge->levels(2).benefit().benefit_code(), "LOUNGE:T2") << "the last part keeps ':'";
  for (const v1::BadgeLevel& level : badge->levels()) {
    EXPECT_TRUE(level.benefit().claw_back_on_reversal()) << level.code();
  }
  EXPECT_EQ(badge->active_from().seconds(), 1772323200);
  EXPECT_FALSE(badge->has_active_to());
}

TEST(BadgeDefineTest, ReadsTheOtherCriteria) {
  auto points = DefineBadge({"--spend_points", "--level=a:1"});
  ASSERT_TRUE(points.ok()) << points.status();
  EXPECT_EQ(points->criterion().spend().measure(), v1::SPEND_MEASURE_POINTS);
  EXPECT_EQ(points->criterion().spend().window_days(), 0) << "lifetime";
  EXPECT_FALSE(points->levels(0).benefit().claw_back_on_reversal());

  auto tenure = DefineBadge({"--tenure", "--level=one-year:12::ANNIVERSARY", "--level=two:24"});
  ASSERT_TRUE(tenure.ok()) << tenure.status();
  EXPECT_TRUE(tenure->criterion().has_tenure());
  EXPECT_EQ(tenure->levels(0).benefit().bonus_points(), 0) << "empty BONUS_POINTS is none";
  EXPECT_EQ(tenure->levels(0).benefit().benefit_code(), "ANNIVERSARY");

  auto advocacy = DefineBadge({"--advocacy=referral", "--level=advocate:3:100",
                               "--active_to=2026-12-31T00:00:00Z", "--expected_version=4"});
  ASSERT_TRUE(advocacy.ok()) << advocacy.status();
  EXPECT_EQ(advocacy->criterion().advocacy().action_code(), "referral");
  EXPECT_TRUE(advocacy->has_active_to());
}

TEST(BadgeDefineTest, LevelFormatErrorsNameTheFlagAndTheValue) {
  struct Case {
    std::string level;
    std::string message;
  };
  for (const Case& tested : std::vector<Case>{
           {"gold", "--level 'gold': no THRESHOLD"},
           {":100", "--level ':100': the level CODE is empty"},
           {"gold:", "--level 'gold:': THRESHOLD must be an integer, got ''"},
           {"gold:lots", "--level 'gold:lots': THRESHOLD must be an integer, got 'lots'"},
           {"gold:1.5", "THRESHOLD must be an integer, got '1.5'"},
           {"vip:gold:100", "got 'gold'; a level CODE cannot hold ':'"},
           {"gold:100:many",
            "--level 'gold:100:many': BONUS_POINTS must be an integer, got 'many'"},
       }) {
    auto level = ParseBadgeLevel(tested.level);
    ASSERT_FALSE(level.ok()) << tested.level;
    EXPECT_THAT(std::string(level.status().message()), HasSubstr(tested.message));
    EXPECT_THAT(std::string(level.status().message()),
                HasSubstr("CODE:THRESHOLD[:BONUS_POINTS[:BENEFIT_CODE]]"));
    // Through the command line: the same error, whichever --level is bad.
    auto badge = DefineBadge({"--tenure", "--level=ok:1", "--level=" + tested.level});
    ASSERT_FALSE(badge.ok()) << tested.level;
    EXPECT_THAT(std::string(badge.status().message()), HasSubstr(tested.message));
  }
}

TEST(BadgeDefineTest, RefusesBadFlagCombinations) {
  struct Case {
    std::vector<std::string> flags;
    std::string message;
  };
  for (const Case& tested : std::vector<Case>{
           {{"--level=a:1"}, "give exactly one criterion: --spend_amount, --spend_points"},
           {{"--tenure", "--advocacy=referral", "--level=a:1"}, "give exactly one criterion"},
           {{"--spend_amount", "--spend_points", "--level=a:1"}, "give exactly one criterion"},
           {{"--tenure", "--window_days=30", "--level=a:1"},
            "--window_days goes with --spend_amount or --spend_points"},
           {{"--advocacy=referral", "--claw_back", "--level=a:1"},
            "--claw_back goes with --spend_amount or --spend_points"},
           {{"--tenure", "--level=a:1", "--active_from=tomorrow"},
            "--active_from must be an RFC 3339 time"},
           {{"--tenure"}, "`badge define` needs --level"},
           {{"--tenure", "--level=a:1", "--window_days=x"}, "--window_days must be an integer"},
           {{"--tenure", "--level=a:1", "--expected_version=v2"},
            "--expected_version must be an integer"},
           {{"--tenure", "--level=a:1", "--claw_back", "--claw_back"}, "--claw_back given twice"},
       }) {
    auto badge = DefineBadge(tested.flags);
    ASSERT_FALSE(badge.ok()) << tested.message;
    EXPECT_THAT(std::string(badge.status().message()), HasSubstr(tested.message));
  }
  // A switch given as false is not given.
  EXPECT_TRUE(DefineBadge({"--tenure=false", "--advocacy=review", "--level=a:1"}).ok());
}

TEST(ParseCommandLineTest, ARepeatedFlagKeepsEveryValueInOrder) {
  auto invocation = Parse({"badge", "define", "--org=o", "--program=p", "--badge=b", "--name=B",
                           "--tenure", "--level=a:1", "--level", "b:2", "--level=c:3"});
  ASSERT_TRUE(invocation.ok()) << invocation.status();
  EXPECT_THAT(invocation->flags.Strings("level"), ::testing::ElementsAre("a:1", "b:2", "c:3"));
  EXPECT_EQ(invocation->flags.String("level"), "c:3");
  EXPECT_THAT(invocation->flags.Strings("org"), ::testing::ElementsAre("o"));
  EXPECT_TRUE(invocation->flags.Strings("advocacy").empty());
}

TEST(ParseCommandLineTest, BadgeShowAndListAndMemberShowTakeAProgram) {
  auto show = Parse({"badge", "show", "--org=o", "--program=p", "--badge=b"});
  ASSERT_TRUE(show.ok()) << show.status();
  EXPECT_FALSE(Parse({"badge", "show", "--org=o", "--badge=b"}).ok()) << "needs --program";
  auto list = Parse({"badge", "list", "--org=o", "--active_only"});
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_TRUE(list->flags.Bool("active_only"));
  EXPECT_FALSE(list->flags.Has("program")) << "the default program";
  EXPECT_FALSE(Parse({"badge", "list", "--org=o", "--key=k"}).ok()) << "read-only";
  auto member = Parse({"member", "show", "--org=o", "--member=m", "--program=p"});
  ASSERT_TRUE(member.ok()) << member.status();
  EXPECT_EQ(member->flags.String("program"), "p");
}

TEST(CommandTableTest, UsageMarksARepeatedFlag) {
  for (const CommandSpec& command : Commands()) {
    if (CommandName(command) != "badge define") continue;
    std::ostringstream out;
    PrintCommandUsage(command, out);
    EXPECT_THAT(out.str(), HasSubstr("--level=CODE:THRESHOLD[:BONUS_POINTS[:BENEFIT_CODE]]..."));
    EXPECT_THAT(out.str(), HasSubstr("[--advocacy=ACTION]"));
    EXPECT_THAT(out.str(), HasSubstr("[--key=KEY]"));
    return;
  }
  ADD_FAILURE() << "no badge define";
}

}  // namespace
}  // namespace loyalty::ctl
