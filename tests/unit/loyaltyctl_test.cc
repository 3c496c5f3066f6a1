// loyaltyctl without a server: argument parsing, refusal messages, tables and JSON.

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "loyalty/v1/common.pb.h"
#include "tools/loyaltyctl/arguments.h"
#include "tools/loyaltyctl/command_table.h"
#include "tools/loyaltyctl/failure.h"
#include "tools/loyaltyctl/format.h"
#include "tools/loyaltyctl/json.h"
#include "tools/loyaltyctl/limits.h"
#include "tools/loyaltyctl/render_balances.h"
#include "tools/loyaltyctl/render_query.h"
#include "tools/loyaltyctl/run.h"
#include "tools/loyaltyctl/table.h"

namespace loyalty::ctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

absl::StatusOr<Invocation> Parse(const std::vector<std::string>& arguments) {
  return ParseCommandLine(arguments, Commands());
}

TEST(ParseCommandLineTest, ReadsCommandFlagsAndGlobalOptionsAnywhere) {
  auto invocation = Parse({"--target=10.0.0.1:7000", "points", "redeem", "--org=demo",
                           "--member", "ann", "--points=120", "--json", "--group",
                           "--timeout_ms", "2500", "--query_target=q:1"});
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
        UsageCase{{}, "missing command"},
        UsageCase{{"teleport"}, "unknown command 'teleport'"},
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
  for (const char* expected :
       {"org create", "org show", "program create", "program show", "program list",
        "program activate", "program close", "program set-default", "program rules",
        "point-type add", "subtype add", "tier add", "action add", "member create",
        "member show", "member status", "member enrol", "household join", "household leave",
        "household rollup", "points accrue", "points adjust", "points reverse",
        "points redeem", "points transfer", "points reserve", "points capture", "points void",
        "points cancel", "balances", "tier", "redemptions", "history"}) {
    EXPECT_TRUE(std::binary_search(names.begin(), names.end(), expected)) << expected;
  }
}

grpc::Status Refused(grpc::StatusCode code, const std::string& message, const std::string& reason,
                     const std::string& field = "") {
  v1::ErrorInfo info;
  info.set_reason(reason);
  info.set_domain("loyalty.v1");
  if (!field.empty()) (*info.mutable_metadata())["field"] = field;
  v1::RpcStatus details;
  details.set_code(static_cast<int>(code));
  details.set_message(message);
  details.add_details()->PackFrom(info);
  return grpc::Status(code, message, details.SerializeAsString());
}

TEST(DescribeFailureTest, PlatformRefusalsExitOneWithReasonAndHint) {
  const Failure failure = DescribeFailure(
      Refused(grpc::StatusCode::FAILED_PRECONDITION, "only 40 available", "INSUFFICIENT_POINTS"),
      "h:1");
  EXPECT_EQ(failure.exit_code, kExitRefused);
  EXPECT_EQ(failure.message, "error: FAILED_PRECONDITION INSUFFICIENT_POINTS: only 40 available");
  EXPECT_THAT(failure.hint, HasSubstr("loyaltyctl balances"));
}

TEST(DescribeFailureTest, InvalidFieldNamesTheField) {
  const Failure failure = DescribeFailure(
      Refused(grpc::StatusCode::INVALID_ARGUMENT, "bad", "INVALID_FIELD", "purchase.amount"),
      "h:1");
  EXPECT_EQ(failure.exit_code, kExitRefused);
  EXPECT_THAT(failure.hint, HasSubstr("purchase.amount"));
}

TEST(DescribeFailureTest, KnownReasonsHaveHints) {
  for (const char* reason :
       {"IDEMPOTENCY_KEY_REUSED", "BELOW_MINIMUM", "NOT_ENROLLED", "PROGRAM_NOT_ACTIVE",
        "MEMBER_NOT_FOUND", "PROGRAM_ALREADY_EXISTS", "CONFLICT_RETRIES_EXHAUSTED", "INTERNAL",
        "DUPLICATE_ORDER", "RESERVATION_EXPIRED", "PROGRAM_NOT_READY", "UNAUTHENTICATED",
        "CALLER_NOT_ALLOWED"}) {
    const Failure failure =
        DescribeFailure(Refused(grpc::StatusCode::FAILED_PRECONDITION, "no", reason), "h:1");
    EXPECT_FALSE(failure.hint.empty()) << reason;
    EXPECT_EQ(failure.exit_code, kExitRefused) << reason;
  }
  EXPECT_THAT(DescribeFailure(Refused(grpc::StatusCode::ALREADY_EXISTS, "no",
                                      "IDEMPOTENCY_KEY_REUSED"),
                              "h:1")
                  .hint,
              HasSubstr("use a new --key"));
}

