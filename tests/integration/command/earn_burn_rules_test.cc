// Returns, cancellations, reservations and staff adjustments through real gRPC and PostgreSQL.

#include <atomic>
#include <thread>

#include "google/protobuf/duration.pb.h"
#include "tests/integration/command_test_base.h"

namespace loyalty::testing {
namespace {

class EarnBurnRulesTest : public CommandTest {
 protected:
  v1::AccrueResponse Buy(const std::string& member, const std::string& order, int64_t cents) {
    v1::AccrueRequest request;
    request.set_member_id(member);
    request.mutable_purchase()->set_order_ref(order);
    request.mutable_purchase()->mutable_amount()->set_minor_units(cents);
    request.mutable_purchase()->mutable_amount()->set_currency("USD");
    v1::AccrueResponse response;
    const grpc::Status status = Accrue(request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  grpc::Status Return(const std::string& member, const std::string& order, int64_t cents,
                      v1::ReverseResponse* response) {
    v1::ReverseRequest request;
    request.set_org_id("acme");
    request.set_idempotency_key(NewKey());
    request.set_member_id(member);
    request.set_order_ref(order);
    if (cents > 0) {
      request.mutable_returned_amount()->set_minor_units(cents);
      request.mutable_returned_amount()->set_currency("USD");
    } else {
      request.set_full(true);
    }
    grpc::ClientContext context;
    return commands_->Reverse(&context, request, response);
  }

  grpc::Status Reserve(const std::string& member, int64_t points, int64_t timeout_seconds,
                       v1::ReservePointsResponse* response) {
    v1::ReservePointsRequest request;
    request.set_org_id("acme");
    request.set_idempotency_key(NewKey());
    request.set_member_id(member);
    request.set_points(points);
    if (timeout_seconds > 0) request.mutable_timeout()->set_seconds(timeout_seconds);
    grpc::ClientContext context;
    return commands_->ReservePoints(&context, request, response);
  }

  grpc::Status Capture(const std::string& member, int64_t reservation, int64_t points,
                       v1::CapturePointsResponse* response) {
    v1::CapturePointsRequest request;
    request.set_org_id("acme");
    request.set_idempotency_key(NewKey());
    request.set_member_id(member);
    request.set_reservation_id(reservation);
    request.set_points(points);
    grpc::ClientContext context;
    return commands_->CapturePoints(&context, request, response);
  }

  grpc::Status Void(const std::string& member, int64_t reservation,
                    v1::VoidReservationResponse* response) {
    v1::VoidReservationRequest request;
    request.set_org_id("acme");
    request.set_idempotency_key(NewKey());
    request.set_member_id(member);
    request.set_reservation_id(reservation);
    grpc::ClientContext context;
    return commands_->VoidReservation(&context, request, response);
  }

  grpc::Status Cancel(const std::string& member, int64_t redemption,
                      v1::CancelRedemptionResponse* response) {
    v1::CancelRedemptionRequest request;
    request.set_org_id("acme");
    request.set_idempotency_key(NewKey());
    request.set_member_id(member);
    request.set_redemption_id(redemption);
    grpc::ClientContext context;
    return commands_->CancelRedemption(&context, request, response);
  }
};

TEST_F(EarnBurnRulesTest, RepeatedPartialReturnsSumExactlyToTheFullOrder) {
  Buy("alice", "o-1", 10000);  // 100 points
  struct Step {
    int64_t cents;
    int64_t points;
  };
  // floor(100 × cumulative / 10000) - already taken: 33, 33, 34 — no drift.
  for (const Step& step : {Step{3333, 33}, Step{3333, 33}, Step{3334, 34}}) {
    v1::ReverseResponse response;
    ASSERT_TRUE(Return("alice", "o-1", step.cents, &response).ok());
    EXPECT_EQ(response.points_reversed(), step.points);
  }
  v1::ReverseResponse beyond;
  ASSERT_TRUE(Return("alice", "o-1", 500, &beyond).ok());  // capped at the order amount
  EXPECT_EQ(beyond.points_reversed(), 0);
  EXPECT_EQ(beyond.cumulative_returned().minor_units(), 10000);
  const v1::ProgramBalance* shop = ProgramOf(beyond.balances(), "shop");
  EXPECT_EQ(shop->available(), 0);
  EXPECT_EQ(shop->lifetime(), 0);
  EXPECT_EQ(shop->qualifying(), 0);
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

TEST_F(EarnBurnRulesTest, ReturningSpentPointsCreatesDebtThatTheNextAccrualRepays) {
  Buy("alice", "o-1", 10000);
  v1::RedeemResponse redeemed;
  ASSERT_TRUE(Redeem("alice", 80, &redeemed).ok());
  v1::ReverseResponse returned;
  ASSERT_TRUE(Return("alice", "o-1", 0, &returned).ok());  // a return is never refused
  EXPECT_EQ(returned.points_reversed(), 100);
  EXPECT_EQ(returned.debt_created(), 80);
  EXPECT_EQ(Available(returned.balances()), -80);
  v1::AccrueResponse next = Give("alice", 100);
  EXPECT_EQ(next.debt_repaid(), 80);
  EXPECT_EQ(Available(next.balances()), 20);
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

TEST_F(EarnBurnRulesTest, AReturnUndoesATierReachedThisPeriodButNotACarriedOverOne) {
  EXPECT_EQ(Buy("alice", "big", 100000).tier(), "gold");
  v1::ReverseResponse returned;
  ASSERT_TRUE(Return("alice", "big", 0, &returned).ok());
  EXPECT_EQ(returned.tier(), "silver");

  EXPECT_EQ(Buy("bob", "big", 100000).tier(), "gold");
  QueryInt("UPDATE enrolments SET tier_reached_at = period_start - interval '1 day'"
           " WHERE member_id = 'bob' RETURNING 1");  // gold carried over from last period
  ASSERT_TRUE(Return("bob", "big", 0, &returned).ok());
  EXPECT_EQ(returned.tier(), "gold");
}

TEST_F(EarnBurnRulesTest, UnknownOrdersAndBadScopesAreRefused) {
  v1::ReverseResponse response;
  EXPECT_EQ(Return("alice", "nope", 0, &response).error_code(), grpc::StatusCode::NOT_FOUND);
  v1::ReverseRequest request;
  request.set_org_id("acme");
  request.set_idempotency_key(NewKey());
  request.set_member_id("alice");
  request.set_order_ref("o-1");
  grpc::ClientContext context;
  const grpc::Status status = commands_->Reverse(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ErrorField(status), "scope");
}

TEST_F(EarnBurnRulesTest, CancellationRestoresLotsAndRecordsAnExpiredShareAsExpired) {
  const absl::Time now = server_.clock().Now();
  Give("alice", 100, "shop", "bonus", now + absl::Hours(24 * 10));
  Give("alice", 100);
  v1::RedeemResponse redeemed;
  ASSERT_TRUE(Redeem("alice", 150, &redeemed).ok());  // 100 bonus first, then 50 base
  server_.clock().Advance(absl::Hours(24 * 11));      // the bonus lot has expired
  v1::CancelRedemptionResponse cancelled;
  ASSERT_TRUE(Cancel("alice", redeemed.redemption().redemption_id(), &cancelled).ok());
  EXPECT_EQ(cancelled.points_restored(), 50);
  EXPECT_EQ(cancelled.points_expired(), 100);
  EXPECT_EQ(Available(cancelled.balances()), 100);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM ledger_entries WHERE kind = 'expiry'"), 1);
  v1::CancelRedemptionResponse again;
  EXPECT_EQ(ErrorReason(Cancel("alice", redeemed.redemption().redemption_id(), &again)),
            "ALREADY_CANCELLED");
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

TEST_F(EarnBurnRulesTest, ReservationHoldsPointsAndCaptureReleasesTheRest) {
  Give("alice", 100);
  v1::ReservePointsResponse reserved;
  ASSERT_TRUE(Reserve("alice", 60, 0, &reserved).ok());
  const v1::ProgramBalance* shop = ProgramOf(reserved.balances(), "shop");
  EXPECT_EQ(shop->available(), 40);
  EXPECT_EQ(shop->held(), 60);
  v1::RedeemResponse other;
  EXPECT_EQ(ErrorReason(Redeem("alice", 50, &other)), "INSUFFICIENT_POINTS");
  v1::CapturePointsResponse captured;
  ASSERT_TRUE(Capture("alice", reserved.reservation_id(), 40, &captured).ok());
  EXPECT_EQ(captured.redemption().points(), 40);
  EXPECT_EQ(captured.redemption().reservation_id(), reserved.reservation_id());
  EXPECT_EQ(captured.points_released(), 20);
  EXPECT_EQ(Available(captured.balances()), 60);
  EXPECT_EQ(ErrorReason(Capture("alice", reserved.reservation_id(), 0, &captured)),
            "RESERVATION_NOT_OPEN");
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

TEST_F(EarnBurnRulesTest, VoidReleasesAndATimedOutReservationCannotBeCaptured) {
  Give("alice", 100);
  v1::ReservePointsResponse reserved;
  ASSERT_TRUE(Reserve("alice", 60, 60, &reserved).ok());
  v1::VoidReservationResponse voided;
  ASSERT_TRUE(Void("alice", reserved.reservation_id(), &voided).ok());
  EXPECT_EQ(voided.points_released(), 60);
  EXPECT_EQ(Available(voided.balances()), 100);

  ASSERT_TRUE(Reserve("alice", 70, 60, &reserved).ok());
  server_.clock().Advance(absl::Seconds(61));
  v1::CapturePointsResponse captured;
  EXPECT_EQ(ErrorReason(Capture("alice", reserved.reservation_id(), 0, &captured)),
            "RESERVATION_EXPIRED");
  v1::RedeemResponse redeemed;
  ASSERT_TRUE(Redeem("alice", 100, &redeemed).ok());  // the hold released by itself
  EXPECT_EQ(QueryInt("SELECT count(*) FROM reservations WHERE status = 'expired'"), 1);
}

TEST_F(EarnBurnRulesTest, ConcurrentCaptureAndVoidResolveAReservationExactlyOnce) {
  Give("alice", 1000);
  for (int round = 0; round < 10; ++round) {
    SCOPED_TRACE(round);
    v1::ReservePointsResponse reserved;
    ASSERT_TRUE(Reserve("alice", 50, 0, &reserved).ok());
    std::atomic<int> succeeded{0};
    std::thread capture([&] {
      v1::CapturePointsResponse response;
      if (Capture("alice", reserved.reservation_id(), 0, &response).ok()) succeeded++;
    });
    std::thread void_it([&] {
      v1::VoidReservationResponse response;
      if (Void("alice", reserved.reservation_id(), &response).ok()) succeeded++;
    });
    capture.join();
    void_it.join();
    EXPECT_EQ(succeeded.load(), 1);
  }
  EXPECT_EQ(QueryInt("SELECT count(*) FROM reservations WHERE status = 'open'"), 0);
  EXPECT_EQ(QueryInt("SELECT sum(held) FROM lots"), 0);
  EXPECT_EQ(QueryInt("SELECT 1000 - sum(remaining) FROM lots") ,
            QueryInt("SELECT coalesce(sum(points), 0) FROM redemptions"));
}

TEST_F(EarnBurnRulesTest, ConcurrentReturnAndRedemptionOfOneOrderStayConsistent) {
  for (int round = 0; round < 6; ++round) {
    SCOPED_TRACE(round);
    const std::string order = "race-" + std::to_string(round);
    Buy("carol", order, 10000);  // 100 points
    std::atomic<bool> redeemed{false};
    std::thread redeem([&] {
      v1::RedeemResponse response;
      redeemed = Redeem("carol", 80, &response).ok();
    });
    std::thread give_back([&] {
      v1::ReverseResponse response;
      EXPECT_TRUE(Return("carol", order, 0, &response).ok());
    });
    redeem.join();
    give_back.join();
    EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
  }
  EXPECT_EQ(QueryInt("SELECT count(*) FROM lots WHERE remaining > amount OR remaining < 0"), 0);
}

TEST_F(EarnBurnRulesTest, StaffAdjustmentsKeepReasonAndActorForAudit) {
  Give("alice", 100);
  v1::AccrueRequest request;
  request.set_member_id("alice");
  request.mutable_adjustment()->set_points(-30);
  request.mutable_adjustment()->set_reason("duplicate award");
  request.mutable_adjustment()->set_actor("staff-17");
  v1::AccrueResponse response;
  ASSERT_TRUE(Accrue(request, &response).ok());
  EXPECT_EQ(Available(response.balances()), 70);
  EXPECT_EQ(
      QueryInt("SELECT count(*) FROM ledger_entries WHERE kind = 'adjustment'"
               " AND points = -30 AND actor = 'staff-17' AND description = 'duplicate award'"),
      1);
  request.mutable_adjustment()->clear_actor();
  const grpc::Status status = Accrue(request, &response);
  EXPECT_EQ(ErrorField(status), "adjustment.actor");
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

}  // namespace
}  // namespace loyalty::testing
