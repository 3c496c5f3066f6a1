// loyalty-bench argument parsing, including the refusals.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/bench/options.h"

namespace loyalty::bench {
namespace {

using ::testing::HasSubstr;

TEST(BenchOptionsTest, Defaults) {
  absl::StatusOr<Options> options = ParseOptions({"--insecure_plaintext"});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->mode, Mode::kRun);
  EXPECT_EQ(options->target, "127.0.0.1:50051");
  EXPECT_EQ(options->concurrency, 32);
  EXPECT_EQ(options->rate_per_s, 0);
  EXPECT_EQ(options->mix.weight(Operation::kAccrue), 60);
  EXPECT_EQ(options->mix.weight(Operation::kTierProgress), 2);
  EXPECT_EQ(options->mix.total(), 100);
  EXPECT_EQ(options->keys.members, 1000);
}

TEST(BenchOptionsTest, EveryFlag) {
  absl::StatusOr<Options> options = ParseOptions({"prepare",
                                                  "--target=127.0.0.1:1",
                                                  "--query_target=127.0.0.1:2",
                                                  "--org=o1",
                                                  "--channels=8",
                                                  "--concurrency=64",
                                                  "--rate=2500.5",
                                                  "--max_outstanding=100",
                                                  "--mix=accrue=1,redeem=3",
                                                  "--members=50",
                                                  "--hot_fraction=0.1",
                                                  "--hot_share=0.9",
                                                  "--warmup_s=0",
                                                  "--duration_s=2",
                                                  "--timeout_ms=100",
                                                  "--json_out=/tmp/x.json",
                                                  "--label=l",
                                                  "--history=3",
                                                  "--prepare_concurrency=4",
                                                  "--insecure_plaintext=true"});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->mode, Mode::kPrepare);
  EXPECT_EQ(options->target, "127.0.0.1:1");
  EXPECT_EQ(options->query_target, "127.0.0.1:2");
  EXPECT_EQ(options->org_id, "o1");
  EXPECT_EQ(options->channels, 8);
  EXPECT_EQ(options->concurrency, 64);
  EXPECT_DOUBLE_EQ(options->rate_per_s, 2500.5);
  EXPECT_EQ(options->max_outstanding, 100);
  EXPECT_EQ(options->mix.ToString(), "accrue=1,redeem=3");
  EXPECT_EQ(options->keys.members, 50);
  EXPECT_DOUBLE_EQ(options->keys.hot_fraction, 0.1);
  EXPECT_DOUBLE_EQ(options->keys.hot_share, 0.9);
  EXPECT_EQ(options->warmup_s, 0);
  EXPECT_EQ(options->duration_s, 2);
  EXPECT_EQ(options->timeout_ms, 100);
  EXPECT_EQ(options->json_out, "/tmp/x.json");
  EXPECT_EQ(options->label, "l");
  EXPECT_EQ(options->history, 3);
  EXPECT_EQ(options->prepare_concurrency, 4);
  EXPECT_TRUE(options->tls.insecure_plaintext);
}

// TLS is the default: without --insecure_plaintext, --tls_ca must name a readable file.
TEST(BenchOptionsTest, TlsFlags) {
  char ca[] = "/tmp/bench-options-ca-XXXXXX";
  const int fd = mkstemp(ca);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "pem", 3), 3);
  close(fd);
  absl::StatusOr<Options> options =
      ParseOptions({"run", absl::StrCat("--tls_ca=", ca), "--tls_server_name=loyalty.internal"});
  std::remove(ca);
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_FALSE(options->tls.insecure_plaintext);
  EXPECT_EQ(options->tls.ca, ca);
  EXPECT_EQ(options->tls.server_name, "loyalty.internal");
  EXPECT_TRUE(options->tls.cert.empty());

  absl::StatusOr<Options> parsed =
      ParseOptions({"--insecure_plaintext=false", "--tls_cert=c", "--tls_key=k"});
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("--tls_ca is required"));
}

TEST(BenchOptionsTest, OnceNeedsKey) {
  absl::StatusOr<Options> options =
      ParseOptions({"once", "--op=redeem", "--member_index=3", "--key=k1", "--insecure_plaintext"});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->mode, Mode::kOnce);
  EXPECT_EQ(options->once_operation, Operation::kRedeem);
  EXPECT_EQ(options->member_index, 3);
  EXPECT_FALSE(ParseOptions({"once", "--op=redeem", "--insecure_plaintext"}).ok());
}

