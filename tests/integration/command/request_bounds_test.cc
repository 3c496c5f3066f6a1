// Issue #30: points and money beyond the platform's bounds (libs/ledger/limits.h), and Durations
// that protobuf does not define, are INVALID_ARGUMENT naming the field and change nothing.

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "libs/ledger/limits.h"
#include "tests/integration/command_test_base.h"

namespace loyalty::testing {
namespace {

constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

class RequestBoundsTest : public CommandTest {
 protected:
  // What a refused request must leave as it was.
  int64_t Footprint() {
    return QueryInt(
        "SELECT (SELECT count(*) FROM ledger_entries) + (SELECT count(*) FROM lots)"
        " + (SELECT count(*) FROM reservations) + (SELECT count(*) FROM idempotency_keys)"
        " + (SELECT coalesce(sum(remaining + held), 0) FROM lots)");
  }

  void ExpectInvalid(const grpc::Status& status, const std::string& field) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_EQ(ErrorField(status), field) << status.error_message();
  }

  grpc::Status Reserve(const v1::ReservePointsRequest& request) {
    v1::ReservePointsResponse response;
    grpc::ClientContext context;
    return commands_->ReservePoints(&context, request, &response);
  }

  static v1::ReservePointsRequest ReserveRequest(int64_t seconds, int32_t nanos) {
    v1::ReservePointsRequest request;
    request.set_org_id("acme");
    request.set_idempotency_key(NewKey());
    request.set_member_id("alice");
    request.set_program_id("shop");
    request.set_points(10);
    request.mutable_timeout()->set_seconds(seconds);
    request.mutable_timeout()->set_nanos(nanos);
    return request;
  }

  static v1::AccrueRequest Explicit(int64_t points) {
    v1::AccrueRequest request;
    request.set_member_id("alice");
    request.mutable_explicit_points()->set_points(points);
    request.mutable_explicit_points()->set_description("bounds");
    return request;
  }

