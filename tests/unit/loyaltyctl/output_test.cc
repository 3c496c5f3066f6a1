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
#include "tools/loyaltyctl/render_badges.h"
#include "tools/loyaltyctl/render_balances.h"
#include "tools/loyaltyctl/render_points.h"
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

google::protobuf::Timestamp At(const char* text) {
  auto timestamp = ParseTimestamp("at", text);
  return timestamp.ok() ? *timestamp : google::protobuf::Timestamp();
}

v1::BadgeDefinition SampleBadge() {
  v1::BadgeDefinition badge;
  badge.set_org_id("acme");
  badge.set_program_id("shop");
  badge.set_badge_id("big-spender");
  badge.set_name("Big Spender");
  badge.mutable_criterion()->mutable_spend()->set_measure(v1::SPEND_MEASURE_AMOUNT);
  badge.mutable_criterion()->mutable_spend()->set_window_days(365);
  v1::BadgeLevel* bronze = badge.add_levels();
  bronze->set_code("bronze");
  bronze->set_threshold(10000);
  v1::BadgeLevel* gold = badge.add_levels();
  gold->set_code("gold");
  gold->set_threshold(50000);
  gold->mutable_benefit()->set_bonus_points(500);
  gold->mutable_benefit()->set_benefit_code("LOUNGE");
  gold->mutable_benefit()->set_claw_back_on_reversal(true);
  *badge.mutable_active_from() = At("2026-03-01T00:00:00Z");
  badge.set_version(2);
  *badge.mutable_updated_at() = At("2026-02-20T09:30:00Z");
  return badge;
}

TEST(RenderBadgeTest, ADefinitionWithItsLevels) {
  std::ostringstream out;
  RenderBadge(SampleBadge(), out);
  EXPECT_EQ(out.str(),
            "badge        big-spender\n"
            "org          acme\n"
            "program      shop\n"
            "name         Big Spender\n"
            "criterion    spend amount (minor units), last 365 days\n"
            "active from  2026-03-01T00:00:00Z\n"
            "active to    - (no end)\n"
            "version      2\n"
            "updated      2026-02-20T09:30:00Z\n"
            "\n"
            "LEVEL   NAME  THRESHOLD  BONUS POINTS  BENEFIT  CLAW BACK\n"
            "bronze  -         10000             -  -        no\n"
            "gold    -         50000           500  LOUNGE   yes\n");
}

TEST(RenderBadgeTest, CriteriaAsText) {
  v1::BadgeCriterion criterion;
  criterion.mutable_spend()->set_measure(v1::SPEND_MEASURE_POINTS);
  EXPECT_EQ(BadgeCriterionText(criterion), "spend points, lifetime");
  criterion.mutable_tenure();
  EXPECT_EQ(BadgeCriterionText(criterion), "tenure (months enrolled)");
  criterion.mutable_advocacy()->set_action_code("referral");
  EXPECT_EQ(BadgeCriterionText(criterion), "advocacy: action referral");
  EXPECT_EQ(BadgeCriterionText(v1::BadgeCriterion()), "-");
}

TEST(RenderBadgeTest, AListOneRowPerBadge) {
  v1::ListBadgesResponse response;
  response.set_program_id("shop");
  *response.add_badges() = SampleBadge();
  v1::BadgeDefinition* referrer = response.add_badges();
  referrer->set_badge_id("referrer");
  referrer->set_name("Referrer");
  referrer->mutable_criterion()->mutable_advocacy()->set_action_code("referral");
  referrer->add_levels()->set_code("one");
  referrer->mutable_levels(0)->set_threshold(1);
  referrer->set_version(1);
  std::ostringstream out;
  RenderBadges(response, out);
  EXPECT_EQ(out.str(),
            "badges of program shop\n"
            "BADGE        NAME         CRITERION                                  "
            "LEVELS                   ACTIVE FROM           ACTIVE TO  VERSION\n"
            "big-spender  Big Spender  spend amount (minor units), last 365 days  "
            "bronze:10000 gold:50000  2026-03-01T00:00:00Z  -                2\n"
            "referrer     Referrer     advocacy: action referral                  "
            "one:1                    -                     -                1\n");
  v1::ListBadgesResponse empty;
  empty.set_program_id("travel");
  std::ostringstream none;
  RenderBadges(empty, none);
  EXPECT_EQ(none.str(), "no badges in program travel\n");
}

v1::GetMemberBadgesResponse SampleMemberBadges() {
  v1::GetMemberBadgesResponse response;
  response.set_ledger_position(42);
  response.set_program_id("shop");
  v1::MemberBadge* spender = response.add_badges();
  spender->set_badge_id("big-spender");
  spender->set_name("Big Spender");
  v1::BadgeAward* bronze = spender->add_levels();
  bronze->set_badge_id("big-spender");
  bronze->set_level_code("bronze");
  bronze->set_threshold(10000);
  *bronze->mutable_awarded_at() = At("2026-03-02T10:00:00Z");
  bronze->set_order_ref("o-1");
  bronze->set_bonus_points(50);
  bronze->set_benefit_code("CINEMA_2_FOR_1");
  spender->set_current(30000);
  spender->set_next_level("gold");
  spender->set_next_threshold(50000);
  spender->set_to_next_level(20000);
  spender->set_active(true);
  v1::MemberBadge* referrer = response.add_badges();
  referrer->set_badge_id("referrer");
  referrer->set_name("Referrer");
  referrer->set_current(3);
  referrer->set_next_level("one");
  referrer->set_next_threshold(3);
  referrer->set_active(true);
  return response;
}

