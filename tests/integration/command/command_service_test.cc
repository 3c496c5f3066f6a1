// The command service through a real gRPC channel against a real PostgreSQL: earning, redeeming,
// transferring, replays and dry runs, pending points, balances. What it refuses:
// command_refusals_test.cc.

#include <string>

#include "absl/time/time.h"
#include "tests/integration/command_test_base.h"

namespace loyalty::testing {
namespace {

TEST_F(CommandTest, PurchaseEarnsFlooredPointsAndReturnsBalances) {
  v1::AccrueResponse response;
  ASSERT_TRUE(Accrue(Purchase("alice", "order-1", 12345), &response).ok());
  EXPECT_EQ(response.points(), 123);  // floor(12345 cents * 1 point / 100 cents)
  EXPECT_GT(response.ledger_position(), 0);
  EXPECT_FALSE(response.replayed());
  ASSERT_EQ(response.lots_size(), 1);
  EXPECT_EQ(response.lots(0).point_type(), "base");
  EXPECT_EQ(response.lots(0).subtype(), "purchase");
  const v1::ProgramBalance* shop = ProgramOf(response.balances(), "shop");
  ASSERT_NE(shop, nullptr);
  EXPECT_EQ(shop->available(), 123);
  EXPECT_EQ(shop->lifetime(), 123);
  EXPECT_EQ(shop->qualifying(), 123);
  EXPECT_EQ(shop->tier(), "silver");
  EXPECT_EQ(response.balances().group_available(), 123);
  EXPECT_EQ(response.balances().group_value().minor_units(), 123);
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

TEST_F(CommandTest, CrossingTheThresholdUpgradesAtOnceAndTheMultiplierApplies) {
  v1::AccrueResponse first;
  ASSERT_TRUE(Accrue(Purchase("alice", "big", 100000), &first).ok());  // 1000 points
  EXPECT_EQ(first.tier(), "gold");
  v1::AccrueResponse second;
  ASSERT_TRUE(Accrue(Purchase("alice", "next", 1001), &second).ok());
  EXPECT_EQ(second.points(), 15);  // floor(1001 / 100 * 1.5) = floor(15.015)
}

TEST_F(CommandTest, QualifyingOnlyPointsCountTowardTierButAreNotAvailable) {
  v1::AccrueResponse response = Give("alice", 1200, "shop", "status");
  EXPECT_EQ(response.tier(), "gold");
  const v1::ProgramBalance* shop = ProgramOf(response.balances(), "shop");
  EXPECT_EQ(shop->available(), 0);
  EXPECT_EQ(shop->qualifying(), 1200);
  // Gold may overdraw up to 500 points, but qualifying points never pay for a redemption.
  v1::RedeemResponse redeem;
  EXPECT_EQ(ErrorReason(Redeem("alice", 501, &redeem)), "INSUFFICIENT_POINTS");
}

TEST_F(CommandTest, ActionPointsRespectThePerMemberLimit) {
  v1::AccrueRequest request;
  request.set_member_id("bob");
  request.mutable_action()->set_action_code("register");
  v1::AccrueResponse response;
  ASSERT_TRUE(Accrue(request, &response).ok());
  EXPECT_EQ(response.points(), 50);
  const grpc::Status again = Accrue(request, &response);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(again), "ACTION_LIMIT_REACHED");
  request.mutable_action()->set_action_code("no-such-action");
  const grpc::Status unknown = Accrue(request, &response);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ErrorField(unknown), "action.action_code");
}

TEST_F(CommandTest, ReplayReturnsTheStoredResponseWithoutASecondEffect) {
  v1::AccrueRequest request = Purchase("alice", "order-7", 5000);
  request.set_idempotency_key("same-key");
  v1::AccrueResponse first;
  ASSERT_TRUE(Accrue(request, &first).ok());
  v1::AccrueResponse replay;
  ASSERT_TRUE(Accrue(request, &replay).ok());
  EXPECT_TRUE(replay.replayed());
  EXPECT_EQ(replay.accrual_id(), first.accrual_id());
  EXPECT_EQ(replay.ledger_position(), first.ledger_position());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM ledger_entries WHERE member_id = 'alice'"), 1);

  request.mutable_purchase()->mutable_amount()->set_minor_units(6000);
  v1::AccrueResponse conflict;
  const grpc::Status status = Accrue(request, &conflict);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(QueryInt("SELECT sum(remaining) FROM lots WHERE member_id = 'alice'"), 50);
}

TEST_F(CommandTest, RefusedRequestLeavesNoTraceAndItsKeyCanBeUsedAgain) {
  v1::AccrueRequest request = Purchase("alice", "order-9", 5000);
  request.set_idempotency_key("retry-key");
  request.mutable_purchase()->mutable_amount()->set_currency("EUR");
  v1::AccrueResponse response;
  EXPECT_EQ(Accrue(request, &response).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM idempotency_keys WHERE key = 'retry-key'"), 0);
  request.mutable_purchase()->mutable_amount()->set_currency("USD");
  ASSERT_TRUE(Accrue(request, &response).ok());
  EXPECT_EQ(response.points(), 50);
}

TEST_F(CommandTest, RedeemTakesClosestExpiryFirstThenEarliestAwardedNeverExpiringLast) {
  const absl::Time now = server_.clock().Now();
  const int64_t never = Give("alice", 100).lots(0).lot_id();
  const int64_t later = Give("alice", 100, "shop", "bonus", now + absl::Hours(24 * 20))
                            .lots(0).lot_id();
  const int64_t sooner_a = Give("alice", 100, "shop", "bonus", now + absl::Hours(24 * 5))
                               .lots(0).lot_id();
  const int64_t sooner_b = Give("alice", 100, "shop", "bonus", now + absl::Hours(24 * 5))
                               .lots(0).lot_id();
  v1::RedeemResponse response;
  ASSERT_TRUE(Redeem("alice", 350, &response).ok());
  const v1::Redemption& redemption = response.redemption();
  ASSERT_EQ(redemption.lots_size(), 4);
  EXPECT_EQ(redemption.lots(0).lot_id(), sooner_a);
  EXPECT_EQ(redemption.lots(1).lot_id(), sooner_b);
  EXPECT_EQ(redemption.lots(2).lot_id(), later);
  EXPECT_EQ(redemption.lots(3).lot_id(), never);
  EXPECT_EQ(redemption.lots(3).points(), 50);  // partial lot
  EXPECT_EQ(redemption.value().minor_units(), 350);
  EXPECT_EQ(redemption.value().currency(), "USD");
  ASSERT_EQ(redemption.breakup_by_program_size(), 1);
  EXPECT_EQ(redemption.breakup_by_program(0).program_id(), "shop");
  EXPECT_EQ(redemption.breakup_by_program(0).points(), 350);
  EXPECT_EQ(Available(response.balances()), 50);
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

TEST_F(CommandTest, ProgramValidationsRefuseWithReasonCodes) {
  Give("alice", 1000, "travel");
  struct Case {
    int64_t points;
    std::string reason;
  };
  for (const Case& c : {Case{5, "BELOW_MINIMUM"}, Case{12, "NOT_MULTIPLE"},
                        Case{5000, "INSUFFICIENT_POINTS"}}) {
    SCOPED_TRACE(c.points);
    v1::RedeemResponse response;
    const grpc::Status status = Redeem("alice", c.points, &response, "travel");
    EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_EQ(ErrorReason(status), c.reason);
  }
  v1::RedeemResponse ok;
  ASSERT_TRUE(Redeem("alice", 20, &ok, "travel").ok());
  EXPECT_EQ(ok.redemption().value().minor_units(), 10);  // 2 points = 1 cent
  EXPECT_EQ(QueryInt("SELECT count(*) FROM redemptions"), 1);
}

TEST_F(CommandTest, OverdraftIsAllowedOnlyForEligibleTiersUpToTheLimit) {
  Give("alice", 100);
  v1::RedeemResponse response;
  EXPECT_EQ(ErrorReason(Redeem("alice", 150, &response)), "INSUFFICIENT_POINTS");  // silver
  Give("bob", 1000, "shop", "status");  // gold, overdraft limit 500
  Give("bob", 100);
  ASSERT_TRUE(Redeem("bob", 600, &response).ok());
  EXPECT_EQ(response.redemption().overdraft_points(), 500);
  EXPECT_EQ(Available(response.balances()), -500);
  EXPECT_EQ(ErrorReason(Redeem("bob", 1, &response)), "INSUFFICIENT_POINTS");
  v1::AccrueResponse repaid = Give("bob", 700);
  EXPECT_EQ(repaid.debt_repaid(), 500);
  EXPECT_EQ(Available(repaid.balances()), 200);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM ledger_entries WHERE kind = 'overdraft_repayment'"),
            1);
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

TEST_F(CommandTest, GroupRedeemSpendsAcrossProgramsByExpiryAndListsEveryProgram) {
  const absl::Time now = server_.clock().Now();
  Give("alice", 100, "shop");                                       // never expires
  Give("alice", 60, "travel", "", now + absl::Hours(24 * 10));      // expires first
  v1::RedeemResponse response;
  ASSERT_TRUE(GroupRedeem("alice", 100, &response).ok());
  const v1::Redemption& redemption = response.redemption();
  EXPECT_TRUE(redemption.group());
  EXPECT_EQ(redemption.program_id(), "shop");  // the default group program prices it
  ASSERT_EQ(redemption.lots_size(), 2);
  EXPECT_EQ(redemption.lots(0).program_id(), "travel");
  EXPECT_EQ(redemption.lots(0).points(), 60);
  EXPECT_EQ(redemption.lots(1).program_id(), "shop");
  EXPECT_EQ(redemption.lots(1).points(), 40);
  ASSERT_EQ(redemption.breakup_by_program_size(), 2);
  EXPECT_EQ(redemption.breakup_by_program(0).program_id(), "shop");
  EXPECT_EQ(redemption.breakup_by_program(0).points(), 40);
  EXPECT_EQ(redemption.breakup_by_program(1).program_id(), "travel");
  EXPECT_EQ(redemption.breakup_by_program(1).points(), 60);
  EXPECT_EQ(redemption.value().minor_units(), 100);  // default program ratio: 1 point = 1 cent
  EXPECT_EQ(response.balances().group_available(), 60);
  EXPECT_EQ(ErrorReason(GroupRedeem("alice", 61, &response)), "INSUFFICIENT_POINTS");
}

TEST_F(CommandTest, TransferKeepsExpiryAndNeverMovesQualifyingPoints) {
  const absl::Time expiry = server_.clock().Now() + absl::Hours(24 * 40);
  Give("alice", 300, "travel", "", expiry);
  Give("alice", 500, "shop", "status");
  v1::TransferRequest request;
  request.set_org_id("acme");
  request.set_idempotency_key(NewKey());
  request.set_from_member_id("alice");
  request.set_to_member_id("bob");
  request.set_program_id("travel");
  request.set_points(120);
  v1::TransferResponse response;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(commands_->Transfer(&context, request, &response).ok());
  }
  EXPECT_EQ(Available(response.from_balances(), "travel"), 180);
  EXPECT_EQ(Available(response.to_balances(), "travel"), 120);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM lots WHERE member_id = 'bob' AND expires_at = "
                     "to_timestamp(" + std::to_string(absl::ToUnixSeconds(expiry)) + ")"),
            1);
  // The qualifying-only "status" points can never be sent.
  request.set_idempotency_key(NewKey());
  request.set_program_id("shop");
  request.set_points(1);
  grpc::ClientContext context;
  EXPECT_EQ(ErrorReason(commands_->Transfer(&context, request, &response)),
            "INSUFFICIENT_POINTS");
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

TEST_F(CommandTest, GroupTransferLandsInTheDefaultProgram) {
  Give("alice", 50, "shop");
  Give("alice", 50, "travel");
  v1::TransferRequest request;
  request.set_org_id("acme");
  request.set_idempotency_key(NewKey());
  request.set_from_member_id("alice");
  request.set_to_member_id("carol");
  request.set_group(true);
  request.set_points(80);
  v1::TransferResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(commands_->Transfer(&context, request, &response).ok());
  EXPECT_EQ(response.to_program_id(), "shop");
  EXPECT_EQ(Available(response.to_balances(), "shop"), 80);
  EXPECT_EQ(response.from_balances().group_available(), 20);
  EXPECT_EQ(response.breakup_by_program_size(), 2);
}

TEST_F(CommandTest, DryRunsAnswerWithoutEffect) {
  Give("alice", 100);
  v1::IsRedeemableRequest redeemable;
  redeemable.set_org_id("acme");
  redeemable.set_member_id("alice");
  redeemable.set_points(150);
  v1::IsRedeemableResponse verdict;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(commands_->IsRedeemable(&context, redeemable, &verdict).ok());
  }
  EXPECT_FALSE(verdict.redeemable());
  EXPECT_EQ(verdict.reason(), "INSUFFICIENT_POINTS");
  redeemable.set_points(80);
  {
    grpc::ClientContext context;
    ASSERT_TRUE(commands_->IsRedeemable(&context, redeemable, &verdict).ok());
  }
  EXPECT_TRUE(verdict.redeemable());
  EXPECT_EQ(verdict.value().minor_units(), 80);

