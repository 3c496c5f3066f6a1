// Failover of the primary with the real binaries (ctest -L failover): a one-node etcd and Patroni
// over two PostgreSQL 15 nodes with synchronous replication (tests/support/patroni_cluster.h);
// loyalty-command and loyalty-query on a libpq multi-host URL with
// target_session_attrs=read-write; a load of accruals, redemptions and transfers whose clients
// retry with the same idempotency key; the primary's postmaster killed with SIGKILL in the middle
// of it. Patroni promotes the synchronous standby, the services find it by themselves (a broken
// connection is dropped, a new one goes to the node that accepts writes) and the load completes.
// Afterwards every acknowledged command is in the new primary's ledger exactly once, balances
// are what the acknowledged replies add up to, the views equal a rebuild, and neither service
// died. It prints the write outage and the failover time (never asserted):
//   failover: write outage 3.42 s, failover (Patroni) 3.10 s
// Bounded: a fixed number of commands, deadlines on every call, bounded waits.

#include <sys/types.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/pg/connection.h"
#include "loyalty/v1/query.grpc.pb.h"
#include "tests/fault/fault_checks.h"
#include "tests/fault/fault_load.h"
#include "tests/fault/fault_services.h"
#include "tests/support/patroni_cluster.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/service_process.h"

namespace loyalty::testing {
namespace {

constexpr char kOrg[] = "failover";
constexpr char kDatabase[] = "loyalty_failover";
constexpr absl::Duration kClusterTimeout = absl::Seconds(60);  // bootstrap and sync standby
constexpr absl::Duration kProgressTimeout = absl::Seconds(40);
constexpr absl::Duration kPromotionTimeout = absl::Seconds(40);  // ttl 10 s, twice over

std::string Seconds(absl::Duration duration) {
  if (duration == absl::InfiniteDuration()) return "inf";
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", absl::ToDoubleSeconds(duration));
  return text;
}

// One value of SQL on the node at `url`, as text ("" and a test failure when it fails).
std::string QueryValue(const std::string& url, const std::string& sql) {
  absl::StatusOr<std::unique_ptr<pg::Connection>> connection = pg::Connection::Open(url);
  EXPECT_TRUE(connection.ok()) << url << ": " << connection.status();
  if (!connection.ok()) return "";
  absl::StatusOr<pg::Result> rows = (*connection)->ExecuteText(sql);
  EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status();
  if (!rows.ok() || rows->Rows() != 1 || rows->IsNull(0, 0)) return "";
  return std::string(rows->Text(0, 0));
}

class FailoverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const absl::Time begin = absl::Now();
    const absl::Status started = patroni_.Start(kClusterTimeout);
    ASSERT_TRUE(started.ok()) << started;
    absl::StatusOr<std::string> primary = patroni_.WaitForPrimary(absl::Seconds(5));
    ASSERT_TRUE(primary.ok()) << primary.status();
    absl::StatusOr<std::string> standby = patroni_.WaitForSyncStandby(absl::Seconds(5));
    ASSERT_TRUE(standby.ok()) << standby.status();
    primary_ = *primary;
    standby_ = *standby;
    ASSERT_NE(primary_, standby_);
    std::printf("failover: cluster up in %s s: primary %s, synchronous standby %s\n",
                Seconds(absl::Now() - begin).c_str(), primary_.c_str(), standby_.c_str());

    // What the guarantee rests on: commits wait for the standby, which Patroni named the
    // synchronous one.
    const std::string primary_url = patroni_.NodeUrl(patroni_.NodeIndex(primary_), "postgres");
    EXPECT_EQ(QueryValue(primary_url, "SHOW synchronous_commit"), "on");
    EXPECT_THAT(QueryValue(primary_url, "SHOW synchronous_standby_names"),
                ::testing::HasSubstr(standby_));

    absl::StatusOr<std::string> url = patroni_.CreateDatabase(kDatabase);
    ASSERT_TRUE(url.ok()) << url.status();
    url_ = *url;
    ASSERT_NO_FATAL_FAILURE(services_.Start(url_, kOrg));
  }

  PatroniCluster patroni_;
  std::string primary_;
  std::string standby_;
  std::string url_;
  FaultServices services_{LOYALTY_COMMAND_BINARY, LOYALTY_QUERY_BINARY};
};

