// The command service through a real gRPC channel against a real PostgreSQL.

#include <map>
#include <optional>

#include "absl/time/time.h"
#include "tests/integration/command_test_base.h"

namespace loyalty::testing {
namespace {


v1::AccrueRequest Purchase(const std::string& member, const std::string& order, int64_t cents) {
  v1::AccrueRequest request;
  request.set_member_id(member);
  request.mutable_purchase()->set_order_ref(order);
  request.mutable_purchase()->mutable_amount()->set_minor_units(cents);
  request.mutable_purchase()->mutable_amount()->set_currency("USD");
  return request;
}

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

double CounterValue(prometheus::Registry& registry, const std::string& family_name,
                    const std::map<std::string, std::string>& labels) {
  for (const prometheus::MetricFamily& family : registry.Collect()) {
    if (family.name != family_name) continue;
    for (const prometheus::ClientMetric& metric : family.metric) {
      std::map<std::string, std::string> found;
      for (const prometheus::ClientMetric::Label& label : metric.label) {
        found[label.name] = label.value;
      }
      bool match = true;
      for (const auto& [name, value] : labels) match = match && found[name] == value;
      if (match) return metric.counter.value;
    }
  }
  return 0;
}

TEST_F(CommandTest, RpcsAreCountedByMethodAndCode) {
  Give("alice", 10);
  v1::RedeemResponse response;
  EXPECT_FALSE(Redeem("alice", 100, &response).ok());
  ASSERT_TRUE(Redeem("alice", 5, &response).ok());
  prometheus::Registry& registry = server_.registry();
  EXPECT_EQ(CounterValue(registry, "loyalty_rpc_requests_total",
                         {{"method", "Redeem"}, {"code", "FAILED_PRECONDITION"}}), 1);
  EXPECT_EQ(CounterValue(registry, "loyalty_rpc_requests_total",
                         {{"method", "Redeem"}, {"code", "OK"}}), 1);
  EXPECT_EQ(CounterValue(registry, "loyalty_rpc_requests_total",
                         {{"method", "Accrue"}, {"code", "OK"}}), 1);
}

}  // namespace
}  // namespace loyalty::testing