TEST(DescribeFailureTest, TransportFailuresExitThreeAndNameTheTarget) {
  const Failure failure =
      DescribeFailure(grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection refused"),
                      "10.1.1.1:50051");
  EXPECT_EQ(failure.exit_code, kExitTransport);
  EXPECT_EQ(failure.message, "error: UNAVAILABLE: connection refused");
  EXPECT_THAT(failure.hint, HasSubstr("is the service running at 10.1.1.1:50051?"));
  EXPECT_THAT(failure.hint, HasSubstr("the TLS handshake failed: --tls_ca must hold"));
  EXPECT_EQ(DescribeFailure(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "late"), "h:1")
                .exit_code,
            kExitTransport);
}

TEST(DescribeFailureTest, PlatformUnavailableWithReasonIsARefusal) {
  const Failure failure = DescribeFailure(
      Refused(grpc::StatusCode::UNAVAILABLE, "database down", "UNAVAILABLE"), "h:1");
  EXPECT_EQ(failure.exit_code, kExitRefused);
  EXPECT_THAT(failure.hint, HasSubstr("same --key"));
}

TEST(TableTest, AlignsColumns) {
  Table table({"NAME", "POINTS"}, {Table::Align::kLeft, Table::Align::kRight});
  table.AddRow({"shop", "5"});
  table.AddRow({"travel", "1200"});
  std::ostringstream out;
  table.Print(out);
  EXPECT_EQ(out.str(),
            "NAME    POINTS\n"
            "shop         5\n"
            "travel    1200\n");
}

TEST(FormatTest, MoneyUsesTheCurrencyExponent) {
  auto money = [](int64_t minor, const char* currency) {
    v1::Money value;
    value.set_minor_units(minor);
    value.set_currency(currency);
    return FormatMoney(value);
  };
  EXPECT_EQ(money(12550, "USD"), "125.50 USD");
  EXPECT_EQ(money(5, "EUR"), "0.05 EUR");
  EXPECT_EQ(money(-1999, "USD"), "-19.99 USD");
  EXPECT_EQ(money(500, "JPY"), "500 JPY");
  EXPECT_EQ(money(1234, "KWD"), "1.234 KWD");
  EXPECT_EQ(money(0, ""), "-");
}

TEST(FormatTest, EnumLabelsRoundTrip) {
  EXPECT_EQ(EnumLabel("QUALIFICATION_PERIOD_KIND_ROLLING_MONTHS", "QUALIFICATION_PERIOD_KIND_"),
            "rolling-months");
  EXPECT_EQ(EnumName("rolling-months", "QUALIFICATION_PERIOD_KIND_"),
            "QUALIFICATION_PERIOD_KIND_ROLLING_MONTHS");
  EXPECT_TRUE(ParseTimestamp("start", "2026-03-01T00:00:00Z").ok());
  EXPECT_FALSE(ParseTimestamp("start", "yesterday").ok());
}

v1::Balances SampleBalances() {
  v1::Balances balances;
  balances.set_member_id("ann");
  balances.set_group_available(125);
  balances.mutable_group_value()->set_minor_units(125);
  balances.mutable_group_value()->set_currency("USD");
  v1::ProgramBalance* shop = balances.add_programs();
  shop->set_program_id("shop");
  shop->set_available(125);
  shop->set_lifetime(150);
  shop->set_qualifying(150);
  shop->set_tier("silver");
  v1::ProgramBalance* travel = balances.add_programs();
  travel->set_program_id("travel");
  travel->set_available(-20);
  travel->set_debt(20);
  return balances;
}

TEST(RenderTest, BalancesOneRowPerProgram) {
  std::ostringstream out;
  RenderBalances(SampleBalances(), out);
  EXPECT_EQ(out.str(),
            "member ann: group available 125 (1.25 USD)\n"
            "PROGRAM  AVAILABLE  HELD  PENDING  LIFETIME  QUALIFYING  DEBT  TIER    NEXT EXPIRY\n"
            "shop           125     0        0       150         150     0  silver  -\n"
            "travel         -20     0        0         0           0    20  -       -\n");
}

TEST(RenderTest, TierProgressOfAMemberInNoTier) {
  v1::GetTierProgressResponse progress;
  progress.set_program_id("shop");
  progress.set_qualifying(125);
  progress.set_next_tier("gold");
  progress.set_points_to_next_tier(875);
  std::ostringstream out;
  RenderTierProgress(progress, out);
  EXPECT_THAT(out.str(), HasSubstr("tier             -\n"));
  EXPECT_THAT(out.str(), HasSubstr("next tier        gold in 875 points\n"));
  progress.clear_next_tier();  // a program without tiers
  std::ostringstream none;
  RenderTierProgress(progress, none);
  EXPECT_THAT(none.str(), HasSubstr("next tier        -\n"));
  EXPECT_THAT(none.str(), Not(HasSubstr("top tier")));
  progress.set_tier("gold");
  std::ostringstream top;
  RenderTierProgress(progress, top);
  EXPECT_THAT(top.str(), HasSubstr("next tier        - (top tier)\n"));
}

