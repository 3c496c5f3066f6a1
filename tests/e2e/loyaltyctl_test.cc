// The real loyaltyctl binary against a real command service (in-process, real gRPC port,
// plaintext): tables, --json, idempotent replays, refusals (exit 1) and usage errors (exit 2); and
// against the real loyalty-command binary serving mutual TLS with an access policy.

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/worker/partner_jobs.h"
#include "tests/support/command_server.h"
#include "tests/support/partner_simulator.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/query_server.h"
#include "tests/support/service_process.h"
#include "tests/support/test_pki.h"

namespace loyalty::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `loyaltyctl <arguments>` through the shell; stdout through the pipe, stderr via a file.
Result Ctl(const std::string& arguments) {
  char err_path[] = "/tmp/loyaltyctl-err-XXXXXX";
  const int fd = mkstemp(err_path);
  close(fd);
  const std::string command =
      absl::StrCat(LOYALTYCTL_BINARY, " ", arguments, " 2>", err_path);
  Result result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.out.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err_file(err_path);
  std::stringstream err;
  err << err_file.rdbuf();
  result.err = err.str();
  std::remove(err_path);
  return result;
}

// The ledger position in a --json command response.
int64_t LedgerPositionAfter(const std::string& json) {
  const std::string key = "\"ledgerPosition\":\"";
  const size_t at = json.find(key);
  return at == std::string::npos ? 0 : std::stoll(json.substr(at + key.size()));
}

class LoyaltyctlTest : public ::testing::Test {
 protected:
  // `loyaltyctl --target=127.0.0.1:PORT --insecure_plaintext <arguments>`.
  Result Run(const std::string& arguments) {
    return Ctl(
        absl::StrCat("--target=127.0.0.1:", server_.port(), " --insecure_plaintext ", arguments));
  }

  // Runs and expects success.
  Result Ok(const std::string& arguments) {
    Result result = Run(arguments);
    EXPECT_EQ(result.exit_code, 0) << arguments << "\nstdout:\n" << result.out << "\nstderr:\n"
                                   << result.err;
    return result;
  }

  // An org "acme" with an active program "shop" (point type base, subtype purchase) and member
  // "ann", all with fixed keys.
  void CreateShop() {
    Ok("org create --org=acme --name='Acme Stores' --key=org-1");
    Ok("program create --org=acme --program=shop --name='Acme Shop' --currency=USD "
       "--earn_points=1 --earn_per_minor=100 --minimum=10 --key=prog-1");
    Ok("point-type add --org=acme --program=shop --code=base --redeemable "
       "--counts_toward_tier --key=pt-1");
    Ok("subtype add --org=acme --program=shop --subtype=purchase --key=st-1");
    Ok("program activate --org=acme --program=shop --key=act-1");
    Ok("member create --org=acme --member=ann --key=mem-1");
  }

  CommandServer server_;
};

TEST_F(LoyaltyctlTest, SetsUpAProgramEarnsRedeemsAndAdjusts) {
  CreateShop();

  const Result shown = Ok("program show --org=acme --program=shop");
  EXPECT_THAT(shown.out, HasSubstr("status"));
  EXPECT_THAT(shown.out, HasSubstr("active"));
  EXPECT_THAT(shown.out, HasSubstr("base"));

  const Result accrued = Ok("points accrue --org=acme --member=ann --order=o-1 --amount=12500 "
                            "--currency=USD --key=acc-1");
  EXPECT_THAT(accrued.out, HasSubstr("accrued 125 points"));
  EXPECT_THAT(accrued.out, HasSubstr("PROGRAM  AVAILABLE"));
  EXPECT_THAT(accrued.out, MatchesRegex("(.|\n)*\nshop +125 +0 +0 +125 +125 +0 (.|\n)*"));

  // The same key again is a replay: no second effect.
  const Result replayed = Ok("points accrue --org=acme --member=ann --order=o-1 --amount=12500 "
                             "--currency=USD --key=acc-1");
  EXPECT_THAT(replayed.out, HasSubstr("replayed"));
  EXPECT_THAT(replayed.out, MatchesRegex("(.|\n)*\nshop +125 (.|\n)*"));

  const Result redeemed = Ok("--json points redeem --org=acme --member=ann --points=50 "
                             "--reward=voucher --key=red-1");
  EXPECT_THAT(redeemed.out, HasSubstr("\"points\":\"50\""));
  EXPECT_THAT(redeemed.out, HasSubstr("\"reward\":\"voucher\""));
  EXPECT_THAT(redeemed.out, HasSubstr("\"available\":\"75\""));
  EXPECT_THAT(redeemed.out, HasSubstr("\"replayed\":false"));
  EXPECT_EQ(redeemed.out.back(), '\n');

  const Result adjusted = Ok("points adjust --org=acme --member=ann --points=-5 "
                             "--reason=goodwill-correction --actor=staff-7");
  EXPECT_THAT(adjusted.out, HasSubstr("accrued -5 points"));
  EXPECT_THAT(adjusted.out, MatchesRegex("(.|\n)*\nshop +70 (.|\n)*"));
  // No --key: a fresh one is made and printed so the operator can retry with it.
  EXPECT_THAT(adjusted.err, HasSubstr("idempotency key: ctl-"));

  const Result member = Ok("--json member show --org=acme --member=ann");
  EXPECT_THAT(member.out, HasSubstr("\"memberId\":\"ann\""));
}

