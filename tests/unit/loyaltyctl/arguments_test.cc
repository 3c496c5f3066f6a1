// loyaltyctl's command line without a server: parsing, usage errors, the command table.

#include "tools/loyaltyctl/arguments.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
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
}

}  // namespace
}  // namespace loyalty::ctl
