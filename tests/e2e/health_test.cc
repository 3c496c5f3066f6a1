// The binaries' health for kubelet (a plaintext listener of the health service alone) and their
// drain on SIGTERM: "liveness" while the process runs; "readiness", "" and each service's name
// only while the database answers and holds the binary's schema, back by themselves when it
// does again; a call in flight at SIGTERM finishes before the process exits with status 0, and
// one still waiting in the database at the shutdown grace is cancelled there and answered
// UNAVAILABLE, so that it never commits.

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "loyalty/v1/command.grpc.pb.h"
#include "tests/support/demo_org.h"
#include "tests/support/health_check.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/row_locks.h"
#include "tests/support/service_process.h"

namespace loyalty::testing {
namespace {

std::string Loopback(int port) { return absl::StrCat("127.0.0.1:", port); }

constexpr char kCommandService[] = "loyalty.v1.CommandService";
constexpr char kAdminService[] = "loyalty.v1.AdminService";
constexpr char kQueryService[] = "loyalty.v1.QueryService";

// Accrues 10 points to ann of drain-org with `key`, waiting for its answer up to 60 s.
grpc::Status AccrueToAnn(const std::shared_ptr<grpc::Channel>& channel, const std::string& key) {
  v1::AccrueRequest request;
  request.set_org_id("drain-org");
  request.set_member_id("ann");
  request.set_idempotency_key(key);
  request.set_point_type("base");
  request.mutable_explicit_points()->set_points(10);
  request.mutable_explicit_points()->set_description("drain");
  v1::AccrueResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  return v1::CommandService::NewStub(channel)->Accrue(&context, request, &response);
}

class HealthTest : public ::testing::Test {
 protected:
  // `binary` serving with a health listener on health_port_ (and gRPC on grpc_port_ when it has
  // one), plaintext, over a fresh migrated database; `extra` flags after the others.
  std::unique_ptr<ServiceProcess> Start(const std::string& binary, bool serves_grpc,
                                        const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{"--database_url=" + url_,
                                  "--metrics_listen=", "--health_listen=" + Loopback(health_port_),
                                  "--health_interval_ms=200"};
    if (serves_grpc) {
      args.insert(args.begin(), "serve");
      args.push_back("--listen=" + Loopback(grpc_port_));
      args.push_back("--insecure_plaintext");
    }
    args.insert(args.end(), extra.begin(), extra.end());
    auto process = std::make_unique<ServiceProcess>(
        binary, args, serves_grpc ? grpc_port_ : health_port_,
        absl::StrCat(::testing::TempDir(), "/health-", health_port_, ".log"));
    EXPECT_TRUE(process->Start(absl::Seconds(60))) << process->LogTail();
    return process;
  }

  std::unique_ptr<pg::Connection> Sql() {
    auto sql = pg::Connection::Open(url_);
    EXPECT_TRUE(sql.ok()) << sql.status();
    return sql.ok() ? *std::move(sql) : nullptr;
  }

  // The test's PostgreSQL stopped and started again: each of `services`
  // turns NOT_SERVING on each of `ports` while it is down, "liveness" stays SERVING, and they
  // are SERVING again by themselves once it is back.
  void ExpectReadinessFollowsPostgres(const std::vector<int>& ports,
                                      const std::vector<std::string>& services) {
    const auto expect_all = [&](const std::string& want) {
      for (int port : ports) {
        for (const std::string& service : services) {
          EXPECT_EQ(AwaitHealth(port, service, want), want) << "'" << service << "' on " << port;
        }
      }
    };
    expect_all("SERVING");
    SharedPgCluster().Stop();
    expect_all("NOT_SERVING");
    EXPECT_EQ(HealthOf(health_port_, "liveness"), "SERVING");
    SharedPgCluster().Restart();
    expect_all("SERVING");
  }