TEST(BenchOptionsTest, OnceGetBalancesNeedsQueryTargetNotKey) {
  absl::StatusOr<Options> options =
      ParseOptions({"once", "--op=get_balances", "--query_target=127.0.0.1:1", "--member_index=2",
                    "--insecure_plaintext"});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->once_operation, Operation::kGetBalances);
  EXPECT_EQ(options->query_target, "127.0.0.1:1");
  EXPECT_EQ(options->member_index, 2);
}

TEST(BenchOptionsTest, BadgesForPrepareOnly) {
  absl::StatusOr<Options> options = ParseOptions({"prepare", "--badges", "--insecure_plaintext"});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_TRUE(options->badges);
  options = ParseOptions({"prepare", "--badges=false", "--insecure_plaintext"});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_FALSE(options->badges);
  options = ParseOptions({"prepare", "--insecure_plaintext"});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_FALSE(options->badges);
}

TEST(BenchOptionsTest, Hot1) {
  absl::StatusOr<Options> options = ParseOptions(
      {"--distribution=hot1", "--mix=accrue=1", "--members=1", "--insecure_plaintext"});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_TRUE(options->keys.hot1);
}

TEST(BenchOptionsTest, Refusals) {
  const struct {
    std::vector<std::string> arguments;
    const char* message;
  } cases[] = {
      {{"bogus"}, "unknown mode"},
      {{"run", "prepare"}, "unexpected argument"},
      {{"--nope=1"}, "unknown flag"},
      {{"--channels"}, "needs =value"},
      {{"--channels=0"}, "--channels=0"},
      {{"--channels=65"}, "1..64"},
      {{"--concurrency=abc"}, "--concurrency=abc"},
      {{"--concurrency=5000"}, "1..4096"},
      {{"--rate=-1"}, "--rate"},
      {{"--members=0"}, "--members"},
      {{"--members=99999999999"}, "--members"},
      {{"--duration_s=0"}, "--duration_s"},
      {{"--duration_s=4000"}, "--duration_s"},
      {{"--warmup_s=nan"}, "--warmup_s"},
      {{"--hot_fraction=1.5"}, "--hot_fraction"},
      {{"--hot_share=0.5"}, "needs --hot_fraction"},
      {{"--distribution=zipf"}, "uniform or hot1"},
      {{"--distribution=hot1", "--hot_fraction=0.1", "--hot_share=0.5"}, "exclude"},
      {{"--mix="}, "empty"},
      {{"--mix=accrue"}, "name=weight"},
      {{"--mix=accrue=1,fly=2"}, "unknown operation 'fly'"},
      {{"--mix=accrue=1,accrue=2"}, "given twice"},
      {{"--mix=accrue=-1"}, "weight"},
      {{"--mix=accrue=0"}, "all weights are 0"},
      {{"--mix=transfer=1", "--members=1"}, "--members >= 2"},
      {{"--op=list_redemptions"}, "--op"},
      {{"once", "--op=get_balances"}, "needs --query_target"},
      {{"--target="}, "--target is empty"},
      {{"once", "--key=k", "--members=5", "--member_index=5"}, "below --members"},
      {{"run"}, "--tls_ca is required (TLS is the default; --insecure_plaintext opts out)"},
      {{"--tls_ca=/nonexistent/ca.crt"}, "--tls_ca: cannot read"},
      {{"--insecure_plaintext", "--tls_ca=ca.crt"}, "--insecure_plaintext goes with none"},
      {{"--insecure_plaintext=yes"}, "true or false"},
      {{"--badges", "--insecure_plaintext"}, "--badges applies to prepare only"},
      {{"once", "--key=k", "--badges", "--insecure_plaintext"}, "applies to prepare only"},
      {{"prepare", "--badges=1", "--insecure_plaintext"}, "true or false"},
      {{"--tls_ca=" + std::string(5000, 'a')}, "at most 4096 characters"},
  };
  for (const auto& c : cases) {
    absl::StatusOr<Options> options = ParseOptions(c.arguments);
    ASSERT_FALSE(options.ok()) << c.arguments.front();
    EXPECT_EQ(options.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(options.status().message()), HasSubstr(c.message))
        << c.arguments.front();
  }
}

TEST(BenchOptionsTest, UsageNamesEveryMode) {
  EXPECT_THAT(Usage(), HasSubstr("run|prepare|once"));
  EXPECT_THAT(Usage(), HasSubstr("--distribution"));
  EXPECT_THAT(Usage(), HasSubstr("--tls_ca"));
  EXPECT_THAT(Usage(), HasSubstr("--insecure_plaintext"));
  EXPECT_THAT(Usage(), HasSubstr("--badges"));
}

}  // namespace
}  // namespace loyalty::bench
