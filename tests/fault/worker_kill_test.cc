// The real loyalty-worker killed (kill -9) while it waits for a partner's answer to a conversion:
// the local points are debited and the partner credits, but the worker never learns it. Restarted,
// it sends the conversion again with the same id, the partner credits once, and the conversion is
// confirmed (docs/partners.md, "Exactly once").

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/integration/partners/partner_test_base.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/service_process.h"

namespace loyalty::testing {
namespace {

class WorkerKillTest : public PartnerTest {
 protected:
  // loyalty-worker on the test database (the system clock: the test's lots, awarded at the
  // command server's 2026-03-01, are long past the return window), calling the simulator in
  // plaintext with deadlines longer than its stall.
  std::unique_ptr<ServiceProcess> Worker() {
    const int port = FreeLoopbackPort();
    return std::make_unique<ServiceProcess>(
        LOYALTY_WORKER_BINARY,
        std::vector<std::string>{"--database_url=" + server_.database_url(),
                                 absl::StrCat("--health_listen=127.0.0.1:", port),
                                 "--metrics_listen=", "--interval_ms=50",
                                 "--partner_insecure_plaintext", "--partner_deadline_ms=20000",
                                 "--partner_attempts=1", "--conversion_retry_ms=100"},
        port, ::testing::TempDir() + "/loyalty-worker-kill.log");
  }
};

TEST_F(WorkerKillTest, AConversionWhoseWorkerDiedMidCallIsCreditedOnce) {
  v1::LinkPartnerAccountResponse link;
  ASSERT_TRUE(Link("alice", "FF-1", "Smith", &link).ok());
  v1::AccrueResponse earned;
  ASSERT_TRUE(Accrue(Purchase("alice", "order-1", 30000), &earned).ok());  // 300 points
  airline_.set_stall_for(absl::Seconds(2));
  airline_.SetMode(PartnerSimulator::Mode::kStall);

  std::unique_ptr<ServiceProcess> worker = Worker();
  ASSERT_TRUE(worker->Start(absl::Seconds(30))) << worker->LogTail();
  ASSERT_TRUE(WaitFor([&] { return airline_.calls("CreditPoints") >= 1; })) << worker->LogTail();
  EXPECT_TRUE(worker->Kill());
  EXPECT_EQ(QueryText("SELECT status FROM conversions"), "sent");
  EXPECT_EQ(AvailableOf("alice"), 0) << "the points are debited";
  ASSERT_TRUE(WaitFor([&] { return airline_.credits() == 1; })) << "the stalled call credits";

  airline_.SetMode(PartnerSimulator::Mode::kAnswer);
  ASSERT_TRUE(worker->Start(absl::Seconds(30))) << worker->LogTail();
  ASSERT_TRUE(WaitFor([&] { return QueryText("SELECT status FROM conversions") == "confirmed"; }))
      << worker->LogTail();
  EXPECT_EQ(worker->Stop(absl::Seconds(20)), 0);
  EXPECT_EQ(airline_.credits(), 1);
  EXPECT_EQ(airline_.credited("FF-1"), 9);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM conversions"), 1);
  EXPECT_EQ(QueryInt("SELECT attempts FROM conversions"), 2);
  EXPECT_EQ(QueryText("SELECT partner_reference FROM conversions"), "credit-1");
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

}  // namespace
}  // namespace loyalty::testing
