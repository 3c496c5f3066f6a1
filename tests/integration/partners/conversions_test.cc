// Conversions of matured points to the partner (the worker's jobs against the simulator).
#include "tests/integration/partners/partner_test_base.h"

namespace loyalty::testing {
namespace {

class ConversionTest : public PartnerTest {
 protected:
  void SetUp() override {
    PartnerTest::SetUp();
    v1::LinkPartnerAccountResponse link;
    ASSERT_TRUE(Link("alice", "FF-1", "Smith", &link).ok());
  }

  int64_t Conversions(const std::string& status) {
    return QueryInt("SELECT count(*) FROM conversions WHERE status = '" + status + "'");
  }
  int64_t EntryPoints(const std::string& kind) {
    return QueryInt("SELECT coalesce(sum(points), 0) FROM ledger_entries WHERE kind = '" + kind +
                    "'");
  }
};

TEST_F(ConversionTest, MaturedPointsConvertAfterTheWindowAndTheRemainderStaysLocal) {
  v1::AccrueResponse earned;
  ASSERT_TRUE(Accrue(Purchase("alice", "order-1", 25000), &earned).ok());  // 250 points
  ConvertAndSend();
  server_.clock().Advance(absl::Hours(24 * 29));
  ConvertAndSend();
  EXPECT_EQ(QueryInt("SELECT count(*) FROM conversions"), 0) << "converted inside the window";

  server_.clock().Advance(absl::Hours(24 * 2));
  ConvertAndSend();
  EXPECT_EQ(Conversions("confirmed"), 1);
  EXPECT_EQ(QueryInt("SELECT local_points FROM conversions"), 200);
  EXPECT_EQ(QueryInt("SELECT partner_points FROM conversions"), 6);
  EXPECT_EQ(QueryText("SELECT partner_reference FROM conversions"), "credit-1");
  EXPECT_EQ(airline_.credited("FF-1"), 6);
  EXPECT_EQ(EntryPoints("conversion"), -200);
  EXPECT_EQ(AvailableOf("alice"), 50);
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);

