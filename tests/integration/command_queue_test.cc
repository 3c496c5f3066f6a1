// The command service's bounded call queue (rpc::QueuedCalls) through real gRPC.

#include <array>
#include <memory>
#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "libs/pg/connection.h"
#include "loyalty/v1/admin.grpc.pb.h"
#include "loyalty/v1/command.grpc.pb.h"
#include "tests/support/command_server.h"
#include "tests/support/demo_org.h"
#include "tests/support/status_details.h"

namespace loyalty::testing {
namespace {

TEST(CommandQueueTest, ACallPastTheQueueIsRefusedOverloadedChangesNothingAndTheRestRun) {
  CommandServer server(8, {.workers = 1, .max_queued = 1});
  auto admin = v1::AdminService::NewStub(server.Channel());
  auto commands = v1::CommandService::NewStub(server.Channel());
  CreateDemoOrg(*admin, "acme", {"alice"});
  const auto accrue = [&](int64_t points) {
    v1::AccrueRequest request;
    request.set_org_id("acme");
    request.set_idempotency_key("queue-" + std::to_string(points));
    request.set_member_id("alice");
    request.mutable_explicit_points()->set_points(points);
    request.mutable_explicit_points()->set_description("queue test");
    v1::AccrueResponse response;
    grpc::ClientContext context;
    return commands->Accrue(&context, request, &response);
  };
  auto sql = pg::Connection::Open(server.database_url());
  ASSERT_TRUE(sql.ok());
  const auto count = [&](const std::string& query) {
    auto result = (*sql)->ExecuteText(query);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() && !result->IsNull(0, 0) ? result->Int64(0, 0) : -1;
  };

  const std::string alice_points =
      "SELECT coalesce(sum(points), 0) FROM ledger_entries WHERE member_id = 'alice'";
  const int64_t before = count(alice_points);

  // Alice's row is locked, so the one worker's accrue on her waits inside the database.
  auto holder = pg::Connection::Open(server.database_url());
  ASSERT_TRUE(holder.ok());
  ASSERT_TRUE((*holder)->ExecuteText("BEGIN").ok());
  ASSERT_TRUE(
      (*holder)->ExecuteText("SELECT 1 FROM members WHERE member_id = 'alice' FOR UPDATE").ok());
  std::array<grpc::Status, 3> statuses;
  std::jthread first([&] { statuses[0] = accrue(1); });
  server.member_batcher().AwaitQueued("acme", "alice", 1);  // the worker runs it

  // Two more calls: the queue holds one of them, the other is refused at once.
  absl::Mutex mutex;
  int finished = 0;
  const auto call = [&](size_t i, int64_t points) {
    return std::jthread([&, i, points] {
      statuses[i] = accrue(points);
      absl::MutexLock lock(&mutex);
      ++finished;
    });
  };
  {
    std::jthread second = call(1, 10);
    std::jthread third = call(2, 100);
    const auto one_finished = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex) { return finished > 0; };
    const bool reached =
        mutex.LockWhenWithTimeout(absl::Condition(&one_finished), absl::Seconds(30));
    const int finished_while_locked = finished;
    mutex.Unlock();
    // Released before any check can return, or the queued call would never end.
    EXPECT_TRUE((*holder)->ExecuteText("COMMIT").ok());
    EXPECT_TRUE(reached);
    EXPECT_EQ(finished_while_locked, 1);
  }
  first.join();

  int refused = 0;
  int64_t accrued = 0;
  const int64_t points[] = {1, 10, 100};
  for (size_t i = 0; i < statuses.size(); ++i) {
    if (statuses[i].ok()) {
      accrued += points[i];
      continue;
    }
    ++refused;
    EXPECT_EQ(statuses[i].error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_EQ(ErrorReason(statuses[i]), "OVERLOADED");
    EXPECT_NE(statuses[i].error_message().find("the command service is busy: its call queue "
                                               "(capacity 1) is full"),
              std::string::npos)
        << statuses[i].error_message();
  }
  EXPECT_TRUE(statuses[0].ok()) << statuses[0].error_message();
  EXPECT_EQ(refused, 1);
  EXPECT_EQ(count(alice_points) - before, accrued);
  EXPECT_EQ(count("SELECT count(*) FROM idempotency_keys WHERE key LIKE 'queue-%'"), 2);
}

}  // namespace
}  // namespace loyalty::testing
