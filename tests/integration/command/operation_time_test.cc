// A member's operations never go back in time in their commit order (issue #30, defect 11): a
// command whose clock reads earlier than the member's last operation (it read its time before it
// waited for the member's lock, or another process's clock is behind) runs at that operation's
// time, so points that an earlier command made available are available to it.
#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/integration/command_test_base.h"

namespace loyalty::testing {
namespace {

class OperationTimeTest : public CommandTest {
 protected:
  // The latest created_at of the member's ledger entries, as Unix seconds.
  int64_t LastEntrySeconds(const std::string& member) {
    return QueryInt("SELECT extract(epoch FROM max(created_at))::bigint FROM ledger_entries"
                    " WHERE member_id = '" + member + "'");
  }
};

TEST_F(OperationTimeTest, PointsMadeAvailableByAnEarlierCommandAreAvailableToALaterOne) {
  const absl::Time later = server_.clock().Now();
  Give("alice", 40);  // available from `later`
  server_.clock().Set(later - absl::Seconds(5));  // the next command's clock reads earlier

  v1::RedeemResponse redeemed;
  const grpc::Status status = Redeem("alice", 30, &redeemed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(Available(redeemed.balances()), 10);
  EXPECT_EQ(LastEntrySeconds("alice"), absl::ToUnixSeconds(later));
}

TEST_F(OperationTimeTest, EveryCommandKindRunsNoEarlierThanTheMembersLastOperation) {
  const absl::Time later = server_.clock().Now();
  Give("alice", 100);
  Give("bob", 100);
  server_.clock().Set(later - absl::Minutes(1));

  v1::TransferResponse transferred;
  ASSERT_TRUE(Transfer("alice", "bob", 60, &transferred).ok());
  EXPECT_EQ(Available(transferred.from_balances()), 40);
  EXPECT_EQ(Available(transferred.to_balances()), 160);  // received points are available at once

  v1::RedeemResponse redeemed;
  ASSERT_TRUE(GroupRedeem("bob", 150, &redeemed).ok());
  EXPECT_EQ(Available(redeemed.balances()), 10);

  v1::ReservePointsRequest reserve;
  reserve.set_org_id("acme");
  reserve.set_idempotency_key(NewKey());
  reserve.set_member_id("alice");
  reserve.set_program_id("shop");
  reserve.set_points(40);
  reserve.mutable_timeout()->set_seconds(60);
  v1::ReservePointsResponse reserved;
  grpc::ClientContext context;
  const grpc::Status status = commands_->ReservePoints(&context, reserve, &reserved);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(QueryInt("SELECT count(*) FROM ledger_entries WHERE created_at < to_timestamp(" +
                     std::to_string(absl::ToUnixSeconds(later)) + ")"),
            0);
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

}  // namespace
}  // namespace loyalty::testing
