// The command service through a real gRPC channel against a real PostgreSQL: what it refuses
// (codes that cannot be removed, an order that earns and burns, malformed and unknown input,
// suspended members, other orgs' members), and the calls counted by method and code.

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/integration/command_test_base.h"
#include "tests/support/metric_value.h"

namespace loyalty::testing {
namespace {

// Migration 0004: an accrual locks no configuration row (a FOREIGN KEY check would leave its
// lock in the row's xmax), and a point type or subtype code cannot be removed.
TEST_F(CommandTest, AccrualsLockNoConfigurationRowAndCodesCannotBeRemoved) {
  v1::AccrueResponse earned;
  ASSERT_TRUE(Accrue(Purchase("alice", "order-1", 20000), &earned).ok());
  Give("bob", 50, "shop", "bonus");
  ASSERT_GE(QueryInt("SELECT count(*) FROM lots WHERE org_id = 'acme' AND subtype IS NOT NULL"),
            1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM point_types WHERE xmax::text <> '0'"), 0);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM subtypes WHERE xmax::text <> '0'"), 0);

  auto connection = pg::Connection::Open(server_.database_url());
  ASSERT_TRUE(connection.ok());
  for (const char* sql : {"DELETE FROM point_types WHERE code = 'bonus'",
                          "UPDATE point_types SET code = 'extra' WHERE code = 'bonus'",
                          "DELETE FROM subtypes WHERE code = 'purchase'", "TRUNCATE point_types",
                          "TRUNCATE subtypes"}) {
    const absl::StatusOr<pg::Result> result = (*connection)->ExecuteText(sql);
    ASSERT_FALSE(result.ok()) << sql;
    EXPECT_NE(result.status().message().find("never removed or renamed"), std::string::npos)
        << sql << ": " << result.status();
  }
  EXPECT_EQ(QueryInt("SELECT count(*) FROM point_types WHERE org_id = 'acme'"), 4);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM subtypes WHERE org_id = 'acme'"), 3);
  // Rules that are not the code still change.
  EXPECT_TRUE((*connection)->ExecuteText(
      "UPDATE point_types SET expiry_days = 60 WHERE org_id = 'acme' AND code = 'bonus'").ok());
}

TEST_F(CommandTest, AnOrderCannotBothEarnAndBurn) {
  v1::AccrueResponse earned;
  ASSERT_TRUE(Accrue(Purchase("alice", "order-42", 20000), &earned).ok());
  v1::RedeemResponse response;
  EXPECT_EQ(ErrorReason(Redeem("alice", 10, &response, "shop", "order-42")),
            "EARN_AND_BURN_SAME_ORDER");
  ASSERT_TRUE(Redeem("alice", 10, &response, "shop", "order-43").ok());
  v1::AccrueResponse later;
  EXPECT_EQ(ErrorReason(Accrue(Purchase("alice", "order-43", 1000), &later)),
            "EARN_AND_BURN_SAME_ORDER");
  EXPECT_EQ(ErrorReason(Accrue(Purchase("alice", "order-42", 1000), &later)),
            "DUPLICATE_ORDER");
}

TEST_F(CommandTest, MalformedAndUnknownInputIsRefusedClearly) {
  struct Case {
    std::string name;
    v1::RedeemRequest request;
    grpc::StatusCode code;
    std::string field_or_reason;
  };
  auto base = [] {
    v1::RedeemRequest request;
    request.set_org_id("acme");
    request.set_idempotency_key(NewKey());
    request.set_member_id("alice");
    request.set_points(10);
    return request;
  };
  std::vector<Case> cases;
  cases.push_back({"zero points", base(), grpc::StatusCode::INVALID_ARGUMENT, "points"});
  cases.back().request.set_points(0);
  cases.push_back({"no key", base(), grpc::StatusCode::INVALID_ARGUMENT, "idempotency_key"});
  cases.back().request.clear_idempotency_key();
  cases.push_back({"bad member id", base(), grpc::StatusCode::INVALID_ARGUMENT, "member_id"});
  cases.back().request.set_member_id("alice smith");
  cases.push_back({"long reward", base(), grpc::StatusCode::INVALID_ARGUMENT, "reward"});
  cases.back().request.set_reward(std::string(300, 'x'));
  cases.push_back({"unknown org", base(), grpc::StatusCode::NOT_FOUND, "ORG_NOT_FOUND"});
  cases.back().request.set_org_id("nobody");
  cases.push_back({"unknown member", base(), grpc::StatusCode::NOT_FOUND, "MEMBER_NOT_FOUND"});
  cases.back().request.set_member_id("zed");
  cases.push_back({"unknown program", base(), grpc::StatusCode::NOT_FOUND, "PROGRAM_NOT_FOUND"});
  cases.back().request.set_program_id("nope");
  const int64_t keys_before = QueryInt("SELECT count(*) FROM idempotency_keys");
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    v1::RedeemResponse response;
    grpc::ClientContext context;
    const grpc::Status status = commands_->Redeem(&context, c.request, &response);
    EXPECT_EQ(status.error_code(), c.code) << status.error_message();
    if (c.code == grpc::StatusCode::INVALID_ARGUMENT) {
      EXPECT_EQ(ErrorField(status), c.field_or_reason);
    } else {
      EXPECT_EQ(ErrorReason(status), c.field_or_reason);
    }
  }
  EXPECT_EQ(QueryInt("SELECT count(*) FROM idempotency_keys"), keys_before);
}

