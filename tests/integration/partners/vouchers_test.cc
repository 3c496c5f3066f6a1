// Partner-side redemptions (PartnerService) load vouchers; members spend them at the till.
#include <thread>
#include <vector>

#include "tests/integration/partners/partner_test_base.h"

namespace loyalty::testing {
namespace {

class VoucherTest : public PartnerTest {
 protected:
  void SetUp() override {
    PartnerTest::SetUp();
    v1::LinkPartnerAccountResponse link;
    ASSERT_TRUE(Link("alice", "FF-1", "Smith", &link).ok());
  }

  v1::Voucher Load(const std::string& request_id, int64_t points, v1::VoucherKind kind) {
    v1::NotifyPartnerRedemptionResponse response;
    const grpc::Status status = Notify(request_id, "FF-1", points, kind, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.voucher();
  }
};

TEST_F(VoucherTest, ANotificationLoadsOneVoucherPerRequestId) {
  v1::NotifyPartnerRedemptionResponse first;
  ASSERT_TRUE(Notify("r-1", "FF-1", 1500, v1::VOUCHER_KIND_REWARD, &first).ok());
  EXPECT_FALSE(first.replayed());
  EXPECT_GT(first.ledger_position(), 0);
  const v1::Voucher& voucher = first.voucher();
  EXPECT_EQ(voucher.member_id(), "alice");
  EXPECT_EQ(voucher.value().minor_units(), 750);  // 1500 x 500 / 1000
  EXPECT_EQ(voucher.remaining().minor_units(), 750);
  EXPECT_EQ(voucher.status(), v1::VOUCHER_STATUS_ACTIVE);
  EXPECT_EQ(voucher.expires_at().seconds() - voucher.issued_at().seconds(), 90 * 86400);

  v1::NotifyPartnerRedemptionResponse replay;
  ASSERT_TRUE(Notify("r-1", "FF-1", 1500, v1::VOUCHER_KIND_REWARD, &replay).ok());
  EXPECT_TRUE(replay.replayed());
  EXPECT_EQ(replay.voucher().voucher_id(), voucher.voucher_id());

  v1::NotifyPartnerRedemptionResponse conflict;
  EXPECT_EQ(Notify("r-1", "FF-1", 2000, v1::VOUCHER_KIND_REWARD, &conflict).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(Notify("r-1", "FF-1", 1500, v1::VOUCHER_KIND_CREDIT, &conflict).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM vouchers"), 1);
}

TEST_F(VoucherTest, RefusesUnlinkedAccountsWorthlessRedemptionsAndBadInput) {
  v1::NotifyPartnerRedemptionResponse response;
  grpc::Status status = Notify("r-2", "FF-2", 1500, v1::VOUCHER_KIND_REWARD, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "NOT_LINKED");
  status = Notify("r-3", "FF-1", 1, v1::VOUCHER_KIND_REWARD, &response);
  EXPECT_EQ(ErrorReason(status), "VOUCHER_TOO_SMALL");
  status = Notify("r-4", "FF-1", 1500, v1::VOUCHER_KIND_UNSPECIFIED, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  status = Notify("r-5", "FF-1", 0, v1::VOUCHER_KIND_CREDIT, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM vouchers"), 0);
}

TEST_F(VoucherTest, ARewardDiscountsOneOrderAndACreditPaysInParts) {
  const v1::Voucher reward = Load("r-1", 1500, v1::VOUCHER_KIND_REWARD);
  v1::RedeemVoucherResponse spent;
  ASSERT_TRUE(SpendVoucher("alice", reward.voucher_id(), 500, &spent).ok());
  EXPECT_EQ(spent.applied().minor_units(), 500);
  EXPECT_EQ(spent.voucher().status(), v1::VOUCHER_STATUS_USED);
  EXPECT_EQ(ErrorReason(SpendVoucher("alice", reward.voucher_id(), 500, &spent)), "VOUCHER_USED");

  const v1::Voucher credit = Load("r-2", 2000, v1::VOUCHER_KIND_CREDIT);  // 1000 cents
  ASSERT_TRUE(SpendVoucher("alice", credit.voucher_id(), 300, &spent).ok());
  EXPECT_EQ(spent.voucher().remaining().minor_units(), 700);
  EXPECT_EQ(spent.voucher().status(), v1::VOUCHER_STATUS_ACTIVE);
  EXPECT_EQ(ErrorReason(SpendVoucher("alice", credit.voucher_id(), 701, &spent)),
            "VOUCHER_INSUFFICIENT");
  ASSERT_TRUE(SpendVoucher("alice", credit.voucher_id(), 700, &spent).ok());
  EXPECT_EQ(spent.voucher().status(), v1::VOUCHER_STATUS_USED);
  EXPECT_EQ(spent.voucher().remaining().minor_units(), 0);
  EXPECT_EQ(QueryInt("SELECT sum(applied_minor) FROM voucher_uses"), 1500);
  // Another member's voucher is not found.
  EXPECT_EQ(SpendVoucher("bob", credit.voucher_id(), 1, &spent).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(VoucherTest, AVoucherSpentTwiceAtOnceIsSpentOnce) {
  const v1::Voucher reward = Load("r-1", 1500, v1::VOUCHER_KIND_REWARD);
  std::vector<grpc::Status> results(2);
  std::vector<std::thread> tills;
  for (size_t i = 0; i < results.size(); ++i) {
    tills.emplace_back([&, i] {
      v1::RedeemVoucherResponse spent;
      results[i] =
          SpendVoucher("alice", reward.voucher_id(), 1000, &spent, absl::StrCat("till-", i));
    });
  }
  for (std::thread& till : tills) till.join();
  EXPECT_EQ(results[0].ok() + results[1].ok(), 1);
  for (const grpc::Status& result : results) {
    if (!result.ok()) {
      EXPECT_EQ(ErrorReason(result), "VOUCHER_USED");
    }
  }
  EXPECT_EQ(QueryInt("SELECT count(*) FROM voucher_uses"), 1);
}

TEST_F(VoucherTest, TheWorkerExpiresVouchersPastTheirTime) {
  const v1::Voucher credit = Load("r-1", 2000, v1::VOUCHER_KIND_CREDIT);
  server_.clock().Advance(absl::Hours(24 * 91));
  ASSERT_TRUE(worker::ExpireVouchers(WorkerContext(), 100).ok());
  EXPECT_EQ(QueryText("SELECT status FROM vouchers"), "expired");
  EXPECT_EQ(QueryInt("SELECT remaining_minor FROM vouchers"), 0);
  v1::RedeemVoucherResponse spent;
  EXPECT_EQ(ErrorReason(SpendVoucher("alice", credit.voucher_id(), 100, &spent)),
            "VOUCHER_EXPIRED");
}

}  // namespace
}  // namespace loyalty::testing