TEST_F(LoyaltyctlTest, RunsAPartnerProgramFromLinkToVoucher) {
  CreateShop();
  PartnerSimulator airline;
  airline.AddAccount("FF-1", "Smith");
  const Result created = Ok(absl::StrCat(
      "partner create --org=acme --partner=jetair --name='Jet Air' --program=shop "
      "--point_type=base --local_points=100 --partner_points=3 --return_window_days=30 "
      "--identity_field=last-name --voucher_points=1000 --voucher_value=500 --currency=USD "
      "--voucher_validity_days=90 --gateway=",
      airline.address(), " --key=partner-1"));
  EXPECT_THAT(created.out, HasSubstr("100 local = 3 partner points"));
  EXPECT_THAT(Ok("partner list --org=acme").out, HasSubstr("jetair"));

  const Result refused =
      Run("partner link --org=acme --member=ann --partner=jetair "
          "--account=FF-1 --identity=Jones");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("PARTNER_REFUSED_ACCOUNT"));
  const Result linked =
      Ok("partner link --org=acme --member=ann --partner=jetair --account=FF-1 "
         "--identity=Smith");
  EXPECT_THAT(linked.out, HasSubstr("member ann - jetair account FF-1, active"));

  Ok("points accrue --org=acme --member=ann --order=o-1 --amount=25000 --currency=USD");
  server_.clock().Advance(absl::Hours(24 * 31));
  const store::Context context{&server_.pool(), &server_.clock(), pg::RetryPolicy{}};
  ASSERT_TRUE(worker::ConvertPoints(context, server_.gateways(), 10).ok());
  ASSERT_TRUE(worker::SendConversions(context, server_.gateways(), 10, {}).ok());
  EXPECT_EQ(airline.credited("FF-1"), 6);

  const Result notified =
      Ok("--json partner notify --org=acme --partner=jetair --request=r-1 "
         "--account=FF-1 --partner_points=1500 --kind=credit");
  EXPECT_THAT(notified.out, HasSubstr("\"minorUnits\":\"750\""));
  const std::string key = "\"voucherId\":\"";
  const size_t at = notified.out.find(key);
  ASSERT_NE(at, std::string::npos);
  const std::string voucher = notified.out.substr(
      at + key.size(), notified.out.find('"', at + key.size()) - at - key.size());
  const Result spent = Ok(absl::StrCat("voucher redeem --org=acme --member=ann --voucher=", voucher,
                                       " --order=till-1 --amount=300 --currency=USD"));
  EXPECT_THAT(spent.out, HasSubstr("applied 3.00 USD"));
  EXPECT_THAT(spent.out, HasSubstr("remaining 4.50 USD, active"));
  Ok("partner unlink --org=acme --member=ann --partner=jetair");
}

