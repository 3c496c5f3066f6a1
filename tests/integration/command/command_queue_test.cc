// The command and admin services' bounded call queues (rpc::QueuedCalls) through real gRPC.

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "libs/pg/connection.h"
#include "loyalty/v1/admin.grpc.pb.h"
#include "loyalty/v1/command.grpc.pb.h"
#include "tests/support/command_server.h"
#include "tests/support/demo_org.h"
#include "tests/support/metric_value.h"
#include "tests/support/row_locks.h"
#include "tests/support/status_details.h"

namespace loyalty::testing {
namespace {

// The answers of two calls made at once while the service's one worker is held by a call that
// waits for a row lock, which `release` releases once one of the two has answered (at most
// 30 s), and how many had answered by then.
struct TwoMoreCalls {
  grpc::Status second;
  grpc::Status third;
  int answered_while_held = 0;
};
TwoMoreCalls CallTwiceWhileHeld(const std::function<grpc::Status()>& second,
                                const std::function<grpc::Status()>& third,
                                const std::function<void()>& release) {
  TwoMoreCalls result;
  absl::Mutex mutex;
  int answered = 0;
  const auto call = [&](const std::function<grpc::Status()>& rpc, grpc::Status* status) {
    return std::jthread([&, status] {
      *status = rpc();
      absl::MutexLock lock(&mutex);
      ++answered;
    });
  };
  {
    std::jthread second_thread = call(second, &result.second);
    std::jthread third_thread = call(third, &result.third);
    const auto one_answered = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex) { return answered > 0; };
    mutex.LockWhenWithTimeout(absl::Condition(&one_answered), absl::Seconds(30));
    result.answered_while_held = answered;
    mutex.Unlock();
    // Released before any check can return, or the queued call would never end.
    release();
  }  // both answered
  return result;
}

// A refusal by a full call queue of `service` ("command") with capacity 1.
void ExpectOverloaded(const grpc::Status& status, const std::string& service) {
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(ErrorReason(status), "OVERLOADED");
  EXPECT_NE(status.error_message().find(absl::StrCat(
                "the ", service, " service is busy: its call queue (capacity 1) is full")),
            std::string::npos)
      << status.error_message();
}

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
  const auto count = [&](const std::string& query) { return SqlInt(**sql, query); };

  const std::string alice_points =
      "SELECT coalesce(sum(points), 0) FROM ledger_entries WHERE member_id = 'alice'";
  const int64_t before = count(alice_points);

  // Alice's row is locked, so the one worker's accrue on her waits inside the database.
  std::unique_ptr<pg::Connection> holder = LockMember(server.database_url(), "alice");
  ASSERT_NE(holder, nullptr);
  std::array<grpc::Status, 3> statuses;
  std::jthread first([&] { statuses[0] = accrue(1); });
  server.member_batcher().AwaitQueued("acme", "alice", 1);  // the worker runs it

  // Two more calls: the queue holds one of them, the other is refused at once. Meanwhile the
  // gauges show the one queued and the two in flight; the refused call is counted.
  const prometheus::Registry& registry = server.registry();
  const std::map<std::string, std::string> accrue_labels{
      {"grpc_service", "loyalty.v1.CommandService"}, {"grpc_method", "Accrue"}};
  const auto with_code = [&](const char* code) {
    std::map<std::string, std::string> labels = accrue_labels;
    labels.emplace("grpc_code", code);
    return labels;
  };
  const TwoMoreCalls more = CallTwiceWhileHeld(
      [&] { return accrue(10); }, [&] { return accrue(100); },
      [&] {
        EXPECT_EQ(MetricValue(registry, "loyalty_rpc_call_queue_depth",
                              {{"grpc_service", "loyalty.v1.CommandService"}}),
                  1);
        EXPECT_EQ(MetricValue(registry, "loyalty_rpc_calls_in_flight", accrue_labels), 2);
        EXPECT_EQ(
            MetricValue(registry, "grpc_server_handled_total", with_code("ResourceExhausted")), 1);
        EXPECT_TRUE(holder->ExecuteText("COMMIT").ok());
      });
  EXPECT_EQ(more.answered_while_held, 1);
  first.join();
  statuses[1] = more.second;
  statuses[2] = more.third;