TEST_F(FailoverTest, PrimaryKilledUnderLoadSynchronousStandbyPromoted) {
  const absl::Time test_begin = absl::Now();
  const LoadOptions& options = services_.options();
  FaultLoad load(options);
  const absl::Time load_begin = absl::Now();
  load.Start();
  const int64_t commands = int64_t{options.clients} * options.commands_per_client;
  ASSERT_TRUE(load.WaitForAcknowledged(commands / 3, kProgressTimeout))
      << "the load made no progress before the failover";

  // kill -9 of the primary's postmaster: its backends end when they notice, the commits in
  // flight among them unanswered.
  const int old_primary = patroni_.NodeIndex(primary_);
  const absl::Time killed_at = absl::Now();
  const absl::StatusOr<pid_t> killed = patroni_.KillPostmaster(old_primary);
  ASSERT_TRUE(killed.ok()) << killed.status();
  const int64_t acknowledged_before = load.figures().acknowledged;
  absl::StatusOr<std::string> promoted = patroni_.WaitForPrimary(kPromotionTimeout, primary_);
  const absl::Duration failover = absl::Now() - killed_at;
  ASSERT_TRUE(promoted.ok()) << promoted.status();
  // The synchronous standby, which had every acknowledged commit, is the one promoted.
  EXPECT_EQ(*promoted, standby_);
  EXPECT_NE(patroni_.PostmasterPid(old_primary), *killed) << "the killed postmaster still runs";

  load.Finish();
  const absl::Duration load_time = absl::Now() - load_begin;
  const absl::Duration outage = load.LongestGapAfter(killed_at);
  const absl::Duration longest_gap_whole = load.LongestGapAfter(load_begin);
  const LoadFigures figures = load.figures();

  // The load completed: every command sent and answered, none left unresolved, and the
  // failover reached the clients (calls failed and were retried with their keys).
  EXPECT_THAT(load.errors(), ::testing::IsEmpty());
  EXPECT_EQ(figures.commands, commands);
  EXPECT_EQ(figures.unresolved, 0);
  EXPECT_GT(figures.retried, 0);
  EXPECT_GT(figures.acknowledged, acknowledged_before) << "nothing acknowledged after the kill";

  // Exactly once, on the new primary (the URL reaches whichever node accepts writes).
  EXPECT_EQ(QueryValue(patroni_.NodeUrl(patroni_.NodeIndex(*promoted), "postgres"),
                       "SELECT pg_is_in_recovery()::text"),
            "false");
  const std::map<std::string, int64_t> expected = load.ExpectedPoints();
  const LedgerFigures ledger = CheckLedger(url_, kOrg, load.acknowledged(), expected);
  EXPECT_EQ(ledger.operations, figures.acknowledged);
  EXPECT_THAT(ledger.lost, ::testing::IsEmpty());
  EXPECT_THAT(ledger.duplicated, ::testing::IsEmpty());
  EXPECT_EQ(ledger.wrong_balances, 0);
  CheckViews(url_, LOYALTY_QUERY_BINARY, services_.queries(), kOrg, expected);

  // The services reconnected by themselves: neither died, both stop cleanly.
  services_.ExpectRunningAndStopCleanly();

  std::string members = "unknown";
  if (absl::StatusOr<std::vector<PatroniMember>> now = patroni_.Members(); now.ok()) {
    std::vector<std::string> parts;
    for (const PatroniMember& member : *now) {
      parts.push_back(absl::StrCat(member.name, " ", member.role, " ", member.state, " timeline ",
                                   member.timeline));
    }
    members = absl::StrJoin(parts, ", ");
  }
  std::vector<std::string> codes;
  for (const auto& [code, count] : figures.retry_codes) {
    codes.push_back(absl::StrCat(code, " ", count));
  }
  // The line scripts read (never asserted: timings depend on the machine).
  std::printf("failover: write outage %s s, failover (Patroni) %s s\n", Seconds(outage).c_str(),
              Seconds(failover).c_str());
  std::printf(
      "failover figures: %s (postmaster %d) killed, %s promoted; commands %lld (calls %lld), "
      "acknowledged %lld (%lld before the kill, replayed %lld), refused %lld, retried %lld (%s), "
      "settled after the load %lld, unresolved %lld; ledger operations %lld, lost %lld, "
      "duplicated %lld, wrong balances %lld; query reads %lld (failed %lld); longest gap between "
      "acknowledgements over the whole load %s s; load %s s; members now: %s; test %s s\n",
      primary_.c_str(), static_cast<int>(*killed), promoted->c_str(),
      static_cast<long long>(figures.commands), static_cast<long long>(figures.calls),
      static_cast<long long>(figures.acknowledged), static_cast<long long>(acknowledged_before),
      static_cast<long long>(figures.replayed), static_cast<long long>(figures.refused),
      static_cast<long long>(figures.retried), absl::StrJoin(codes, ", ").c_str(),
      static_cast<long long>(figures.settled), static_cast<long long>(figures.unresolved),
      static_cast<long long>(ledger.operations), static_cast<long long>(ledger.lost.size()),
      static_cast<long long>(ledger.duplicated.size()),
      static_cast<long long>(ledger.wrong_balances), static_cast<long long>(figures.query_calls),
      static_cast<long long>(figures.query_failures), Seconds(longest_gap_whole).c_str(),
      Seconds(load_time).c_str(), members.c_str(), Seconds(absl::Now() - test_begin).c_str());
  std::fflush(stdout);
}

}  // namespace
}  // namespace loyalty::testing