TEST_F(LoyaltyctlTest, QueryCommandsReadTheViewsThroughTheQueryService) {
  CreateShop();
  QueryServer query(server_.database_url(), &server_.clock(), /*project=*/true);
  const std::string targets = absl::StrCat("--query_target=127.0.0.1:", query.port(), " ");
  const Result accrued = Ok("--json points accrue --org=acme --member=ann --order=o-1 "
                            "--amount=12500 --currency=USD --key=acc-1");
  Ok("points redeem --org=acme --member=ann --points=25 --reward=coffee --key=red-1");
  // Read-your-writes: wait for the views to reach the redemption's position.
  const Result balances = Ok(targets + "balances --org=acme --member=ann --min_position=" +
                             std::to_string(LedgerPositionAfter(accrued.out) + 1));
  EXPECT_THAT(balances.out, MatchesRegex("(.|\n)*\nshop +100 +0 +0 +125 +125 +0 (.|\n)*"));
  const Result redemptions = Ok(targets + "redemptions --org=acme --member=ann");
  EXPECT_THAT(redemptions.out, HasSubstr("coffee"));
  EXPECT_THAT(redemptions.out, HasSubstr("shop:25"));
  const Result history = Ok(targets + "--json history --org=acme --member=ann");
  EXPECT_THAT(history.out, HasSubstr("LEDGER_ENTRY_KIND_REDEMPTION"));
}

TEST_F(LoyaltyctlTest, DefinesABadgeAndShowsTheMembersLevels) {
  CreateShop();
  QueryServer query(server_.database_url(), &server_.clock(), /*project=*/true);
  const std::string targets = absl::StrCat("--query_target=127.0.0.1:", query.port(), " ");
  const Result defined =
      Ok("badge define --org=acme --program=shop --badge=big-spender --name='Big Spender' "
         "--spend_amount --level=bronze:10000:100:CINEMA_2_FOR_1 --level=silver:50000 "
         "--claw_back --key=badge-1");
  EXPECT_THAT(defined.out, HasSubstr("big-spender"));
  EXPECT_THAT(defined.out, HasSubstr("CINEMA_2_FOR_1"));
  EXPECT_THAT(Ok("badge show --org=acme --program=shop --badge=big-spender").out,
              MatchesRegex("(.|\n)*version +1\n(.|\n)*"));
  const Result stale =
      Run("badge define --org=acme --program=shop --badge=big-spender "
          "--name=x --spend_amount --level=a:1 --expected_version=5");
  EXPECT_EQ(stale.exit_code, 1);
  EXPECT_THAT(stale.err, HasSubstr("BADGE_CHANGED"));

  const Result accrued =
      Ok("--json points accrue --org=acme --member=ann --order=o-1 "
         "--amount=12500 --currency=USD --key=acc-1");
  EXPECT_THAT(accrued.out, HasSubstr("\"levelCode\":\"bronze\""));
  EXPECT_THAT(accrued.out, HasSubstr("\"available\":\"225\""));  // 125 + the bonus of 100
  const Result listed = Ok(targets + "badge list --org=acme");
  EXPECT_THAT(listed.out, HasSubstr("bronze:10000 silver:50000"));
  const Result member = Ok(targets + "member show --org=acme --member=ann --min_position=" +
                           std::to_string(LedgerPositionAfter(accrued.out)));
  EXPECT_THAT(member.out, HasSubstr("big-spender"));
  EXPECT_THAT(member.out, HasSubstr("CINEMA_2_FOR_1"));
  EXPECT_THAT(member.out, HasSubstr("silver"));
}

TEST_F(LoyaltyctlTest, RefusedRedeemExitsOneWithTheReason) {
  CreateShop();
  Ok("points accrue --org=acme --member=ann --points=30 --description=welcome --key=acc-2");

  const Result refused = Run("points redeem --org=acme --member=ann --points=100 --key=red-2");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(refused.out.empty()) << refused.out;
  EXPECT_THAT(refused.err, HasSubstr("error: FAILED_PRECONDITION INSUFFICIENT_POINTS:"));
  EXPECT_THAT(refused.err, HasSubstr("loyaltyctl balances"));

  const Result below = Run("points redeem --org=acme --member=ann --points=5");
  EXPECT_EQ(below.exit_code, 1);
  EXPECT_THAT(below.err, HasSubstr("BELOW_MINIMUM"));

  const Result reused = Run("points redeem --org=acme --member=ann --points=20 --key=acc-2");
  EXPECT_EQ(reused.exit_code, 1);
  EXPECT_THAT(reused.err, HasSubstr("IDEMPOTENCY_KEY_REUSED"));
  EXPECT_THAT(reused.err, HasSubstr("use a new --key"));

  const Result invalid = Run("points accrue --org=acme --member=ann --order=o-9 --amount=100 "
                             "--currency=EUR");
  EXPECT_EQ(invalid.exit_code, 1);
  EXPECT_THAT(invalid.err, HasSubstr("INVALID_FIELD"));
  EXPECT_THAT(invalid.err, HasSubstr("currency"));

  const Result unknown = Run("member show --org=acme --member=nobody");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("MEMBER_NOT_FOUND"));
}

