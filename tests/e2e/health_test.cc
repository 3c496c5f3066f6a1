// The binaries' health for kubelet (a plaintext listener of the health service alone) and their
// drain on SIGTERM: "liveness" while the process runs, "readiness" only while the database
// answers and holds the binary's schema, and a call in flight at SIGTERM finishes before the
// process exits with status 0.

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
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

class HealthTest : public ::testing::Test {
 protected:
  // `binary` serving with a health listener on health_port_ (and gRPC on grpc_port_ when it has
  // one), plaintext, over a fresh migrated database.
  std::unique_ptr<ServiceProcess> Start(const std::string& binary, bool serves_grpc) {
    std::vector<std::string> args{"--database_url=" + url_, "--metrics_listen=",
                                  "--health_listen=" + Loopback(health_port_)};
    if (serves_grpc) {
      args.insert(args.begin(), "serve");
      args.push_back("--listen=" + Loopback(grpc_port_));
      args.push_back("--insecure_plaintext");
    }
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

  const std::string url_ = SharedPgCluster().CreateDatabase();
  const int grpc_port_ = FreeLoopbackPort();
  const int health_port_ = FreeLoopbackPort();
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
  EXPECT_EQ(HealthOf(health_port_, ""), "NOT_SERVING");
  EXPECT_EQ(HealthOf(health_port_, "liveness"), "SERVING");
  ASSERT_TRUE(
      sql->ExecuteText("INSERT INTO schema_migrations SELECT * FROM saved_migration").ok());
  EXPECT_EQ(AwaitHealth(health_port_, "readiness", "SERVING"), "SERVING");

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
  EXPECT_EQ(HealthOf(health_port_, "readiness"), "SERVING");
  const int status = worker->Stop(absl::Seconds(30));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << DescribeWaitStatus(status);
}

// SIGTERM while a call runs: readiness goes NOT_SERVING at once, the call finishes with its
// answer, and the process exits with status 0.
TEST_F(HealthTest, SigtermDrainsTheCallsInFlight) {
  auto command = Start(LOYALTY_COMMAND_BINARY, true);
  auto channel = grpc::CreateChannel(Loopback(grpc_port_), grpc::InsecureChannelCredentials());
  CreateDemoOrg(*v1::AdminService::NewStub(channel), "drain-org", {"ann"});
  auto sql = Sql();
  ASSERT_NE(sql, nullptr);

  std::unique_ptr<pg::Connection> lock = LockMember(url_, "ann");
  ASSERT_NE(lock, nullptr);
  std::future<grpc::Status> accrue = std::async(std::launch::async, [&] {
    v1::AccrueRequest request;
    request.set_org_id("drain-org");
    request.set_member_id("ann");
    request.set_idempotency_key("drain-1");
    request.set_point_type("base");
    request.mutable_explicit_points()->set_points(10);
    request.mutable_explicit_points()->set_description("drain");
    v1::AccrueResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return v1::CommandService::NewStub(channel)->Accrue(&context, request, &response);
  });
  ASSERT_TRUE(AwaitLockWaiters(*sql, 1));  // the accrue waits for ann's row

  std::future<int> stopped =
      std::async(std::launch::async, [&] { return command->Stop(absl::Seconds(30)); });
  EXPECT_EQ(AwaitHealth(health_port_, "readiness", "NOT_SERVING"), "NOT_SERVING");
  ASSERT_TRUE(lock->ExecuteText("COMMIT").ok());

  const grpc::Status status = accrue.get();
  EXPECT_TRUE(status.ok()) << status.error_message();
  const int exit_status = stopped.get();
  EXPECT_TRUE(WIFEXITED(exit_status) && WEXITSTATUS(exit_status) == 0)
      << DescribeWaitStatus(exit_status);
  EXPECT_EQ(SqlInt(*sql, "SELECT count(*) FROM ledger_entries"), 1);
}

}  // namespace
}  // namespace loyalty::testing
