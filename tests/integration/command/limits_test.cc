// The bounds on points and money (libs/ledger/limits.h): requests beyond them are refused naming
// the field, commands that would carry a balance beyond them are refused POINTS_LIMIT_EXCEEDED,
// and neither changes anything nor stops the service (issue #30, defects 1-4).
#include <cstdint>
#include <limits>
#include <string>

#include "gtest/gtest.h"
#include "libs/ledger/limits.h"
#include "tests/integration/command_test_base.h"

namespace loyalty::testing {
namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

class LimitsTest : public CommandTest {
 protected:
  grpc::Status Explicit(const std::string& member, int64_t points) {
    v1::AccrueRequest request;
    request.set_member_id(member);
    request.set_program_id("shop");
    request.mutable_explicit_points()->set_points(points);
    request.mutable_explicit_points()->set_description("limit test");
    v1::AccrueResponse response;
    return Accrue(request, &response);
  }

  grpc::Status Adjust(const std::string& member, int64_t points) {
    v1::AccrueRequest request;
    request.set_member_id(member);
    request.set_program_id("shop");
    request.mutable_adjustment()->set_points(points);
    request.mutable_adjustment()->set_reason("limit test");
    request.mutable_adjustment()->set_actor("staff-1");
    v1::AccrueResponse response;
    return Accrue(request, &response);
  }

  grpc::Status Transfer(const std::string& from, const std::string& to, int64_t points) {
    v1::TransferResponse response;
    return CommandTest::Transfer(from, to, points, &response);
  }

  grpc::Status Reverse(const std::string& order, int64_t returned_minor,
                       v1::ReverseResponse* response) {
    v1::ReverseRequest request;
    request.set_org_id("acme");
    request.set_idempotency_key(NewKey());
    request.set_member_id("alice");
    request.set_program_id("shop");
    request.set_order_ref(order);
    request.mutable_returned_amount()->set_minor_units(returned_minor);
    request.mutable_returned_amount()->set_currency("USD");
    grpc::ClientContext context;
    return commands_->Reverse(&context, request, response);
  }

  // Fills `member`'s shop balance to exactly kMaxBalancePoints, one largest command at a time.
  void FillToTheLimit(const std::string& member) {
    for (int64_t i = 0; i < ledger::kMaxBalancePoints / ledger::kMaxCommandPoints; ++i) {
      ASSERT_TRUE(Explicit(member, ledger::kMaxCommandPoints).ok());
    }
  }

  // Takes `member`'s shop debt to exactly kMaxBalancePoints, one largest command at a time.
  void OweToTheLimit(const std::string& member) {
    for (int64_t i = 0; i < ledger::kMaxBalancePoints / ledger::kMaxCommandPoints; ++i) {
      ASSERT_TRUE(Adjust(member, -ledger::kMaxCommandPoints).ok());
    }
  }