  int refused = 0;
  int64_t accrued = 0;
  const int64_t points[] = {1, 10, 100};
  for (size_t i = 0; i < statuses.size(); ++i) {
    if (statuses[i].ok()) {
      accrued += points[i];
      continue;
    }
    ++refused;
    ExpectOverloaded(statuses[i], "command");
  }
  EXPECT_TRUE(statuses[0].ok()) << statuses[0].error_message();
  EXPECT_EQ(refused, 1);
  EXPECT_EQ(count(alice_points) - before, accrued);
  EXPECT_EQ(count("SELECT count(*) FROM idempotency_keys WHERE key LIKE 'queue-%'"), 2);
  EXPECT_EQ(MetricValue(registry, "grpc_server_started_total", accrue_labels), 3);
  EXPECT_EQ(MetricValue(registry, "grpc_server_handled_total", with_code("OK")), 2);
  EXPECT_EQ(MetricValue(registry, "loyalty_rpc_calls_in_flight", accrue_labels), 0);
  EXPECT_EQ(MetricValue(registry, "loyalty_rpc_call_queue_depth",
                        {{"grpc_service", "loyalty.v1.CommandService"}}),
            0);
  EXPECT_EQ(MetricValue(registry, "loyalty_rpc_call_queue_capacity",
                        {{"grpc_service", "loyalty.v1.CommandService"}}),
            1);
}

// AdminService has a bounded queue of its own, and refuses as the command service does.
TEST(CommandQueueTest, AnAdminCallPastTheQueueIsRefusedOverloadedAndWritesNothing) {
  CommandServer server(8, {.workers = 1, .max_queued = 1});
  auto admin = v1::AdminService::NewStub(server.Channel());
  CreateDemoOrg(*admin, "acme", {"alice"});
  auto sql = pg::Connection::Open(server.database_url());
  ASSERT_TRUE(sql.ok());

  // Alice's row is locked, so the one admin worker's SetMemberStatus on her waits for it.
  std::unique_ptr<pg::Connection> holder = LockMember(server.database_url(), "alice");
  ASSERT_NE(holder, nullptr);
  grpc::Status first_status;
  std::jthread first([&] {
    v1::SetMemberStatusRequest request;
    request.set_idempotency_key("admin-queue-first");
    request.set_org_id("acme");
    request.set_member_id("alice");
    request.set_status(v1::MEMBER_STATUS_SUSPENDED);
    v1::Member member;
    grpc::ClientContext context;
    first_status = admin->SetMemberStatus(&context, request, &member);
  });
  ASSERT_TRUE(AwaitLockWaiters(**sql, 1));  // the worker runs it

  const auto create = [&](const std::string& member_id) {
    v1::CreateMemberRequest request;
    request.set_idempotency_key("admin-queue-" + member_id);
    request.set_org_id("acme");
    request.set_member_id(member_id);
    v1::Member member;
    grpc::ClientContext context;
    return admin->CreateMember(&context, request, &member);
  };
  const TwoMoreCalls more = CallTwiceWhileHeld(
      [&] { return create("dave"); }, [&] { return create("erin"); },
      [&] { EXPECT_TRUE(holder->ExecuteText("COMMIT").ok()); });
  first.join();
  EXPECT_TRUE(first_status.ok()) << first_status.error_message();
  EXPECT_EQ(more.answered_while_held, 1);
  ASSERT_NE(more.second.ok(), more.third.ok())
      << more.second.error_message() << " / " << more.third.error_message();
  ExpectOverloaded(more.second.ok() ? more.third : more.second, "admin");
  const std::string refused = more.second.ok() ? "erin" : "dave";
  const std::string created = more.second.ok() ? "dave" : "erin";
  const auto count = [&](const std::string& query) { return SqlInt(**sql, query); };
  EXPECT_EQ(count("SELECT count(*) FROM members WHERE member_id = '" + refused + "'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM idempotency_keys WHERE key = 'admin-queue-" + refused +
                  "'"),
            0);
  EXPECT_EQ(count("SELECT count(*) FROM members WHERE member_id = '" + created + "'"), 1);
}

}  // namespace
}  // namespace loyalty::testing
