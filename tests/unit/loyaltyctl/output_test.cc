// loyaltyctl's output without a server: refusal messages, tables, rendering, JSON, exit codes.

#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "loyalty/v1/common.pb.h"
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

grpc::Status Refused(grpc::StatusCode code, const std::string& message, const std::string& reason,
                     const std::string& field = "") {
  google::rpc::ErrorInfo info;
  info.set_reason(reason);
  info.set_domain("loyalty.v1");
  if (!field.empty()) (*info.mutable_metadata())["field"] = field;
  google::rpc::Status details;
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
  EXPECT_THAT(DescribeFailure(
                  Refused(grpc::StatusCode::ALREADY_EXISTS, "no", "IDEMPOTENCY_KEY_REUSED"), "h:1")
                  .hint,
              HasSubstr("use a new --key"));
}

TEST(DescribeFailureTest, TransportFailuresExitThreeAndNameTheTarget) {
  const Failure failure = DescribeFailure(
      grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection refused"), "10.1.1.1:50051");
  EXPECT_EQ(failure.exit_code, kExitTransport);
  EXPECT_EQ(failure.message, "error: UNAVAILABLE: connection refused");
  EXPECT_THAT(failure.hint, HasSubstr("is the service running at 10.1.1.1:50051?"));
  EXPECT_THAT(failure.hint, HasSubstr("the TLS handshake failed: --tls_ca must hold"));
  EXPECT_EQ(
      DescribeFailure(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "late"), "h:1").exit_code,
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

TEST(JsonTest, PrintsAFailureWithEveryKey) {
  const Failure refused = DescribeFailure(
      Refused(grpc::StatusCode::INVALID_ARGUMENT, "must be \"USD\"", "INVALID_FIELD", "currency"),
      "h:1");
  std::ostringstream out;
  PrintFailureJson(refused, out);
  google::protobuf::Struct printed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(out.str(), &printed).ok()) << out.str();
  const auto& error = printed.fields().at("error").struct_value().fields();
  EXPECT_EQ(error.at("code").string_value(), "INVALID_ARGUMENT");
  EXPECT_EQ(error.at("reason").string_value(), "INVALID_FIELD");
  EXPECT_EQ(error.at("message").string_value(), "must be \"USD\"");
  EXPECT_THAT(error.at("hint").string_value(), HasSubstr("currency"));
  EXPECT_EQ(error.at("details").struct_value().fields().at("field").string_value(), "currency");
  EXPECT_EQ(out.str().back(), '\n');

  std::ostringstream transport;
  PrintFailureJson(DescribeFailure(grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"), "h:1"),
                   transport);
  EXPECT_THAT(transport.str(), HasSubstr("\"reason\":\"\""));
  EXPECT_THAT(transport.str(), HasSubstr("\"details\":{}"));
  EXPECT_THAT(transport.str(), HasSubstr("\"code\":\"UNAVAILABLE\""));
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
  EXPECT_EQ(
      ctl::Run({"--insecure_plaintext", "points", "reverse", "--org=o", "--member=m", "--order=1"},
               out, err),
      kExitUsage);
  EXPECT_EQ(ctl::Run({"--insecure_plaintext", "member", "status", "--org=o", "--member=m",
                      "--status=asleep"},
                     out, err),
            kExitUsage);
  EXPECT_THAT(err.str(), HasSubstr("active, suspended, closed"));
  EXPECT_EQ(
      ctl::Run({"--insecure_plaintext", "program", "rules", "--org=o", "--program=p"}, out, err),
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
