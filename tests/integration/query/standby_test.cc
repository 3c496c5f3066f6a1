// Query replicas on a hot standby: the test's PostgreSQL gets a streaming standby
// (pg_basebackup -R); one query server projects on the primary, another serves from the standby
// without projecting (as `loyalty-query serve --project=false` there). Read-your-writes across
// replication, REPLICA_BEHIND past the wait, and a balance cache that follows the standby's
// replay without LISTEN (services/query/standby_watcher.h).

#include <chrono>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "loyalty/v1/query.grpc.pb.h"
#include "tests/integration/command_test_base.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/query_server.h"

namespace loyalty::testing {
namespace {

constexpr absl::Duration kReplayTimeout = absl::Seconds(30);

class StandbyTest : public CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    standby_ = SharedPgCluster().StartStandby();
    const std::string& url = server_.database_url();
    standby_url_ = standby_->Url(url.substr(url.rfind('/') + 1));
    primary_query_ = std::make_unique<QueryServer>(url, &server_.clock(), /*project=*/true, 4,
                                                   /*balance_cache=*/false);
    replica_ = std::make_unique<QueryServer>(standby_url_, &server_.clock(), /*project=*/false);
    primary_queries_ = v1::QueryService::NewStub(primary_query_->Channel());
    replica_queries_ = v1::QueryService::NewStub(replica_->Channel());
  }

