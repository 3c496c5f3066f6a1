// A call's deadline bounds its transaction inside the database, through real gRPC: a command
// past its deadline stops waiting there and commits nothing, and its retry with the same
// idempotency key then runs exactly once.

#include <chrono>
#include <memory>
#include <string>

#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "libs/pg/connection.h"
#include "loyalty/v1/admin.grpc.pb.h"
#include "loyalty/v1/command.grpc.pb.h"
#include "tests/support/command_server.h"
#include "tests/support/demo_org.h"
#include "tests/support/row_locks.h"

namespace loyalty::testing {
namespace {

TEST(DeadlineTest, ACommandPastItsDeadlineCommitsNothingAndItsRetryRunsOnce) {
  CommandServer server;
  auto admin = v1::AdminService::NewStub(server.Channel());
  auto commands = v1::CommandService::NewStub(server.Channel());
  CreateDemoOrg(*admin, "acme", {"alice"});
  auto sql = pg::Connection::Open(server.database_url());
  ASSERT_TRUE(sql.ok());
  const auto count = [&](const std::string& query) { return SqlInt(**sql, query); };
  const std::string alice_points =
      "SELECT coalesce(sum(points), 0) FROM ledger_entries WHERE member_id = 'alice'";
  const std::string alice_entries = "SELECT count(*) FROM ledger_entries WHERE member_id = 'alice'";
  const std::string key_records =
      "SELECT count(*) FROM idempotency_keys WHERE key = 'deadline-accrue'";
  const int64_t points_before = count(alice_points);
  const int64_t entries_before = count(alice_entries);

  v1::AccrueRequest request;
  request.set_org_id("acme");
  request.set_idempotency_key("deadline-accrue");
  request.set_member_id("alice");
  request.mutable_explicit_points()->set_points(7);
  request.mutable_explicit_points()->set_description("deadline test");

  // Alice's row is locked by another session: the accrue waits for it inside the database.
  std::unique_ptr<pg::Connection> holder = LockMember(server.database_url(), "alice");
  ASSERT_NE(holder, nullptr);
  {
    v1::AccrueResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(300));
    const grpc::Status status = commands->Accrue(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << status.error_message();
  }
  // The server gives up its wait at the deadline, while the lock is still held (at most 30 s).
  const bool gave_up = AwaitLockWaiters(**sql, 0);
  ASSERT_TRUE(holder->ExecuteText("COMMIT").ok());
  EXPECT_TRUE(gave_up);
  // Nothing committed: no ledger entry, no idempotency record. Once the server has given up,
  // nothing of that call is left to commit later.
  EXPECT_EQ(count(alice_entries), entries_before);
  EXPECT_EQ(count(key_records), 0);

  // The retry with the same key runs it, once.
  v1::AccrueResponse response;
  grpc::ClientContext context;
  const grpc::Status status = commands->Accrue(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(response.replayed());
  EXPECT_EQ(count(alice_entries), entries_before + 1);
  EXPECT_EQ(count(alice_points), points_before + 7);
  EXPECT_EQ(count(key_records), 1);
}

}  // namespace
}  // namespace loyalty::testing
