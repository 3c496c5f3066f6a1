// Database round trips of the hot commands, counted by the pool (loyalty_db_round_trips_total):
// with the org's configuration cached, an accrue, a redemption, a return, a cancellation, a
// reservation's reserve, capture and void, and a transfer are two round trips each, one for BEGIN
// with every read and one for every write with COMMIT.
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

  // A call of `method` on alice's `request` in org acme, with a new idempotency key, that
  // must succeed.
  template <typename Request, typename Response>
  void Call(grpc::Status (v1::CommandService::Stub::*method)(grpc::ClientContext*, const Request&,
                                                             Response*),
            Request request, Response* response) {
    request.set_org_id("acme");
    request.set_idempotency_key(NewKey());
    request.set_member_id("alice");
    grpc::ClientContext context;
    const grpc::Status status = (commands_.get()->*method)(&context, request, response);
    ASSERT_TRUE(status.ok()) << status.error_message();
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

TEST_F(RoundTripsTest, ACancellationIsTwoRoundTrips) {
  v1::RedeemResponse redeemed;
  ASSERT_TRUE(Redeem("alice", 100, &redeemed).ok());
  v1::CancelRedemptionRequest cancel;
  cancel.set_redemption_id(redeemed.redemption().redemption_id());
  v1::CancelRedemptionResponse response;
  EXPECT_EQ(
      RoundTripsOf([&] { Call(&v1::CommandService::Stub::CancelRedemption, cancel, &response); }),
      2);
  EXPECT_EQ(response.points_restored(), 100);
  EXPECT_EQ(Available(response.balances()), 1000);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM redemptions WHERE cancelled_at IS NOT NULL"), 1);
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

// A lot the redemption emptied is no part of the member's state as read: the cancellation tracks it
// too, so that its reply and the member cache have the points given back to it.
TEST_F(RoundTripsTest, ACancellationRestoresALotTheRedemptionEmptied) {
  v1::RedeemResponse redeemed;
  ASSERT_TRUE(Redeem("alice", 1000, &redeemed).ok());  // alice's one lot, to zero
  v1::CancelRedemptionRequest cancel;
  cancel.set_redemption_id(redeemed.redemption().redemption_id());
  v1::CancelRedemptionResponse response;
  const int64_t trips =
      RoundTripsOf([&] { Call(&v1::CommandService::Stub::CancelRedemption, cancel, &response); });
  EXPECT_EQ(trips, 2);
  EXPECT_EQ(response.points_restored(), 1000);
  EXPECT_EQ(Available(response.balances()), 1000);
  ASSERT_TRUE(Redeem("alice", 1000, &redeemed).ok());  // from the cached state after the cancel
  EXPECT_EQ(Available(redeemed.balances()), 0);
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

TEST_F(RoundTripsTest, AReservationsReserveCaptureAndVoidAreTwoRoundTripsEach) {
  v1::ReservePointsRequest reserve;
  reserve.set_points(300);
  v1::ReservePointsResponse reserved;
  EXPECT_EQ(
      RoundTripsOf([&] { Call(&v1::CommandService::Stub::ReservePoints, reserve, &reserved); }), 2);
  EXPECT_EQ(Available(reserved.balances()), 700);
  v1::CapturePointsRequest capture;
  capture.set_reservation_id(reserved.reservation_id());
  capture.set_points(100);
  v1::CapturePointsResponse captured;
  EXPECT_EQ(
      RoundTripsOf([&] { Call(&v1::CommandService::Stub::CapturePoints, capture, &captured); }), 2);
  EXPECT_EQ(captured.redemption().points(), 100);
  EXPECT_EQ(captured.points_released(), 200);
  EXPECT_EQ(Available(captured.balances()), 900);
  reserve.set_points(400);
  Call(&v1::CommandService::Stub::ReservePoints, reserve, &reserved);
  v1::VoidReservationRequest cancel;
  cancel.set_reservation_id(reserved.reservation_id());
  v1::VoidReservationResponse voided;
  EXPECT_EQ(
      RoundTripsOf([&] { Call(&v1::CommandService::Stub::VoidReservation, cancel, &voided); }), 2);
  EXPECT_EQ(voided.points_released(), 400);
  EXPECT_EQ(Available(voided.balances()), 900);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM reservations WHERE status = 'voided'"), 1);
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

TEST_F(RoundTripsTest, ATransferIsTwoRoundTrips) {
  v1::TransferResponse response;
  EXPECT_EQ(RoundTripsOf([&] { ASSERT_TRUE(Transfer("bob", "alice", 100, &response).ok()); }), 2);
  EXPECT_EQ(Available(response.from_balances()), 900);
  EXPECT_EQ(Available(response.to_balances()), 1100);
  EXPECT_EQ(RoundTripsOf([&] { ASSERT_TRUE(Transfer("alice", "bob", 50, &response).ok()); }), 2);
  EXPECT_EQ(Available(response.to_balances()), 950);
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