TEST_F(CommandTest, SuspendedMembersNeitherEarnNorBurn) {
  v1::SetMemberStatusRequest suspend;
  suspend.set_idempotency_key(NewKey());
  suspend.set_org_id("acme");
  suspend.set_member_id("carol");
  suspend.set_status(v1::MEMBER_STATUS_SUSPENDED);
  v1::Member member;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(admin_->SetMemberStatus(&context, suspend, &member).ok());
  }
  v1::AccrueResponse response;
  EXPECT_EQ(ErrorReason(Accrue(Purchase("carol", "o-1", 100), &response)), "MEMBER_NOT_ACTIVE");
  v1::RedeemResponse redeem;
  EXPECT_EQ(ErrorReason(Redeem("carol", 1, &redeem)), "MEMBER_NOT_ACTIVE");
}

TEST_F(CommandTest, OtherOrgsMembersAreInvisible) {
  CreateDemoOrg(*admin_, "globex", {"dave"});
  v1::AccrueRequest request = Purchase("dave", "o-1", 1000);  // org "acme" by default
  v1::AccrueResponse response;
  const grpc::Status status = Accrue(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  request.set_org_id("globex");
  EXPECT_TRUE(Accrue(request, &response).ok());
}

TEST_F(CommandTest, RpcsAreCountedByMethodAndCode) {
  Give("alice", 10);
  v1::RedeemResponse response;
  EXPECT_FALSE(Redeem("alice", 100, &response).ok());
  ASSERT_TRUE(Redeem("alice", 5, &response).ok());
  const prometheus::Registry& registry = server_.registry();
  const auto handled = [&](const std::string& method, const std::string& code) {
    return MetricValue(registry, "grpc_server_handled_total",
                       {{"grpc_service", "loyalty.v1.CommandService"},
                        {"grpc_method", method},
                        {"grpc_type", "unary"},
                        {"grpc_code", code}});
  };
  EXPECT_EQ(handled("Redeem", "FailedPrecondition"), 1);
  EXPECT_EQ(handled("Redeem", "OK"), 1);
  EXPECT_EQ(handled("Accrue", "OK"), 1);
  EXPECT_EQ(MetricValue(registry, "grpc_server_started_total",
                        {{"grpc_service", "loyalty.v1.CommandService"}, {"grpc_method", "Redeem"}}),
            2);
  // Every method's series exist from the start, at 0.
  EXPECT_EQ(handled("VoidReservation", "Unauthenticated"), 0);
}

}  // namespace
}  // namespace loyalty::testing