  // The remainder waits for more; running again converts nothing more.
  ConvertAndSend();
  EXPECT_EQ(QueryInt("SELECT count(*) FROM conversions"), 1);
  EXPECT_EQ(airline_.credits(), 1);
}

TEST_F(ConversionTest, PointsEarnedBeforeTheLinkOrAfterTheUnlinkDoNotConvert) {
  v1::AccrueResponse earned;
  ASSERT_TRUE(Accrue(Purchase("bob", "order-b", 30000), &earned).ok());
  server_.clock().Advance(absl::Hours(1));
  v1::LinkPartnerAccountResponse link;
  ASSERT_TRUE(Link("bob", "FF-2", "Jones", &link).ok());
  ASSERT_TRUE(Accrue(Purchase("alice", "order-a", 30000), &earned).ok());
  ASSERT_TRUE(Unlink("alice").ok());
  server_.clock().Advance(absl::Hours(24 * 31));
  ConvertAndSend();
  EXPECT_EQ(QueryInt("SELECT count(*) FROM conversions"), 0);
  EXPECT_EQ(airline_.calls("CreditPoints"), 0);
}

TEST_F(ConversionTest, ACreditWhoseAnswerWasLostIsSentAgainWithTheSameIdAndCreditedOnce) {
  v1::AccrueResponse earned;
  ASSERT_TRUE(Accrue(Purchase("alice", "order-1", 30000), &earned).ok());
  server_.clock().Advance(absl::Hours(24 * 31));
  // The debit is made and the worker stops before the call (a crash): the conversion is pending.
  ASSERT_TRUE(worker::ConvertPoints(WorkerContext(), server_.gateways(), 100).ok());
  EXPECT_EQ(Conversions("pending"), 1);
  EXPECT_EQ(AvailableOf("alice"), 0);
  EXPECT_EQ(airline_.calls("CreditPoints"), 0);

  // The partner credits but answers after our deadline: the conversion stays sent.
  airline_.set_stall_for(absl::Milliseconds(700));
  airline_.SetMode(PartnerSimulator::Mode::kStall);
  ASSERT_TRUE(
      worker::SendConversions(WorkerContext(), server_.gateways(), 100, worker::ConversionRetry{})
          .ok());
  EXPECT_EQ(Conversions("sent"), 1);
  // The partner's stalled answer credits (after our deadline).
  ASSERT_TRUE(WaitFor([&] { return airline_.credited("FF-1") == 9; }));

  // Sent again when due, with the same id: credited once, confirmed.
  airline_.SetMode(PartnerSimulator::Mode::kAnswer);
  ASSERT_TRUE(WaitFor([&] { return BreakerLetsCallsThrough(); }));
  server_.clock().Advance(absl::Minutes(2));
  ConvertAndSend();
  EXPECT_EQ(Conversions("confirmed"), 1);
  EXPECT_EQ(airline_.credits(), 1);
  EXPECT_EQ(airline_.credited("FF-1"), 9);
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

TEST_F(ConversionTest, AnOutageUsesTheRetryBudgetThenGivesThePointsBack) {
  v1::AccrueResponse earned;
  ASSERT_TRUE(Accrue(Purchase("alice", "order-1", 25000), &earned).ok());
  server_.clock().Advance(absl::Hours(24 * 31));
  airline_.SetMode(PartnerSimulator::Mode::kFail);
  const worker::ConversionRetry retry{3, absl::Minutes(1), absl::Hours(1)};
  for (int round = 0; round < 6 && Conversions("returned") == 0; ++round) {
    ConvertAndSend(retry);
    ASSERT_TRUE(WaitFor([&] { return BreakerLetsCallsThrough(); }));  // its open time passed
    server_.clock().Advance(absl::Minutes(10));
  }
  EXPECT_EQ(Conversions("returned"), 1);
  EXPECT_EQ(QueryInt("SELECT attempts FROM conversions"), 3);
  EXPECT_NE(QueryText("SELECT last_error FROM conversions"), "");
  EXPECT_EQ(EntryPoints("conversion"), -200);
  EXPECT_EQ(EntryPoints("conversion_return"), 200);
  EXPECT_EQ(AvailableOf("alice"), 250);
  EXPECT_EQ(airline_.credits(), 0);
  EXPECT_EQ(QueryText("SELECT state FROM partner_links"), "active");
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

TEST_F(ConversionTest, ADefiniteRefusalGivesThePointsBackAndStopsTheLink) {
  v1::AccrueResponse earned;
  ASSERT_TRUE(Accrue(Purchase("alice", "order-1", 25000), &earned).ok());
  server_.clock().Advance(absl::Hours(24 * 31));
  airline_.SetMode(PartnerSimulator::Mode::kRefuse);
  ConvertAndSend();
  EXPECT_EQ(Conversions("returned"), 1);
  EXPECT_EQ(AvailableOf("alice"), 250);
  EXPECT_EQ(QueryText("SELECT state FROM partner_links"), "refused");
  airline_.SetMode(PartnerSimulator::Mode::kAnswer);
  ConvertAndSend();
  EXPECT_EQ(QueryInt("SELECT count(*) FROM conversions"), 1) << "a refused link converts nothing";
}

TEST_F(ConversionTest, AReversalBeforeTheWindowClawsBackAndAfterItBecomesDebt) {
  v1::AccrueResponse earned;
  ASSERT_TRUE(Accrue(Purchase("alice", "early", 20000), &earned).ok());
  ASSERT_TRUE(Accrue(Purchase("alice", "late", 30000), &earned).ok());
  v1::ReverseRequest reverse;
  reverse.set_org_id("acme");
  reverse.set_idempotency_key(NewKey());
  reverse.set_member_id("alice");
  reverse.set_order_ref("early");
  reverse.set_full(true);
  v1::ReverseResponse reversed;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(commands_->Reverse(&context, reverse, &reversed).ok());
  }
  server_.clock().Advance(absl::Hours(24 * 31));
  ConvertAndSend();
  EXPECT_EQ(QueryInt("SELECT local_points FROM conversions"), 300) << "only the late order";

  reverse.set_idempotency_key(NewKey());
  reverse.set_order_ref("late");
  grpc::ClientContext context;
  ASSERT_TRUE(commands_->Reverse(&context, reverse, &reversed).ok());
  EXPECT_EQ(QueryInt("SELECT debt FROM enrolments WHERE member_id = 'alice' AND program_id = "
                     "'shop'"),
            300);
  EXPECT_EQ(Conversions("confirmed"), 1) << "what converted stays converted";
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

}  // namespace
}  // namespace loyalty::testing