  // loyalty-command (with `extra` flags) serving ann of drain-org, her row locked by lock_, an
  // accrual to her waiting for that lock (accrue_), then SIGTERM (stopped_: its wait status).
  void SigtermWhileAnAccrualWaitsForALock(const std::vector<std::string>& extra) {
    command_ = Start(LOYALTY_COMMAND_BINARY, true, extra);
    channel_ = grpc::CreateChannel(Loopback(grpc_port_), grpc::InsecureChannelCredentials());
    CreateDemoOrg(*v1::AdminService::NewStub(channel_), "drain-org", {"ann"});
    sql_ = Sql();
    ASSERT_NE(sql_, nullptr);
    lock_ = LockMember(url_, "ann");
    ASSERT_NE(lock_, nullptr);
    accrue_ = std::async(std::launch::async, [this] { return AccrueToAnn(channel_, "held-1"); });
    ASSERT_TRUE(AwaitLockWaiters(*sql_, 1));  // the accrual waits for ann's row
    stopped_ = std::async(std::launch::async, [this] { return command_->Stop(absl::Seconds(30)); });
  }

  const std::string url_ = SharedPgCluster().CreateDatabase();
  const int grpc_port_ = FreeLoopbackPort();
  const int health_port_ = FreeLoopbackPort();
  std::unique_ptr<ServiceProcess> command_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pg::Connection> sql_;
  std::unique_ptr<pg::Connection> lock_;
  // Destroyed first: each waits for its call to end.
  std::future<grpc::Status> accrue_;
  std::future<int> stopped_;
};

TEST_F(HealthTest, ReadinessFollowsTheDatabaseAndTheSchema) {
  auto command = Start(LOYALTY_COMMAND_BINARY, true);
  for (const char* service : {"liveness", "readiness", ""}) {
    EXPECT_EQ(AwaitHealth(health_port_, service, "SERVING"), "SERVING") << service;
  }
  auto sql = Sql();
  ASSERT_NE(sql, nullptr);
  const std::string database(sql->ExecuteText("SELECT current_database()")->Text(0, 0));

  // The schema behind this binary (as before `migrate` in an upgrade): not ready, still alive.
  ASSERT_TRUE(sql->ExecuteText("CREATE TABLE saved_migration AS SELECT * FROM schema_migrations "
                               "WHERE version = (SELECT max(version) FROM schema_migrations); "
                               "DELETE FROM schema_migrations WHERE version = "
                               "(SELECT version FROM saved_migration)")
                  .ok());
  EXPECT_EQ(AwaitHealth(health_port_, "readiness", "NOT_SERVING"), "NOT_SERVING");
  for (const char* service : {"", kCommandService, kAdminService}) {
    EXPECT_EQ(HealthOf(health_port_, service), "NOT_SERVING") << service;
    EXPECT_EQ(HealthOf(grpc_port_, service), "NOT_SERVING") << service;
  }
  EXPECT_EQ(HealthOf(health_port_, "liveness"), "SERVING");
  ASSERT_TRUE(
      sql->ExecuteText("INSERT INTO schema_migrations SELECT * FROM saved_migration").ok());
  EXPECT_EQ(AwaitHealth(health_port_, "readiness", "SERVING"), "SERVING");
  EXPECT_EQ(AwaitHealth(grpc_port_, kCommandService, "SERVING"), "SERVING");

  // The database refusing connections: not ready until it takes them again. (A session may not
  // turn them off for its own database: this one is on the cluster's postgres database.)
  auto cluster = pg::Connection::Open(url_.substr(0, url_.rfind('/')) + "/postgres");
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  sql = *std::move(cluster);
  ASSERT_TRUE(sql->ExecuteText("ALTER DATABASE " + database + " ALLOW_CONNECTIONS false").ok());
  EXPECT_EQ(AwaitHealth(health_port_, "readiness", "NOT_SERVING"), "NOT_SERVING");
  EXPECT_EQ(HealthOf(health_port_, "liveness"), "SERVING");
  ASSERT_TRUE(sql->ExecuteText("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true").ok());
  EXPECT_EQ(AwaitHealth(health_port_, "readiness", "SERVING"), "SERVING");
  EXPECT_EQ(WEXITSTATUS(command->Stop(absl::Seconds(30))), 0);
}

TEST_F(HealthTest, TheWorkerReportsItsHealth) {
  Start(LOYALTY_COMMAND_BINARY, true)->Stop(absl::Seconds(30));  // migrates
  auto worker = Start(LOYALTY_WORKER_BINARY, false);
  EXPECT_EQ(AwaitHealth(health_port_, "liveness", "SERVING"), "SERVING");
  ExpectReadinessFollowsPostgres({health_port_}, {"readiness", ""});
  const int status = worker->Stop(absl::Seconds(30));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << DescribeWaitStatus(status);
}

// SIGTERM while a call runs: readiness goes NOT_SERVING at once, the call finishes with its
// answer, and the process exits with status 0.
TEST_F(HealthTest, SigtermDrainsTheCallsInFlight) {
  ASSERT_NO_FATAL_FAILURE(SigtermWhileAnAccrualWaitsForALock({}));
  EXPECT_EQ(AwaitHealth(health_port_, "readiness", "NOT_SERVING"), "NOT_SERVING");
  ASSERT_TRUE(lock_->ExecuteText("COMMIT").ok());

  const grpc::Status status = accrue_.get();
  EXPECT_TRUE(status.ok()) << status.error_message();
  const int exit_status = stopped_.get();
  EXPECT_TRUE(WIFEXITED(exit_status) && WEXITSTATUS(exit_status) == 0)
      << DescribeWaitStatus(exit_status);
  EXPECT_EQ(SqlInt(*sql_, "SELECT count(*) FROM ledger_entries"), 1);
}

TEST_F(HealthTest, CommandReadinessFollowsPostgresStoppedAndRestarted) {
  auto command = Start(LOYALTY_COMMAND_BINARY, true);
  ExpectReadinessFollowsPostgres({health_port_, grpc_port_},
                                 {"", "readiness", kCommandService, kAdminService});
  const int status = command->Stop(absl::Seconds(30));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << DescribeWaitStatus(status);
}

TEST_F(HealthTest, QueryReadinessFollowsPostgresStoppedAndRestarted) {
  Start(LOYALTY_COMMAND_BINARY, true)->Stop(absl::Seconds(30));  // migrates
  auto query = Start(LOYALTY_QUERY_BINARY, true);
  ExpectReadinessFollowsPostgres({health_port_, grpc_port_}, {"", "readiness", kQueryService});
  const int status = query->Stop(absl::Seconds(30));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << DescribeWaitStatus(status);
}

// SIGTERM with a client's connection open and no call in flight: the process closes the idle
// connection itself and exits, instead of waiting for the client to close it, which a client's
// long-lived channel may not do before the grace (5 minutes here) ends.
TEST_F(HealthTest, SigtermWithOnlyIdleConnectionsEndsWithoutTheGrace) {
  command_ = Start(LOYALTY_COMMAND_BINARY, true, {"--shutdown_grace_ms=300000"});
  channel_ = grpc::CreateChannel(Loopback(grpc_port_), grpc::InsecureChannelCredentials());
  CreateDemoOrg(*v1::AdminService::NewStub(channel_), "idle-org", {"ann"});
  ASSERT_EQ(channel_->GetState(false), GRPC_CHANNEL_READY);
  const int exit_status = command_->Stop(absl::Seconds(60));
  EXPECT_TRUE(WIFEXITED(exit_status) && WEXITSTATUS(exit_status) == 0)
      << DescribeWaitStatus(exit_status) << command_->LogTail();
  EXPECT_THAT(command_->LogTail(), ::testing::HasSubstr("closing the clients' idle connections"));
  EXPECT_THAT(command_->LogTail(), ::testing::Not(::testing::HasSubstr("grace")));
}

// SIGTERM while a call waits for a row lock past the shutdown grace: the process exits by itself,
// the call is answered UNAVAILABLE, and its accrual is not in the ledger once the lock is released
// (its SQL was cancelled in the database; a transaction left waiting would commit then).
TEST_F(HealthTest, SigtermCancelsACallStillInTheDatabaseAtTheGrace) {
  ASSERT_NO_FATAL_FAILURE(SigtermWhileAnAccrualWaitsForALock({"--shutdown_grace_ms=300"}));
  const grpc::Status status = accrue_.get();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  ASSERT_TRUE(lock_->ExecuteText("COMMIT").ok());
  const int exit_status = stopped_.get();
  EXPECT_TRUE(WIFEXITED(exit_status) && WEXITSTATUS(exit_status) == 0)
      << DescribeWaitStatus(exit_status) << command_->LogTail();
  EXPECT_EQ(SqlInt(*sql_, "SELECT count(*) FROM ledger_entries"), 0);
}

}  // namespace
}  // namespace loyalty::testing