TEST_F(LoyaltyctlTest, JsonPrintsRefusalsAsJson) {
  CreateShop();
  const Result refused =
      Run("--json points redeem --org=acme --member=ann --points=100 --key=red-json");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.out, MatchesRegex("\\{\"error\":\\{.*\\}\\}\n"));
  EXPECT_THAT(refused.out, HasSubstr("\"code\":\"FAILED_PRECONDITION\""));
  EXPECT_THAT(refused.out, HasSubstr("\"reason\":\"INSUFFICIENT_POINTS\""));
  EXPECT_THAT(refused.out, HasSubstr("\"hint\":\"the member has fewer available points"));
  EXPECT_THAT(refused.err, HasSubstr("error: FAILED_PRECONDITION INSUFFICIENT_POINTS:"));

  const Result invalid =
      Run("--json points accrue --org=acme --member=ann --order=o-9 "
          "--amount=100 --currency=EUR");
  EXPECT_EQ(invalid.exit_code, 1);
  EXPECT_THAT(invalid.out, HasSubstr("\"reason\":\"INVALID_FIELD\""));
  EXPECT_THAT(invalid.out, MatchesRegex(".*\"details\":\\{\"field\":\"[a-z_.]*currency\"\\}.*"));

  const Result unreachable =
      Ctl("--target=127.0.0.1:1 --insecure_plaintext --timeout_ms=2000 --json org show --org=acme");
  EXPECT_EQ(unreachable.exit_code, 3);
  EXPECT_THAT(unreachable.out, HasSubstr("\"code\":\"UNAVAILABLE\""));
  EXPECT_THAT(unreachable.out, HasSubstr("\"reason\":\"\""));
}

TEST_F(LoyaltyctlTest, UsageErrorsExitTwo) {
  const Result missing = Run("points redeem --org=acme --member=ann");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("needs --points"));
  EXPECT_THAT(missing.err, HasSubstr("usage: loyaltyctl points redeem"));

  const Result not_a_number = Run("points redeem --org=acme --member=ann --points=lots");
  EXPECT_EQ(not_a_number.exit_code, 2);
  EXPECT_THAT(not_a_number.err, HasSubstr("--points must be an integer"));

  EXPECT_EQ(Run("frobnicate").exit_code, 2);
  EXPECT_EQ(Run("program explode --org=acme").exit_code, 2);
}

TEST_F(LoyaltyctlTest, NoServiceExitsThreeAndNamesTheTarget) {
  const Result result =
      Ctl("--target=127.0.0.1:1 --insecure_plaintext --timeout_ms=2000 org show --org=acme");
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_THAT(result.err, HasSubstr("is the service running at 127.0.0.1:1?"));
}

TEST_F(LoyaltyctlTest, TlsIsTheDefault) {
  const Result result =
      Ctl(absl::StrCat("--target=127.0.0.1:", server_.port(), " org show --org=a"));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("--tls_ca is required"));
  EXPECT_THAT(result.err, HasSubstr("--insecure_plaintext"));
}