  static v1::AccrueRequest Adjustment(int64_t points) {
    v1::AccrueRequest request;
    request.set_member_id("alice");
    request.mutable_adjustment()->set_points(points);
    request.mutable_adjustment()->set_reason("bounds");
    request.mutable_adjustment()->set_actor("staff");
    return request;
  }
};

TEST_F(RequestBoundsTest, ReservationTimeoutsThatAreNoDurationAreRefusedNamingTimeout) {
  Give("alice", 100);
  const int64_t before = Footprint();
  for (int32_t nanos : {-1, std::numeric_limits<int32_t>::max(),
                        std::numeric_limits<int32_t>::min()}) {
    SCOPED_TRACE(nanos);
    ExpectInvalid(Reserve(ReserveRequest(600, nanos)), "timeout");
  }
  ExpectInvalid(Reserve(ReserveRequest(-600, 5)), "timeout");                 // opposite signs
  ExpectInvalid(Reserve(ReserveRequest(315576000001, 0)), "timeout");         // beyond protobuf's
  ExpectInvalid(Reserve(ReserveRequest(7 * 24 * 3600, 1)), "timeout");        // past 7 days
  ExpectInvalid(Reserve(ReserveRequest(0, 999999999)), "timeout");            // under 1 second
  EXPECT_EQ(Footprint(), before);
  EXPECT_TRUE(Reserve(ReserveRequest(7 * 24 * 3600, 0)).ok());  // the documented maximum
  EXPECT_TRUE(Reserve(ReserveRequest(1, 0)).ok());              // and minimum
}

TEST_F(RequestBoundsTest, PointsAndMoneyBeyondTheBoundsAreRefusedNamingTheField) {
  Give("alice", 100);
  Give("bob", 100);
  const int64_t before = Footprint();
  v1::AccrueResponse accrued;
  for (int64_t points : {ledger::kMaxCommandPoints + 1, kInt64Max}) {
    ExpectInvalid(Accrue(Explicit(points), &accrued), "explicit_points.points");
  }
  for (int64_t points : {kInt64Min, -kInt64Max, -ledger::kMaxCommandPoints - 1,
                         ledger::kMaxCommandPoints + 1, kInt64Max}) {
    SCOPED_TRACE(points);
    ExpectInvalid(Accrue(Adjustment(points), &accrued), "adjustment.points");
  }
  v1::AccrueRequest purchase;
  purchase.set_member_id("alice");
  purchase.mutable_purchase()->set_order_ref("big-order");
  purchase.mutable_purchase()->mutable_amount()->set_currency("USD");
  purchase.mutable_purchase()->mutable_amount()->set_minor_units(ledger::kMaxAmountMinor + 1);
  ExpectInvalid(Accrue(purchase, &accrued), "purchase.amount.minor_units");

  v1::ReverseRequest reverse;
  reverse.set_org_id("acme");
  reverse.set_idempotency_key(NewKey());
  reverse.set_member_id("alice");
  reverse.set_order_ref("order-1");
  reverse.mutable_returned_amount()->set_currency("USD");
  reverse.mutable_returned_amount()->set_minor_units(kInt64Max);
  v1::ReverseResponse reversed;
  grpc::ClientContext reverse_context;
  ExpectInvalid(commands_->Reverse(&reverse_context, reverse, &reversed),
                "returned_amount.minor_units");

  v1::RedeemResponse redeemed;
  ExpectInvalid(Redeem("alice", ledger::kMaxCommandPoints + 1, &redeemed), "points");
  ExpectInvalid(GroupRedeem("alice", kInt64Max, &redeemed), "points");

  v1::TransferRequest transfer;
  transfer.set_org_id("acme");
  transfer.set_idempotency_key(NewKey());
  transfer.set_from_member_id("alice");
  transfer.set_to_member_id("bob");
  transfer.set_points(kInt64Max);
  v1::TransferResponse transferred;
  grpc::ClientContext transfer_context;
  ExpectInvalid(commands_->Transfer(&transfer_context, transfer, &transferred), "points");

  v1::ReservePointsRequest reserve = ReserveRequest(600, 0);
  reserve.set_points(ledger::kMaxCommandPoints + 1);
  ExpectInvalid(Reserve(reserve), "points");

  v1::CapturePointsRequest capture;
  capture.set_org_id("acme");
  capture.set_idempotency_key(NewKey());
  capture.set_member_id("alice");
  capture.set_reservation_id(1);
  capture.set_points(kInt64Max);
  v1::CapturePointsResponse captured;
  grpc::ClientContext capture_context;
  ExpectInvalid(commands_->CapturePoints(&capture_context, capture, &captured), "points");
  EXPECT_EQ(Footprint(), before);

  // The bounds themselves are accepted.
  EXPECT_TRUE(Accrue(Explicit(ledger::kMaxCommandPoints), &accrued).ok());
  EXPECT_TRUE(Accrue(Adjustment(-ledger::kMaxCommandPoints), &accrued).ok());
}

TEST_F(RequestBoundsTest, ProgramRulesThatCouldOverflowAreRefusedNamingTheField) {
  struct Case {
    std::string field;
    void (*set)(v1::ProgramRules*);
  };
  const std::vector<Case> cases = {
      {"rules.earn_rate.points",
       [](v1::ProgramRules* r) {
         r->mutable_earn_rate()->set_points(ledger::kMaxCommandPoints + 1);
       }},
      {"rules.earn_rate.per_amount_minor",
       [](v1::ProgramRules* r) { r->mutable_earn_rate()->set_per_amount_minor(kInt64Max); }},
      {"rules.redemption_ratio.points",
       [](v1::ProgramRules* r) { r->mutable_redemption_ratio()->set_points(kInt64Max); }},
      {"rules.redemption_ratio.value_minor",
       [](v1::ProgramRules* r) {
         r->mutable_redemption_ratio()->set_value_minor(ledger::kMaxAmountMinor + 1);
       }},
      {"rules.redemption.minimum",
       [](v1::ProgramRules* r) { r->mutable_redemption()->set_minimum(kInt64Max); }},
      {"rules.redemption.maximum",
       [](v1::ProgramRules* r) { r->mutable_redemption()->set_maximum(kInt64Max); }},
      {"rules.redemption.multiple_of",
       [](v1::ProgramRules* r) { r->mutable_redemption()->set_multiple_of(kInt64Max); }},
      {"rules.overdraft.limit",
       [](v1::ProgramRules* r) {
         r->mutable_overdraft()->set_allowed(true);
         r->mutable_overdraft()->set_limit(ledger::kMaxBalancePoints + 1);
       }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.field);
    v1::UpdateProgramRulesRequest request;
    request.set_idempotency_key(NewKey());
    request.set_org_id("acme");
    request.set_program_id("shop");
    request.mutable_rules()->mutable_earn_rate()->set_points(1);
    request.mutable_rules()->mutable_earn_rate()->set_per_amount_minor(100);
    request.mutable_rules()->mutable_redemption_ratio()->set_points(1);
    request.mutable_rules()->mutable_redemption_ratio()->set_value_minor(1);
    c.set(request.mutable_rules());
    v1::Program program;
    grpc::ClientContext context;
    ExpectInvalid(admin_->UpdateProgramRules(&context, request, &program), c.field);
  }

  v1::AddTierRequest tier;
  tier.set_idempotency_key(NewKey());
  tier.set_org_id("acme");
  tier.set_program_id("shop");
  tier.mutable_tier()->set_code("platinum");
  tier.mutable_tier()->set_threshold(ledger::kMaxBalancePoints + 1);
  tier.mutable_tier()->set_multiplier_permille(2000);
  v1::Program program;
  grpc::ClientContext tier_context;
  ExpectInvalid(admin_->AddTier(&tier_context, tier, &program), "tier.threshold");

  v1::AddActionRequest action;
  action.set_idempotency_key(NewKey());
  action.set_org_id("acme");
  action.set_program_id("shop");
  action.mutable_action()->set_code("jackpot");
  action.mutable_action()->set_points(kInt64Max);
  grpc::ClientContext action_context;
  ExpectInvalid(admin_->AddAction(&action_context, action, &program), "action.points");
}

}  // namespace
}  // namespace loyalty::testing
