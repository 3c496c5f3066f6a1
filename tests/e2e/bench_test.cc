// The real loyalty-bench binary against the command service in-process (real gRPC port): prepare
// twice (the second replays), then a short closed-loop run whose JSON report must show calls and
// ordered percentiles. No timing assertions: benchmarks measure, tests check shape.

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/command_server.h"

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

TEST(BenchTest, PreparesAndMeasuresAClosedLoopRun) {
  CommandServer server;
  const std::string target = absl::StrCat("--target=127.0.0.1:", server.port());
  const std::string data_set = "--org=bench-e2e --members=20";
  ASSERT_EQ(Bench(absl::StrCat("prepare ", target, " ", data_set,
                               " --history=2 --prepare_concurrency=4")),
            0);
  ASSERT_EQ(Bench(absl::StrCat("prepare ", target, " ", data_set,
                               " --history=2 --prepare_concurrency=4")),
            0)
      << "a second prepare replays its fixed keys";

  char json_path[] = "/tmp/loyalty-bench-XXXXXX";
  const int fd = mkstemp(json_path);
  ASSERT_GE(fd, 0);
  close(fd);
  ASSERT_EQ(Bench(absl::StrCat("run ", target, " ", data_set,
                               " --mix=accrue=60,redeem=20,group_redeem=5,transfer=5,"
                               "get_balances=10 --concurrency=8 --channels=2 --warmup_s=0.5"
                               " --duration_s=2 --json_out=",
                               json_path)),
            0);
  const std::string json = ReadFile(json_path);
  std::remove(json_path);
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

TEST(BenchTest, RefusesBadArguments) {
  EXPECT_EQ(Bench("run --concurrency=0"), 2);
  EXPECT_EQ(Bench("--help"), 0);
}

}  // namespace
}  // namespace loyalty::testing
