// The projector's ordering guarantee, forced deterministically: a position taken by a
// transaction that commits after a later position must be applied (in order, once), and a
// position whose transaction rolled back must be skipped, but only once that is certain.

#include <memory>
#include <thread>

#include "libs/pg/connection.h"
#include "loyalty/internal/v1/events.pb.h"
#include "services/query/rebuild.h"
#include "tests/integration/command_test_base.h"
#include "tests/support/query_server.h"

namespace loyalty::testing {
namespace {

class QueryProjectorTest : public CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    query_ = std::make_unique<QueryServer>(server_.database_url(), &server_.clock(), false);
    projector_ = query_->NewProjector();
  }

  // Runs rounds until one applies nothing.
  void Drain() {
    while (true) {
      absl::StatusOr<int> applied = projector_->RunOnce();
      ASSERT_TRUE(applied.ok()) << applied.status();
      if (*applied == 0) return;
    }
  }

  int64_t Checkpoint() { return QueryInt("SELECT position FROM view_checkpoint"); }

  // An open transaction that took an outbox position with a hand-made event (one entry of
  // 0 points for alice, entry id 900000 + n).
  struct OpenWriter {
    std::unique_ptr<pg::Connection> connection;
    int64_t position = 0;
  };
  OpenWriter BeginWriter(int n) {
    OpenWriter writer;
    auto connection = pg::Connection::Open(server_.database_url());
    EXPECT_TRUE(connection.ok());
    writer.connection = std::move(*connection);
    EXPECT_TRUE(writer.connection->ExecuteText("BEGIN").ok());
    internal::v1::LedgerEvent event;
    event.set_org_id("acme");
    event.set_operation_id(900000 + n);
    event.set_operation("Manual");
    internal::v1::EntryRecord* entry = event.add_entries();
    entry->set_entry_id(900000 + n);
    entry->set_member_id("alice");
    entry->set_program_id("shop");
    entry->set_point_type("base");
    entry->set_kind(v1::LEDGER_ENTRY_KIND_ADJUSTMENT);
    entry->mutable_created_at()->set_seconds(1772323200);
    auto row = writer.connection->ExecuteText(
        "INSERT INTO outbox (org_id, event) VALUES ('acme', $1) RETURNING position",
        pg::Params().AddBytes(event.SerializeAsString()));
    EXPECT_TRUE(row.ok()) << row.status();
    writer.position = row->Int64(0, 0);
    return writer;
  }

  std::unique_ptr<QueryServer> query_;
  std::unique_ptr<query::Projector> projector_;
};

TEST_F(QueryProjectorTest, LateCommitOfAnEarlierPositionIsAppliedInOrderOnce) {
  Drain();
  OpenWriter writer = BeginWriter(1);
  const v1::AccrueResponse accrued = Give("alice", 10);
  const int64_t later = accrued.ledger_position();
  ASSERT_GT(later, writer.position);

  Drain();  // must stop before the open transaction's position
  EXPECT_EQ(Checkpoint(), writer.position - 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM view_entries WHERE position >= " +
                     std::to_string(writer.position)),
            0);
  Drain();  // still open: still waiting
  EXPECT_EQ(Checkpoint(), writer.position - 1);

  ASSERT_TRUE(writer.connection->ExecuteText("COMMIT").ok());
  Drain();
  EXPECT_EQ(Checkpoint(), later);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM view_entries WHERE entry_id = 900001 AND position = " +
                     std::to_string(writer.position)),
            1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM view_entries WHERE position = " +
                     std::to_string(later)),
            QueryInt("SELECT count(*) FROM ledger_entries WHERE operation_id = " +
                     std::to_string(accrued.accrual_id())));
  EXPECT_EQ(QueryInt("SELECT skipped FROM view_checkpoint"), 0);

  absl::StatusOr<query::RebuildReport> report = query::RebuildAndCompare(server_.database_url());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->differences, 0);
}