  static grpc::Status Balances(v1::QueryService::Stub& stub, const std::string& member,
                               int64_t min_position, v1::GetBalancesResponse* response,
                               std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    v1::GetBalancesRequest request;
    request.set_org_id("acme");
    request.set_member_id(member);
    request.set_min_position(min_position);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + timeout);
    return stub.GetBalances(&context, request, response);
  }

  v1::GetBalancesResponse ReadReplica(const std::string& member) {
    v1::GetBalancesResponse response;
    const grpc::Status status = Balances(*replica_queries_, member, 0, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  static std::string Text(const std::string& url, const std::string& sql) {
    absl::StatusOr<std::unique_ptr<pg::Connection>> connection = pg::Connection::Open(url);
    EXPECT_TRUE(connection.ok()) << connection.status();
    if (!connection.ok()) return "";
    absl::StatusOr<pg::Result> result = (*connection)->ExecuteText(sql);
    EXPECT_TRUE(result.ok()) << sql << ": " << result.status();
    return result.ok() ? std::string(result->Text(0, 0)) : "";
  }

  // Waits until the standby has replayed all the primary committed so far, and the replica's
  // balance cache has heard of it.
  void AwaitReplay() {
    const std::string lsn = Text(server_.database_url(), "SELECT pg_current_wal_insert_lsn()");
    const absl::Time deadline = absl::Now() + kReplayTimeout;
    while (Text(standby_url_,
                absl::StrCat("SELECT pg_last_wal_replay_lsn() >= '", lsn, "'::pg_lsn")) != "t") {
      ASSERT_LT(absl::Now(), deadline) << "the standby did not replay " << lsn;
      absl::SleepFor(absl::Milliseconds(5));
    }
    replica_->SyncBalanceCache();
  }

  // Accrues and waits until the primary's projector has applied it.
  int64_t GiveProjected(const std::string& member, int64_t points) {
    const int64_t position = Give(member, points).ledger_position();
    v1::GetBalancesResponse projected;
    EXPECT_TRUE(Balances(*primary_queries_, member, position, &projected).ok());
    return position;
  }

  std::unique_ptr<PgCluster> standby_;
  std::string standby_url_;
  std::unique_ptr<QueryServer> primary_query_;
  std::unique_ptr<QueryServer> replica_;
  std::unique_ptr<v1::QueryService::Stub> primary_queries_;
  std::unique_ptr<v1::QueryService::Stub> replica_queries_;
};

TEST_F(StandbyTest, ACommandsPositionIsReadFromTheStandby) {
  EXPECT_EQ(Text(standby_url_, "SELECT pg_is_in_recovery()"), "t");
  int64_t given = 0;
  for (int i = 0; i < 10; ++i) {
    const v1::AccrueResponse accrued = Give("alice", 10 + i);
    given += 10 + i;
    v1::GetBalancesResponse balances;
    const grpc::Status status =
        Balances(*replica_queries_, "alice", accrued.ledger_position(), &balances);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_GE(balances.ledger_position(), accrued.ledger_position());
    EXPECT_EQ(Available(balances.balances()), given);
  }
}

TEST_F(StandbyTest, APositionNotReplayedInTimeIsReplicaBehind) {
  const int64_t position = Give("alice", 10).ledger_position();
  v1::GetBalancesResponse balances;
  const grpc::Status replica = Balances(*replica_queries_, "alice", position + 1000, &balances,
                                        std::chrono::milliseconds(500));
  EXPECT_EQ(replica.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(ErrorReason(replica), "REPLICA_BEHIND");
  EXPECT_THAT(replica.error_message(), ::testing::HasSubstr("standby"));

  const grpc::Status primary = Balances(*primary_queries_, "alice", position + 1000, &balances,
                                        std::chrono::milliseconds(500));
  EXPECT_EQ(primary.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(ErrorReason(primary), "NOT_YET_CONSISTENT");
}

TEST_F(StandbyTest, TheBalanceCacheFollowsTheStandbysReplay) {
  GiveProjected("alice", 30);
  AwaitReplay();
  EXPECT_TRUE(replica_->balance_cache().listening());
  const v1::GetBalancesResponse first = ReadReplica("alice");
  ASSERT_EQ(Available(first.balances()), 30) << first.DebugString();
  const int64_t before = RoundTripsIn(replica_->registry());
  EXPECT_EQ(Available(ReadReplica("alice").balances()), 30);
  EXPECT_EQ(RoundTripsIn(replica_->registry()), before) << "the second read is not from memory";

  // A ledger entry: the standby replays the projection, the watcher finds the event.
  GiveProjected("alice", 12);
  AwaitReplay();
  EXPECT_EQ(Available(ReadReplica("alice").balances()), 42);

  // A program change (no event): view_changes names the organisation.
  const int64_t value = ReadReplica("alice").balances().group_value().minor_units();
  ASSERT_GT(value, 0);
  Text(server_.database_url(),
       "UPDATE programs SET ratio_value_minor = ratio_value_minor * 2 WHERE org_id = 'acme'"
       " RETURNING 1");
  AwaitReplay();
  EXPECT_EQ(ReadReplica("alice").balances().group_value().minor_units(), 2 * value);

  // A member's status (no event): view_changes names the member.
  ASSERT_EQ(replica_->balance_cache().members(), 1u);
  v1::SetMemberStatusRequest suspend;
  suspend.set_org_id("acme");
  suspend.set_member_id("alice");
  suspend.set_idempotency_key(NewKey());
  suspend.set_status(v1::MEMBER_STATUS_SUSPENDED);
  v1::Member member;
  grpc::ClientContext context;
  ASSERT_TRUE(admin_->SetMemberStatus(&context, suspend, &member).ok());
  AwaitReplay();
  EXPECT_EQ(replica_->balance_cache().members(), 0u);
}

// More changes of an organisation between two polls than view_changes keeps (1,000): the watcher
// cannot tell whose, and drops every member of the organisation.
TEST_F(StandbyTest, ChangesPrunedBeforeTheWatcherSawThemDropTheOrganisation) {
  GiveProjected("alice", 30);
  AwaitReplay();
  ASSERT_EQ(Available(ReadReplica("alice").balances()), 30);
  ASSERT_EQ(replica_->balance_cache().members(), 1u);

  // 1,001 changes of bob's status in one commit: one poll sees them all, the first pruned.
  Text(server_.database_url(),
       "DO $$ BEGIN FOR i IN 1..1001 LOOP UPDATE members SET status = status"
       " WHERE org_id = 'acme' AND member_id = 'bob'; END LOOP; END $$;"
       " SELECT count(*) FROM view_changes WHERE org_id = 'acme'");
  AwaitReplay();
  EXPECT_EQ(replica_->balance_cache().members(), 0u) << "alice's entry outlived a gap";
  EXPECT_EQ(Available(ReadReplica("alice").balances()), 30);
}

}  // namespace
}  // namespace loyalty::testing