  v1::IsTransferableRequest transferable;
  transferable.set_org_id("acme");
  transferable.set_from_member_id("alice");
  transferable.set_to_member_id("bob");
  transferable.set_points(100);
  v1::IsTransferableResponse transfer_verdict;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(commands_->IsTransferable(&context, transferable, &transfer_verdict).ok());
  }
  EXPECT_TRUE(transfer_verdict.transferable());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM redemptions"), 0);
  EXPECT_EQ(QueryInt("SELECT sum(remaining) FROM lots"), 100);
}

TEST_F(CommandTest, FutureAccrualIsPendingUntilAvailableAndExpiryMustFollowIt) {
  const absl::Time later = server_.clock().Now() + absl::Hours(48);
  v1::AccrueRequest request = PendingAward("alice", 70, later);
  v1::AccrueResponse response;
  ASSERT_TRUE(Accrue(request, &response).ok());
  const v1::ProgramBalance* shop = ProgramOf(response.balances(), "shop");
  EXPECT_EQ(shop->pending(), 70);
  EXPECT_EQ(shop->available(), 0);
  EXPECT_EQ(shop->lifetime(), 70);

  request.mutable_expires_at()->set_seconds(absl::ToUnixSeconds(later));
  const grpc::Status bad = Accrue(request, &response);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ErrorField(bad), "expires_at");
}

