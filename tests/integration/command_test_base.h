#pragma once

#include <memory>
#include <string>

#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "libs/pg/connection.h"
#include "loyalty/v1/admin.grpc.pb.h"
#include "loyalty/v1/command.grpc.pb.h"
#include "prometheus/metric_family.h"
#include "prometheus/registry.h"
#include "tests/support/command_server.h"
#include "tests/support/demo_org.h"
#include "tests/support/status_details.h"

namespace loyalty::testing {

// A command server with the demo org "acme" (members alice, bob, carol) and stubs to call it.
class CommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    admin_ = v1::AdminService::NewStub(server_.Channel());
    commands_ = v1::CommandService::NewStub(server_.Channel());
    CreateDemoOrg(*admin_, "acme", {"alice", "bob", "carol"});
  }

  grpc::Status Accrue(v1::AccrueRequest request, v1::AccrueResponse* response) {
    if (request.org_id().empty()) request.set_org_id("acme");
    if (request.idempotency_key().empty()) request.set_idempotency_key(NewKey());
    grpc::ClientContext context;
    return commands_->Accrue(&context, request, response);
  }

  // An explicit award of `points` to `member` that is pending until `available_at`.
  static v1::AccrueRequest PendingAward(const std::string& member, int64_t points,
                                        absl::Time available_at) {
    v1::AccrueRequest request;
    request.set_member_id(member);
    request.mutable_explicit_points()->set_points(points);
    request.mutable_explicit_points()->set_description("campaign");
    request.mutable_available_at()->set_seconds(absl::ToUnixSeconds(available_at));
    return request;
  }

  // A purchase of `cents` (USD) by `member` with order reference `order`.
  static v1::AccrueRequest Purchase(const std::string& member, const std::string& order,
                                    int64_t cents) {
    v1::AccrueRequest request;
    request.set_member_id(member);
    request.mutable_purchase()->set_order_ref(order);
    request.mutable_purchase()->mutable_amount()->set_minor_units(cents);
    request.mutable_purchase()->mutable_amount()->set_currency("USD");
    return request;
  }

  // Awards explicit points to a member, optionally expiring at `expires_at`.
  v1::AccrueResponse Give(const std::string& member, int64_t points,
                          const std::string& program = "shop", const std::string& type = "",
                          std::optional<absl::Time> expires_at = std::nullopt) {
    v1::AccrueRequest request;
    request.set_member_id(member);
    request.set_program_id(program);
    request.set_point_type(type);
    request.mutable_explicit_points()->set_points(points);
    request.mutable_explicit_points()->set_description("test award");
    if (expires_at) {
      request.mutable_expires_at()->set_seconds(absl::ToUnixSeconds(*expires_at));
    }
    v1::AccrueResponse response;
    const grpc::Status status = Accrue(request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  grpc::Status Redeem(const std::string& member, int64_t points, v1::RedeemResponse* response,
                      const std::string& program = "shop", const std::string& order = "") {
    v1::RedeemRequest request;
    request.set_org_id("acme");
    request.set_idempotency_key(NewKey());
    request.set_member_id(member);
    request.set_program_id(program);
    request.set_points(points);
    request.set_order_ref(order);
    grpc::ClientContext context;
    return commands_->Redeem(&context, request, response);
  }

  grpc::Status GroupRedeem(const std::string& member, int64_t points,
                           v1::RedeemResponse* response) {
    v1::GroupRedeemRequest request;
    request.set_org_id("acme");
    request.set_idempotency_key(NewKey());
    request.set_member_id(member);
    request.set_points(points);
    grpc::ClientContext context;
    return commands_->GroupRedeem(&context, request, response);
  }

  grpc::Status Transfer(const std::string& from, const std::string& to, int64_t points,
                        v1::TransferResponse* response, const std::string& program = "shop") {
    v1::TransferRequest request;
    request.set_org_id("acme");
    request.set_idempotency_key(NewKey());
    request.set_from_member_id(from);
    request.set_to_member_id(to);
    request.set_program_id(program);
    request.set_points(points);
    grpc::ClientContext context;
    return commands_->Transfer(&context, request, response);
  }

  // One SQL value from the test database.
  int64_t QueryInt(const std::string& sql) {
    auto connection = pg::Connection::Open(server_.database_url());
    EXPECT_TRUE(connection.ok());
    auto result = (*connection)->ExecuteText(sql);
    EXPECT_TRUE(result.ok()) << result.status();
    return result->IsNull(0, 0) ? 0 : result->Int64(0, 0);
  }

  // For every member: sum of entries == sum of lots' remaining - debt. Returns the offenders.
  int64_t MembersBreakingLedgerInvariant() {
    return QueryInt(
        "SELECT count(*) FROM members m WHERE"
        " (SELECT coalesce(sum(points), 0) FROM ledger_entries e"
        "   WHERE e.org_id = m.org_id AND e.member_id = m.member_id) <>"
        " (SELECT coalesce(sum(remaining), 0) FROM lots l"
        "   WHERE l.org_id = m.org_id AND l.member_id = m.member_id) -"
        " (SELECT coalesce(sum(debt), 0) FROM enrolments n"
        "   WHERE n.org_id = m.org_id AND n.member_id = m.member_id)");
  }

  static const v1::ProgramBalance* ProgramOf(const v1::Balances& balances,
                                             const std::string& program) {
    for (const v1::ProgramBalance& balance : balances.programs()) {
      if (balance.program_id() == program) return &balance;
    }
    return nullptr;
  }

  static int64_t Available(const v1::Balances& balances, const std::string& program = "shop") {
    const v1::ProgramBalance* balance = ProgramOf(balances, program);
    return balance == nullptr ? 0 : balance->available();
  }

  // The database round trips a server's pool has counted (loyalty_db_round_trips_total).
  static int64_t RoundTripsIn(prometheus::Registry& registry) {
    for (const prometheus::MetricFamily& family : registry.Collect()) {
      if (family.name != "loyalty_db_round_trips_total") continue;
      double total = 0;
      for (const prometheus::ClientMetric& metric : family.metric) total += metric.counter.value;
      return static_cast<int64_t>(total);
    }
    return -1;
  }

  CommandServer server_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
  std::unique_ptr<v1::CommandService::Stub> commands_;
};

}  // namespace loyalty::testing
