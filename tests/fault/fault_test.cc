// Fault injection with the real binaries: PostgreSQL crashed (`pg_ctl stop -m immediate`) and
// restarted, loyalty-command and loyalty-query killed with SIGKILL and restarted on the same
// port, each several times under a concurrent load of accruals, redemptions and transfers whose
// clients retry with the same idempotency key. Afterwards every acknowledged command is in the
// ledger exactly once, balances are what the acknowledged replies add up to, the views equal a
// rebuild, and no process died but the ones killed. Bounded: a fixed number of commands,
// deadlines on every call, bounded waits.

#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "loyalty/v1/query.grpc.pb.h"
#include "tests/fault/fault_checks.h"
#include "tests/fault/fault_load.h"
#include "tests/fault/fault_services.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/service_process.h"

namespace loyalty::testing {
namespace {

constexpr char kOrg[] = "faults";
constexpr int kFaults = 3;
constexpr absl::Duration kProgressTimeout = absl::Seconds(40);  // load progress between faults

class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = cluster_.CreateDatabase();
    ASSERT_NO_FATAL_FAILURE(services_.Start(url_, kOrg));
  }

  // Runs the load and calls `inject` kFaults times, each once the load has made progress since
  // the last (so that every fault hits a running load that recovered from the one before); then
  // checks everything and prints the figures.
  void RunWithFaults(const std::string& name, const std::function<void()>& inject) {
    const LoadOptions& options = services_.options();
    FaultLoad load(options);
    load.Start();
    const int64_t commands = int64_t{options.clients} * options.commands_per_client;
    for (int fault = 1; fault <= kFaults; ++fault) {
      ASSERT_TRUE(load.WaitForAcknowledged(commands * fault / (kFaults + 2), kProgressTimeout))
          << "the load made no progress before fault " << fault;
      inject();
      if (HasFatalFailure()) return;  // the load stops when it goes out of scope
      ++faults_;
    }
    load.Finish();
    figures_ = load.figures();
    Verify(name, load);
  }

  void Verify(const std::string& name, const FaultLoad& load) {
    const LoadFigures figures = load.figures();
    EXPECT_THAT(load.errors(), ::testing::IsEmpty());
    EXPECT_EQ(figures.unresolved, 0);
    const std::map<std::string, int64_t> expected = load.ExpectedPoints();
    const LedgerFigures ledger = CheckLedger(url_, kOrg, load.acknowledged(), expected);
    EXPECT_EQ(ledger.operations, figures.acknowledged);
    EXPECT_THAT(ledger.lost, ::testing::IsEmpty());
    EXPECT_THAT(ledger.duplicated, ::testing::IsEmpty());
    CheckViews(url_, LOYALTY_QUERY_BINARY, services_.queries(), kOrg, expected);

    // No process died but the ones killed: the last incarnations still run and stop cleanly.
    services_.ExpectRunningAndStopCleanly();

    std::vector<std::string> codes;
    for (const auto& [code, count] : figures.retry_codes) {
      codes.push_back(absl::StrCat(code, " ", count));
    }
    std::printf(
        "fault figures [%s]: faults injected %d; commands %lld (calls %lld), acknowledged %lld "
        "(of which replayed %lld), refused %lld, retried %lld (%s), settled after the load "
        "%lld, unresolved %lld; ledger operations %lld, lost %lld, duplicated %lld, wrong "
        "balances %lld; query reads %lld (failed %lld)\n",
        name.c_str(), faults_, static_cast<long long>(figures.commands),
        static_cast<long long>(figures.calls), static_cast<long long>(figures.acknowledged),
        static_cast<long long>(figures.replayed), static_cast<long long>(figures.refused),
        static_cast<long long>(figures.retried), absl::StrJoin(codes, ", ").c_str(),
        static_cast<long long>(figures.settled), static_cast<long long>(figures.unresolved),
        static_cast<long long>(ledger.operations), static_cast<long long>(ledger.lost.size()),
        static_cast<long long>(ledger.duplicated.size()),
        static_cast<long long>(ledger.wrong_balances),
        static_cast<long long>(figures.query_calls),
        static_cast<long long>(figures.query_failures));
    std::fflush(stdout);
  }

  PgCluster cluster_{PgCluster::Commits::kCrashSafe};
  std::string url_;
  FaultServices services_{LOYALTY_COMMAND_BINARY, LOYALTY_QUERY_BINARY};
  LoadFigures figures_;
  int faults_ = 0;
};

TEST_F(FaultTest, PostgresCrashedAndRestartedUnderLoad) {
  RunWithFaults("PostgreSQL stop -m immediate", [&] {
    cluster_.Crash();
    cluster_.Restart();
  });
  // The crashes reached the clients: calls failed and were retried with their keys.
  EXPECT_GT(figures_.retried, 0);
}

TEST_F(FaultTest, CommandServiceKilledAndRestartedUnderLoad) {
  RunWithFaults("kill -9 loyalty-command", [&] {
    EXPECT_TRUE(services_.command().Kill()) << "loyalty-command was not running";
    ASSERT_TRUE(services_.command().Start(FaultServices::kStartTimeout))
        << services_.command().LogTail();
  });
  EXPECT_GT(figures_.retried, 0);
}

TEST_F(FaultTest, QueryServiceKilledAndRestartedUnderLoad) {
  RunWithFaults("kill -9 loyalty-query", [&] {
    EXPECT_TRUE(services_.query().Kill()) << "loyalty-query was not running";
    ASSERT_TRUE(services_.query().Start(FaultServices::kStartTimeout))
        << services_.query().LogTail();
  });
}

}  // namespace
}  // namespace loyalty::testing