TEST(RenderBadgeTest, AMembersBadgesHeldLevelsAndProgress) {
  v1::GetMemberBadgesResponse response = SampleMemberBadges();
  v1::MemberBadge* loyal = response.add_badges();
  loyal->set_badge_id("loyal");
  loyal->set_name("Loyal");
  loyal->set_current(30);
  v1::BadgeAward* year = loyal->add_levels();
  year->set_level_code("one-year");
  *year->mutable_awarded_at() = At("2026-01-01T00:00:00Z");
  year->set_bonus_points(100);
  year->set_bonus_point_type("bonus");
  *year->mutable_bonus_clawed_back_at() = At("2026-02-01T00:00:00Z");
  std::ostringstream out;
  RenderMemberBadges(response, out);
  EXPECT_EQ(
      out.str(),
      "badges in program shop (as of ledger position 42)\n"
      "BADGE        NAME         HELD      PROGRESS                            ACTIVE\n"
      "big-spender  Big Spender  bronze    30000 / 50000 (gold, 20000 to go)   yes\n"
      "referrer     Referrer     -         3 / 3 (one, reached: awarded next)  yes\n"
      "loyal        Loyal        one-year  30 (every level held)               no\n"
      "\n"
      "BADGE        LEVEL     AWARDED               BONUS POINTS                                 "
      "BENEFIT         ORDER\n"
      "big-spender  bronze    2026-03-02T10:00:00Z  50                                           "
      "CINEMA_2_FOR_1  o-1\n"
      "loyal        one-year  2026-01-01T00:00:00Z  100 bonus (taken back 2026-02-01T00:00:00Z)  "
      "-               -\n");
  v1::GetMemberBadgesResponse none;
  none.set_program_id("shop");
  std::ostringstream empty;
  RenderMemberBadges(none, empty);
  EXPECT_EQ(empty.str(), "no badges in program shop (as of ledger position 0)\n");
}

TEST(RenderBadgeTest, AnAccrualPrintsTheLevelsItAwarded) {
  v1::AccrueResponse response;
  response.set_points(125);
  response.set_accrual_id(3);
  response.set_ledger_position(12);
  *response.mutable_balances() = SampleBalances();
  v1::BadgeAward* award = response.add_badges_awarded();
  award->set_badge_id("big-spender");
  award->set_level_code("gold");
  award->set_threshold(50000);
  award->set_bonus_points(500);
  award->set_benefit_code("LOUNGE");
  v1::BadgeAward* plain = response.add_badges_awarded();
  plain->set_badge_id("first-order");
  plain->set_level_code("one");
  plain->set_threshold(1);
  std::ostringstream out;
  RenderAccrue(response, out);
  EXPECT_THAT(out.str(),
              ::testing::StartsWith(
                  "accrued 125 points (accrual 3) (ledger position 12)\n"
                  "badge big-spender: level gold reached (threshold 50000), +500 bonus points, "
                  "benefit LOUNGE\n"
                  "badge first-order: level one reached (threshold 1)\n"
                  "member ann: group available 125"));
  response.clear_badges_awarded();
  std::ostringstream without;
  RenderAccrue(response, without);
  EXPECT_THAT(without.str(), Not(HasSubstr("badge")));
}

TEST(RenderBadgeTest, AReturnPrintsTheBonusesItTookBack) {
  v1::ReverseResponse response;
  response.set_points_reversed(100);
  v1::BadgeAward* award = response.add_badge_bonuses_clawed_back();
  award->set_badge_id("big-spender");
  award->set_level_code("gold");
  award->set_bonus_points(500);
  std::ostringstream out;
  RenderReverse(response, out);
  EXPECT_THAT(out.str(), HasSubstr("\nbadge big-spender: level gold's 500 bonus points taken back "
                                   "(the level stays held)\n"));
}

TEST(JsonTest, AMemberWithItsBadgesIsOneObject) {
  v1::Balances member;  // any message
  member.set_member_id("ann");
  std::ostringstream out;
  PrintJsonWith(member, "memberBadges", MessageJson(SampleMemberBadges()), out);
  EXPECT_EQ(out.str().back(), '\n');
  google::protobuf::Struct printed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(out.str(), &printed).ok()) << out.str();
  EXPECT_EQ(printed.fields().at("memberId").string_value(), "ann");
  const auto& badges = printed.fields().at("memberBadges").struct_value().fields();
  EXPECT_EQ(badges.at("programId").string_value(), "shop");
  EXPECT_EQ(badges.at("badges")
                .list_value()
                .values(0)
                .struct_value()
                .fields()
                .at("badgeId")
                .string_value(),
            "big-spender");

  std::ostringstream failed;
  PrintJsonWith(
      v1::Balances(), "memberBadges",
      FailureJson(DescribeFailure(grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"), "h:1")),
      failed);
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(failed.str(), &printed).ok())
      << failed.str();
  EXPECT_EQ(printed.fields()
                .at("memberBadges")
                .struct_value()
                .fields()
                .at("error")
                .struct_value()
                .fields()
                .at("code")
                .string_value(),
            "UNAVAILABLE");
}

TEST(RunTest, BadgeDefineUsageErrorsCallNothing) {
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(ctl::Run({"--insecure_plaintext", "badge", "define", "--org=o", "--program=p",
                      "--badge=b", "--name=B", "--tenure", "--level=gold"},
                     out, err),
            kExitUsage);
  EXPECT_THAT(err.str(), HasSubstr("usage error: --level 'gold': no THRESHOLD"));
  EXPECT_THAT(err.str(), HasSubstr("usage: loyaltyctl badge define"));
  EXPECT_THAT(err.str(), Not(HasSubstr("idempotency key")));
  EXPECT_TRUE(out.str().empty());
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
