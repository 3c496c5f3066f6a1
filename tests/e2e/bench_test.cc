// The real loyalty-bench binary against the command service in-process (real gRPC port): prepare
// twice (the second replays), then a short closed-loop run whose JSON report must show calls and
// ordered percentiles; and the same over mutual TLS. No timing assertions: benchmarks measure,
// tests check shape.

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/rpc/access_control.h"
#include "libs/rpc/server_security.h"
#include "libs/rpc/tls.h"
#include "prometheus/registry.h"
#include "tests/support/command_server.h"
#include "tests/support/test_pki.h"

namespace loyalty::testing {
namespace {

// Runs `loyalty-bench <arguments>` and returns its exit code; output goes to the test log.
int Bench(const std::string& arguments) {
  const std::string command = absl::StrCat(LOYALTY_BENCH_BINARY, " ", arguments, " 2>&1");
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// The number after `"key":` in `json` at or after `from`; -1 when absent.
double NumberAfter(const std::string& json, const std::string& key, size_t from) {
  const std::string quoted = absl::StrCat("\"", key, "\":");
  const size_t at = json.find(quoted, from);
  if (at == std::string::npos) return -1;
  const size_t start = at + quoted.size();
  const size_t end = json.find_first_of(",}", start);
  double value = -1;
  if (!absl::SimpleAtod(json.substr(start, end - start), &value)) return -1;
  return value;
}

// `loyalty-bench run <arguments>`: its JSON report, empty when it failed.
std::string RunReport(const std::string& arguments) {
  char json_path[] = "/tmp/loyalty-bench-XXXXXX";
  const int fd = mkstemp(json_path);
  if (fd < 0) {
    ADD_FAILURE() << "mkstemp failed";
    return "";
  }
  close(fd);
  const int exit_code = Bench(absl::StrCat("run ", arguments, " --json_out=", json_path));
  const std::string json = ReadFile(json_path);
  std::remove(json_path);
  EXPECT_EQ(exit_code, 0) << arguments;
  return exit_code == 0 ? json : "";
}

TEST(BenchTest, PreparesAndMeasuresAClosedLoopRun) {
  CommandServer server;
  const std::string target =
      absl::StrCat("--target=127.0.0.1:", server.port(), " --insecure_plaintext");
  const std::string data_set = "--org=bench-e2e --members=20";
  ASSERT_EQ(Bench(absl::StrCat("prepare ", target, " ", data_set,
                               " --history=2 --prepare_concurrency=4")),
            0);
  ASSERT_EQ(Bench(absl::StrCat("prepare ", target, " ", data_set,
                               " --history=2 --prepare_concurrency=4")),
            0)
      << "a second prepare replays its fixed keys";

  const std::string json = RunReport(absl::StrCat(
      target, " ", data_set,
      " --mix=accrue=60,redeem=20,group_redeem=5,transfer=5,get_balances=10 --concurrency=8"
      " --channels=2 --warmup_s=0.5 --duration_s=2"));
  ASSERT_FALSE(json.empty());

  const size_t overall = json.find("\"overall\":");
  ASSERT_NE(overall, std::string::npos) << json;
  EXPECT_GT(NumberAfter(json, "ok", overall), 0) << json;
  EXPECT_EQ(NumberAfter(json, "errors", overall), 0) << json;
  EXPECT_GT(NumberAfter(json, "throughput_per_s", overall), 0) << json;
  const double p50 = NumberAfter(json, "p50", overall);
  const double p90 = NumberAfter(json, "p90", overall);
  const double p99 = NumberAfter(json, "p99", overall);
  const double p999 = NumberAfter(json, "p99_9", overall);
  const double max = NumberAfter(json, "max", overall);
  EXPECT_GT(p50, 0) << json;
  EXPECT_LE(p50, p90);
  EXPECT_LE(p90, p99);
  EXPECT_LE(p99, p999);
  EXPECT_LE(p999, max);
  EXPECT_NE(json.find("\"accrue\":{\"ok\":"), std::string::npos) << json;
  EXPECT_EQ(json.find("\"get_balances\""), std::string::npos)
      << "query operations are skipped without --query_target";
}

// Over mutual TLS with an access policy: the operator's certificate prepares and runs without a
// failed call; without a certificate every call is refused.
TEST(BenchTest, RunsOverMutualTls) {
  TestPki pki;
  const rpc::ClientTls tls = pki.Issue("operator", "--spiffe=spiffe://loyalty.local/operator");
  std::ofstream(pki.Path("policy.json"))
      << R"({"grants":[{"identity":"spiffe://loyalty.local/operator","roles":["operator"],)"
         R"("all_orgs":true}]})";
  prometheus::Registry registry;
  absl::StatusOr<std::unique_ptr<rpc::AccessControl>> access =
      rpc::AccessControl::Open({pki.Path("policy.json")}, registry);
  ASSERT_TRUE(access.ok()) << access.status();
  rpc::ServerSecurity security{rpc::MutualTlsServerCredentials(pki.Server()), *std::move(access)};
  CommandServer server(8, {}, &security);
  const std::string target = absl::StrCat("--target=127.0.0.1:", server.port(),
                                          " --tls_ca=", tls.ca, " --org=bench-tls --members=4");
  ASSERT_EQ(Bench(absl::StrCat("prepare ", target, " --tls_cert=", tls.cert, " --tls_key=",
                               tls.key, " --history=1")),
            0);
  EXPECT_EQ(Bench(absl::StrCat("prepare ", target, " --history=1")), 1)
      << "no client certificate: UNAUTHENTICATED";

  const std::string json =
      RunReport(absl::StrCat(target, " --tls_cert=", tls.cert, " --tls_key=", tls.key,
                             " --mix=accrue=1 --concurrency=4 --channels=2 --warmup_s=0"
                             " --duration_s=1"));
  const size_t overall = json.find("\"overall\":");
  ASSERT_NE(overall, std::string::npos) << json;
  EXPECT_GT(NumberAfter(json, "ok", overall), 0) << json;
  EXPECT_EQ(NumberAfter(json, "errors", overall), 0) << json;
}

TEST(BenchTest, RefusesBadArguments) {
  EXPECT_EQ(Bench("run --concurrency=0 --insecure_plaintext"), 2);
  EXPECT_EQ(Bench("run"), 2) << "TLS is the default: --tls_ca or --insecure_plaintext";
  EXPECT_EQ(Bench("--help"), 0);
}

}  // namespace
}  // namespace loyalty::testing
