// The command service's bounded call queue (rpc::QueuedCalls) through real
// gRPC.

#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/time/clock.h"
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
      "SELECT coalesce(sum(points), 0) FROM "
      "ledger_entries WHERE member_id = 'alice'";
  const int64_t before = count(alice_points);

  // Alice's row is locked, so the one worker's accrue on her waits inside the
  // database.
  auto holder = pg::Connection::Open(server.database_url());
  ASSERT_TRUE(holder.ok());
  ASSERT_TRUE((*holder)->ExecuteText("BEGIN").ok());
  ASSERT_TRUE(
      (*holder)->ExecuteText("SELECT 1 FROM members WHERE member_id = 'alice' FOR UPDATE").ok());
  std::array<grpc::Status, 3> statuses;
  std::atomic<int> finished = 0;
  std::thread first([&] { statuses[0] = accrue(1); });
  const auto waiting_for_lock = [&] {
    return count(
               "SELECT count(*) FROM pg_stat_activity"
               " WHERE datname = current_database() AND wait_event_type = "
               "'Lock'") > 0;
  };
  for (int i = 0; i < 3000 && !waiting_for_lock(); ++i) absl::SleepFor(absl::Milliseconds(10));
  ASSERT_TRUE(waiting_for_lock());

  // Two more calls: the queue holds one of them, the other is refused at once.
  std::thread second([&] {
    statuses[1] = accrue(10);
    ++finished;
  });
  std::thread third([&] {
    statuses[2] = accrue(100);
    ++finished;
  });
  for (int i = 0; i < 3000 && finished == 0; ++i) absl::SleepFor(absl::Milliseconds(10));
  EXPECT_EQ(finished, 1);
  ASSERT_TRUE((*holder)->ExecuteText("COMMIT").ok());
  for (std::thread* thread : {&first, &second, &third}) thread->join();

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