// An accrual reads its member's lots as summaries (its balances need no single lot): its
// balances must equal those read lot by lot, here VoidReservation's.
TEST_F(CommandTest, AccrualBalancesFromLotSummariesEqualThoseFromEveryLot) {
  const absl::Time now = server_.clock().Now();
  Give("alice", 100);
  Give("alice", 50);
  Give("alice", 30, "shop", "", now + absl::Hours(24));  // expired by the accrual below
  Give("alice", 20, "shop", "", now + absl::Hours(24));
  Give("alice", 40, "shop", "", now + absl::Hours(24 * 30));
  Give("alice", 25, "shop", "", now + absl::Hours(24 * 30));
  v1::AccrueRequest pending = PendingAward("alice", 70, now + absl::Hours(48));
  v1::AccrueResponse response;
  ASSERT_TRUE(Accrue(pending, &response).ok());
  pending.mutable_available_at()->set_seconds(absl::ToUnixSeconds(now + absl::Hours(24 * 10)));
  ASSERT_TRUE(Accrue(pending, &response).ok());  // still pending below

  server_.clock().Advance(absl::Hours(72));
  v1::ReservePointsRequest reserve;
  reserve.set_org_id("acme");
  reserve.set_idempotency_key(NewKey());
  reserve.set_member_id("alice");
  reserve.set_program_id("shop");
  reserve.set_points(15);
  reserve.mutable_timeout()->set_seconds(7 * 24 * 3600);
  v1::ReservePointsResponse reserved;
  grpc::ClientContext reserve_context;
  ASSERT_TRUE(commands_->ReservePoints(&reserve_context, reserve, &reserved).ok());

  v1::AccrueResponse accrued;
  Give("alice", 5);
  ASSERT_TRUE(Accrue(pending, &accrued).ok());

  v1::VoidReservationRequest void_request;
  void_request.set_org_id("acme");
  void_request.set_idempotency_key(NewKey());
  void_request.set_member_id("alice");
  void_request.set_reservation_id(reserved.reservation_id());
  v1::VoidReservationResponse voided;
  grpc::ClientContext void_context;
  ASSERT_TRUE(commands_->VoidReservation(&void_context, void_request, &voided).ok());

  const v1::ProgramBalance* summed = ProgramOf(accrued.balances(), "shop");
  const v1::ProgramBalance* every = ProgramOf(voided.balances(), "shop");
  ASSERT_NE(summed, nullptr);
  ASSERT_NE(every, nullptr);
  EXPECT_EQ(summed->available() + 15, every->available());
  EXPECT_EQ(summed->held(), 15);
  EXPECT_EQ(every->held(), 0);
  EXPECT_EQ(summed->pending(), every->pending());
  EXPECT_EQ(summed->pending(), 140);  // the second 70, and the third, not yet available
  EXPECT_EQ(summed->lifetime(), every->lifetime());
  EXPECT_EQ(summed->expiring().points(), every->expiring().points());
  EXPECT_EQ(summed->expiring().points(), 65);  // the two lots of day 30; day 1 has passed
  EXPECT_EQ(summed->expiring().expires_at().seconds(), every->expiring().expires_at().seconds());
  EXPECT_EQ(accrued.balances().group_available() + 15, voided.balances().group_available());
}

}  // namespace
}  // namespace loyalty::testing