// The real loyalty-command binary serving mutual TLS (certificates by scripts/pki.sh) with an
// access policy: the operator's certificate may do everything, the reader's only QueryService.
class LoyaltyctlTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    operator_ = pki_.Issue("operator", "--spiffe=spiffe://loyalty.local/operator");
    reader_ = pki_.Issue("reader", "--spiffe=spiffe://loyalty.local/reader");
    std::ofstream(pki_.Path("policy.json"))
        << R"({"grants":[)"
           R"({"identity":"spiffe://loyalty.local/operator","roles":["operator"],"all_orgs":true},)"
           R"({"identity":"spiffe://loyalty.local/reader","roles":["read"],"all_orgs":true}]})";
    const int port = FreeLoopbackPort();
    target_ = absl::StrCat("--target=127.0.0.1:", port);
    const rpc::ServerTls server = pki_.Server();
    command_ = std::make_unique<ServiceProcess>(
        LOYALTY_COMMAND_BINARY,
        std::vector<std::string>{
            "serve", "--database_url=" + SharedPgCluster().CreateDatabase(),
            absl::StrCat("--listen=127.0.0.1:", port), "--metrics_listen=", "--pool_size=2",
            "--tls_cert=" + server.cert, "--tls_key=" + server.key,
            "--tls_client_ca=" + server.client_ca, "--access_policy=" + pki_.Path("policy.json")},
        port, pki_.Path("command.log"));
    ASSERT_TRUE(command_->Start(absl::Seconds(60))) << command_->LogTail();
  }

  void TearDown() override {
    if (HasFailure()) std::printf("--- loyalty-command log:\n%s\n", command_->LogTail().c_str());
  }

  // `loyaltyctl --target=... --tls_ca=... [--tls_cert=... --tls_key=...] <arguments>`.
  Result As(const rpc::ClientTls& tls, const std::string& arguments) {
    std::string flags = absl::StrCat(target_, " --tls_ca=", tls.ca);
    if (!tls.cert.empty()) {
      absl::StrAppend(&flags, " --tls_cert=", tls.cert, " --tls_key=", tls.key);
    }
    return Ctl(absl::StrCat(flags, " ", arguments));
  }

  TestPki pki_;
  rpc::ClientTls operator_;
  rpc::ClientTls reader_;
  std::string target_;
  std::unique_ptr<ServiceProcess> command_;
};

TEST_F(LoyaltyctlTlsTest, TheOperatorCertificateWorksOthersAreRefused) {
  const Result created = As(operator_, "org create --org=acme --name=Acme --key=org-1");
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const Result program =
      As(operator_, "program create --org=acme --program=shop --name='Acme Shop' --currency=USD "
                    "--earn_points=1 --earn_per_minor=100 --key=prog-1");
  ASSERT_EQ(program.exit_code, 0) << program.err;
  const Result shown = As(operator_, "program show --org=acme --program=shop");
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_THAT(shown.out, HasSubstr("Acme Shop"));

  // No client certificate: the handshake succeeds, every call is refused.
  const Result anonymous = As(pki_.Anonymous(), "program show --org=acme --program=shop");
  EXPECT_EQ(anonymous.exit_code, 1);
  EXPECT_THAT(anonymous.err, HasSubstr("error: UNAUTHENTICATED"));
  EXPECT_THAT(anonymous.err, HasSubstr("--tls_cert"));
  EXPECT_TRUE(anonymous.out.empty()) << anonymous.out;

  // A certificate whose identity may only read: AdminService is refused, and nothing is written.
  const Result read_only = As(reader_, "program show --org=acme --program=shop");
  EXPECT_EQ(read_only.exit_code, 1);
  EXPECT_THAT(read_only.err, HasSubstr("error: PERMISSION_DENIED CALLER_NOT_ALLOWED"));
  EXPECT_THAT(read_only.err, HasSubstr("access policy"));
  const Result create = As(reader_, "org create --org=other --name=Other --key=org-2");
  EXPECT_EQ(create.exit_code, 1);
  EXPECT_THAT(create.err, HasSubstr("CALLER_NOT_ALLOWED"));
  EXPECT_THAT(As(operator_, "org show --org=other").err, HasSubstr("NOT_FOUND"));

  // A certificate of a CA the service does not trust fails the handshake: a transport error.
  pki_.MakeCa("other-ca");
  const Result stranger = As(
      pki_.Issue("stranger", "--ca=other-ca --spiffe=spiffe://loyalty.local/operator"),
      "org show --org=acme");
  EXPECT_EQ(stranger.exit_code, 3) << stranger.err;
  EXPECT_THAT(stranger.err, HasSubstr("the TLS handshake failed"));
}

}  // namespace
}  // namespace loyalty::testing