TEST_F(QueryProjectorTest, RolledBackPositionIsSkippedOnlyOnceItsWriterEnded) {
  Drain();
  OpenWriter writer = BeginWriter(2);
  const int64_t later = Give("alice", 10).ledger_position();
  Drain();
  EXPECT_EQ(Checkpoint(), writer.position - 1);

  ASSERT_TRUE(writer.connection->ExecuteText("ROLLBACK").ok());
  Drain();
  EXPECT_EQ(Checkpoint(), later);
  EXPECT_EQ(QueryInt("SELECT skipped FROM view_checkpoint"), 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM view_entries WHERE entry_id = 900002"), 0);
}

// While a round waits behind an open position, the next comes after busy_poll_interval, not
// poll_interval (an hour here): the late commit is applied without the projector going idle.
TEST_F(QueryProjectorTest, ARoundWaitingBehindAnOpenPositionRunsAgainSoon) {
  Drain();
  OpenWriter writer = BeginWriter(3);
  const int64_t later = Give("alice", 10).ledger_position();
  query::ProjectorOptions options;
  options.poll_interval = absl::Hours(1);
  options.busy_poll_interval = absl::Milliseconds(1);
  projector_.reset();  // the leader lock is this one's
  std::unique_ptr<query::Projector> running = query_->NewProjector(options);
  std::jthread rounds([&](std::stop_token stop) { running->Run(stop); });
  // A round saw the later position and stopped before the open one (it records the horizon).
  const auto horizon = [&]() -> absl::StatusOr<int64_t> {
    return QueryInt("SELECT coalesce(horizon_position, 0) FROM view_checkpoint");
  };
  absl::StatusOr<int64_t> seen =
      query_->watch().WaitFor(horizon, later, absl::Now() + absl::Seconds(30));
  ASSERT_TRUE(seen.ok()) << seen.status();
  ASSERT_EQ(*seen, later);
  EXPECT_EQ(Checkpoint(), writer.position - 1);

  ASSERT_TRUE(writer.connection->ExecuteText("COMMIT").ok());
  const auto checkpoint = [&]() -> absl::StatusOr<int64_t> { return Checkpoint(); };
  absl::StatusOr<int64_t> reached =
      query_->watch().WaitFor(checkpoint, later, absl::Now() + absl::Seconds(30));
  ASSERT_TRUE(reached.ok()) << reached.status();
  EXPECT_EQ(*reached, later);
}

// The round's checkpoint update goes out with its view writes and its COMMIT: when the
// checkpoint moved after the round read it (here: another session that held its row), the round
// fails as a whole and leaves the views untouched.
TEST_F(QueryProjectorTest, ACheckpointMovedDuringARoundFailsItWithNothingApplied) {
  Drain();
  const int64_t before = Checkpoint();
  const int64_t position = Give("alice", 10).ledger_position();
  auto other = pg::Connection::Open(server_.database_url());
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->ExecuteText("BEGIN").ok());
  ASSERT_TRUE((*other)->ExecuteText("UPDATE view_checkpoint SET position = position + 1").ok());

  absl::StatusOr<int> round;
  std::thread runner([&] { round = projector_->RunOnce(); });
  // The round's update waits for the other session's row lock.
  int64_t waiting = 0;
  for (int i = 0; i < 1000000 && waiting == 0; ++i) {
    waiting = QueryInt("SELECT count(*) FROM pg_locks WHERE NOT granted");
  }
  ASSERT_TRUE((*other)->ExecuteText("COMMIT").ok());
  runner.join();
  ASSERT_EQ(waiting, 1);
  EXPECT_EQ(round.status().code(), absl::StatusCode::kAborted) << round.status();
  EXPECT_EQ(Checkpoint(), before + 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM view_entries WHERE position = " +
                     std::to_string(position)),
            0);
}

TEST_F(QueryProjectorTest, SecondProjectorStandsByWhileTheFirstLeads) {
  std::unique_ptr<query::Projector> other = query_->NewProjector();
  absl::StatusOr<bool> first = projector_->TryLead();
  absl::StatusOr<bool> second = other->TryLead();
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_TRUE(*first);
  EXPECT_FALSE(*second);
  projector_.reset();  // the leader goes away: its lock with it
  absl::StatusOr<bool> taken = other->TryLead();
  ASSERT_TRUE(taken.ok());
  EXPECT_TRUE(*taken);
}

}  // namespace
}  // namespace loyalty::testing