TEST(RenderTest, RedemptionsShowTheirBreakupByProgram) {
  google::protobuf::RepeatedPtrField<v1::Redemption> redemptions;
  v1::Redemption* redemption = redemptions.Add();
  redemption->set_redemption_id(7);
  redemption->set_program_id("shop");
  redemption->set_group(true);
  redemption->set_points(120);
  v1::ProgramBreakup* shop = redemption->add_breakup_by_program();
  shop->set_program_id("shop");
  shop->set_points(100);
  v1::ProgramBreakup* travel = redemption->add_breakup_by_program();
  travel->set_program_id("travel");
  travel->set_points(20);
  std::ostringstream out;
  RenderRedemptionTable(redemptions, out);
  EXPECT_THAT(out.str(), HasSubstr("shop:100 travel:20"));
}

TEST(JsonTest, PrintsZeroFieldsForScripts) {
  std::ostringstream out;
  PrintJson(SampleBalances(), out);
  EXPECT_THAT(out.str(), HasSubstr("\"memberId\":\"ann\""));
  EXPECT_THAT(out.str(), HasSubstr("\"held\":\"0\""));
  EXPECT_EQ(out.str().back(), '\n');
}

TEST(RunTest, UsageErrorsExitTwoWithoutCallingAnything) {
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(ctl::Run({"--insecure_plaintext", "points", "accrue", "--org=o", "--member=m",
                      "--order=1", "--points=5"},
                     out, err),
            kExitUsage);
  EXPECT_THAT(err.str(), HasSubstr("give exactly one of"));
  EXPECT_THAT(err.str(), HasSubstr("usage: loyaltyctl points accrue"));
  EXPECT_THAT(err.str(), Not(HasSubstr("idempotency key")));
  err.str("");
  EXPECT_EQ(ctl::Run({"--insecure_plaintext", "points", "reverse", "--org=o", "--member=m",
                      "--order=1"},
                     out, err),
            kExitUsage);
  EXPECT_EQ(ctl::Run({"--insecure_plaintext", "member", "status", "--org=o", "--member=m",
                      "--status=asleep"},
                     out, err),
            kExitUsage);
  EXPECT_THAT(err.str(), HasSubstr("active, suspended, closed"));
  EXPECT_EQ(ctl::Run({"--insecure_plaintext", "program", "rules", "--org=o", "--program=p"}, out,
                     err),
            kExitUsage);
  EXPECT_EQ(ctl::Run({"--insecure_plaintext", "points", "redeem", "--org=o", "--member=m",
                      "--points=5", "--group", "--program=p"},
                     out, err),
            kExitUsage);
  EXPECT_TRUE(out.str().empty());
}

// TLS is the default: without --tls_ca (or --insecure_plaintext) nothing is called.
TEST(RunTest, TlsFlagsAreCheckedBeforeAnyCall) {
  struct Case {
    std::vector<std::string> tls_flags;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{}, "--tls_ca is required (TLS is the default; --insecure_plaintext opts out)"},
      {{"--tls_ca=/nonexistent/ca.crt"}, "--tls_ca: cannot read '/nonexistent/ca.crt'"},
      {{"--insecure_plaintext", "--tls_ca=ca.crt"},
       "--insecure_plaintext goes with none of --tls_cert"},
      {{"--tls_cert=op.crt", "--tls_key=op.key"}, "--tls_ca is required"},
  };
  for (const Case& tested : cases) {
    std::vector<std::string> arguments = tested.tls_flags;
    arguments.insert(arguments.end(), {"org", "show", "--org=o", "--target=127.0.0.1:1"});
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(ctl::Run(arguments, out, err), kExitUsage) << err.str();
    EXPECT_THAT(err.str(), HasSubstr(tested.message));
    EXPECT_THAT(err.str(), HasSubstr("usage: loyaltyctl org show"));
    EXPECT_TRUE(out.str().empty());
  }
}

TEST(RunTest, HelpPrintsUsageAndExitsZero) {
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(ctl::Run({"--help"}, out, err), kExitOk);
  EXPECT_THAT(out.str(), HasSubstr("points redeem"));
  EXPECT_THAT(out.str(), HasSubstr("--tls_ca"));
  EXPECT_THAT(out.str(), HasSubstr("--insecure_plaintext"));
  out.str("");
  EXPECT_EQ(ctl::Run({"points", "redeem", "--help"}, out, err), kExitOk);
  EXPECT_THAT(out.str(), HasSubstr("usage: loyaltyctl points redeem"));
}

}  // namespace
}  // namespace loyalty::ctl