  int64_t Entries() { return QueryInt("SELECT count(*) FROM ledger_entries"); }
};

TEST_F(LimitsTest, PointsBeyondACommandsLimitAreRefusedNamingTheField) {
  for (int64_t points : {ledger::kMaxCommandPoints + 1, kInt64Max}) {
    const grpc::Status status = Explicit("alice", points);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << points;
    EXPECT_EQ(ErrorField(status), "explicit_points.points");
  }
  for (int64_t points : {ledger::kMaxCommandPoints + 1, -ledger::kMaxCommandPoints - 1,
                         kInt64Max, kInt64Min, kInt64Min + 1}) {
    const grpc::Status status = Adjust("alice", points);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << points;
    EXPECT_EQ(ErrorField(status), "adjustment.points");
  }
  const grpc::Status transfer = Transfer("alice", "bob", kInt64Max);
  EXPECT_EQ(transfer.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ErrorField(transfer), "points");
  EXPECT_EQ(Entries(), 0);
  // The service still answers, and the largest allowed command goes through.
  EXPECT_TRUE(Explicit("alice", ledger::kMaxCommandPoints).ok());
  EXPECT_TRUE(Adjust("bob", -ledger::kMaxCommandPoints).ok());
}

TEST_F(LimitsTest, AReturnedAmountBeyondTheLimitIsRefusedAndRepeatedReturnsNeverOverflow) {
  v1::AccrueRequest purchase;
  purchase.set_member_id("alice");
  purchase.set_program_id("shop");
  purchase.mutable_purchase()->set_order_ref("o1");
  purchase.mutable_purchase()->mutable_amount()->set_minor_units(12'500);
  purchase.mutable_purchase()->mutable_amount()->set_currency("USD");
  v1::AccrueResponse earned;
  ASSERT_TRUE(Accrue(purchase, &earned).ok());

  v1::ReverseResponse reversed;
  ASSERT_TRUE(Reverse("o1", 1, &reversed).ok());
  const grpc::Status beyond = Reverse("o1", kInt64Max, &reversed);
  EXPECT_EQ(beyond.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ErrorField(beyond), "returned_amount.minor_units");
  // The most a return may name, after a partial one: the whole order comes back, once.
  ASSERT_TRUE(Reverse("o1", ledger::kMaxAmountMinor, &reversed).ok());
  EXPECT_EQ(reversed.cumulative_returned().minor_units(), 12'500);
  EXPECT_EQ(QueryInt("SELECT -sum(points) FROM ledger_entries WHERE kind = 'reversal'"),
            earned.points());
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

TEST_F(LimitsTest, APurchaseThatWouldEarnMoreThanOneCommandMayIsRefused) {
  v1::AccrueRequest purchase;
  purchase.set_member_id("alice");
  purchase.set_program_id("shop");  // 1 point per 100 minor: the largest amount earns 10^13
  purchase.mutable_purchase()->set_order_ref("big");
  purchase.mutable_purchase()->mutable_amount()->set_minor_units(ledger::kMaxAmountMinor);
  purchase.mutable_purchase()->mutable_amount()->set_currency("USD");
  v1::AccrueResponse response;
  const grpc::Status status = Accrue(purchase, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "POINTS_LIMIT_EXCEEDED");
  EXPECT_EQ(Entries(), 0);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM purchases"), 0);
}

TEST_F(LimitsTest, ABalanceNeverPassesTheLimitByAccrualOrTransfer) {
  FillToTheLimit("bob");
  ASSERT_TRUE(Explicit("alice", 10).ok());
  const int64_t entries = Entries();

  const grpc::Status accrual = Explicit("bob", 1);
  EXPECT_EQ(accrual.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(accrual), "POINTS_LIMIT_EXCEEDED");
  const grpc::Status transfer = Transfer("alice", "bob", 10);
  EXPECT_EQ(transfer.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(transfer), "POINTS_LIMIT_EXCEEDED");
  EXPECT_EQ(Entries(), entries);

  // The full balance is exact and spendable: every command on the member still works.
  v1::RedeemResponse redeemed;
  ASSERT_TRUE(Redeem("bob", ledger::kMaxCommandPoints, &redeemed).ok());
  EXPECT_EQ(Available(redeemed.balances()),
            ledger::kMaxBalancePoints - ledger::kMaxCommandPoints);
  EXPECT_TRUE(Transfer("alice", "bob", 10).ok());
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

TEST_F(LimitsTest, ADebtNeverPassesTheLimit) {
  OweToTheLimit("carol");
  const int64_t entries = Entries();
  const grpc::Status status = Adjust("carol", -1);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "POINTS_LIMIT_EXCEEDED");
  EXPECT_EQ(Entries(), entries);
  EXPECT_EQ(QueryInt("SELECT debt FROM enrolments WHERE member_id = 'carol'"
                     " AND program_id = 'shop'"),
            ledger::kMaxBalancePoints);
  // An accrual repays it as usual.
  v1::AccrueRequest award;
  award.set_member_id("carol");
  award.set_program_id("shop");
  award.mutable_explicit_points()->set_points(5);
  award.mutable_explicit_points()->set_description("repay");
  v1::AccrueResponse response;
  ASSERT_TRUE(Accrue(award, &response).ok());
  EXPECT_EQ(response.debt_repaid(), 5);
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

}  // namespace
}  // namespace loyalty::testing
