// Database round trips of the hot commands, counted by the pool (loyalty_db_round_trips_total):
// with the org's configuration cached, an accrue, a redemption or a return is two round trips, one
// for BEGIN with every read and one for every write with COMMIT.
#include <functional>

#include "tests/integration/command_test_base.h"

namespace loyalty::testing {
namespace {

class RoundTripsTest : public CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    Give("alice", 1000);  // caches the org's configuration
    Give("bob", 1000);
  }

  int64_t RoundTripsOf(const std::function<void()>& call) {
    const int64_t before = RoundTripsIn(server_.registry());
    call();
    return RoundTripsIn(server_.registry()) - before;
  }

  v1::AccrueRequest Purchase(const std::string& member, const std::string& order) {
    v1::AccrueRequest request;
    request.set_member_id(member);
    request.set_program_id("shop");
    request.mutable_purchase()->set_order_ref(order);
    request.mutable_purchase()->mutable_amount()->set_currency("USD");
    request.mutable_purchase()->mutable_amount()->set_minor_units(2500);
    return request;
  }
};

TEST_F(RoundTripsTest, AnAccrueIsTwoRoundTrips) {
  v1::AccrueResponse response;
  EXPECT_EQ(RoundTripsOf([&] { ASSERT_TRUE(Accrue(Purchase("alice", "o-1"), &response).ok()); }),
            2);
  EXPECT_GT(response.points(), 0);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM purchases WHERE order_ref = 'o-1'"), 1);
  EXPECT_EQ(RoundTripsOf([&] { Give("alice", 5); }), 2);
  v1::AccrueRequest action;
  action.set_member_id("bob");
  action.set_program_id("shop");
  action.mutable_action()->set_action_code("register");
  EXPECT_EQ(RoundTripsOf([&] { ASSERT_TRUE(Accrue(action, &response).ok()); }), 2);
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

TEST_F(RoundTripsTest, ARedemptionIsTwoRoundTrips) {
  v1::RedeemResponse response;
  EXPECT_EQ(RoundTripsOf([&] { ASSERT_TRUE(Redeem("alice", 100, &response).ok()); }), 2);
  EXPECT_EQ(RoundTripsOf([&] {
              ASSERT_TRUE(Redeem("alice", 100, &response, "shop", "order-9").ok());
            }),
            2);
  EXPECT_EQ(RoundTripsOf([&] { ASSERT_TRUE(GroupRedeem("bob", 100, &response).ok()); }), 2);
  EXPECT_EQ(Available(response.balances()), 900);
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

TEST_F(RoundTripsTest, AReturnIsTwoRoundTrips) {
  v1::AccrueResponse accrued;
  ASSERT_TRUE(Accrue(Purchase("alice", "o-2"), &accrued).ok());
  v1::ReverseRequest request;
  request.set_org_id("acme");
  request.set_member_id("alice");
  request.set_program_id("shop");
  request.set_order_ref("o-2");
  request.mutable_returned_amount()->set_currency("USD");
  request.mutable_returned_amount()->set_minor_units(1000);
  v1::ReverseResponse response;
  const auto reverse = [&] {
    request.set_idempotency_key(NewKey());
    grpc::ClientContext context;
    const grpc::Status status = commands_->Reverse(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  };
  EXPECT_EQ(RoundTripsOf(reverse), 2);
  EXPECT_EQ(response.points_reversed(), accrued.points() * 1000 / 2500);
  request.set_full(true);
  EXPECT_EQ(RoundTripsOf(reverse), 2);
  EXPECT_EQ(QueryInt("SELECT reversed_points FROM purchases WHERE order_ref = 'o-2'"),
            accrued.points());
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

TEST_F(RoundTripsTest, ARefusalIsTheReadsAndARollback) {
  v1::RedeemResponse response;
  EXPECT_EQ(RoundTripsOf([&] {
              EXPECT_EQ(Redeem("alice", 999999, &response).error_code(),
                        grpc::StatusCode::FAILED_PRECONDITION);
            }),
            2);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM redemptions"), 0);
}

}  // namespace
}  // namespace loyalty::testing
