// The QueryService over real gRPC beside the command server: read-your-writes with
// min_position, the retryable answer when the views lag, org isolation, balances that follow the
// clock without new events, and paged histories.

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "google/protobuf/util/message_differencer.h"
#include "loyalty/v1/query.grpc.pb.h"
#include "tests/integration/command_test_base.h"
#include "tests/support/query_server.h"

namespace loyalty::testing {
namespace {

class QueryServiceTest : public CommandTest {
 protected:
  void StartQuery(bool project, bool balance_cache = true,
                  rpc::CallLimits limits = query::kQueryCallLimits) {
    query_server_ = std::make_unique<QueryServer>(server_.database_url(), &server_.clock(),
                                                  project, 8, balance_cache, limits);
    queries_ = v1::QueryService::NewStub(query_server_->Channel());
  }

  grpc::Status Balances(const std::string& member, int64_t min_position,
                        v1::GetBalancesResponse* response, const std::string& org = "acme",
                        std::chrono::seconds timeout = std::chrono::seconds(10)) {
    v1::GetBalancesRequest request;
    request.set_org_id(org);
    request.set_member_id(member);
    request.set_min_position(min_position);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + timeout);
    return queries_->GetBalances(&context, request, response);
  }

  std::unique_ptr<QueryServer> query_server_;
  std::unique_ptr<v1::QueryService::Stub> queries_;
};

TEST_F(QueryServiceTest, CommandPositionAsMinPositionShowsTheCommandsEffect) {
  StartQuery(true);
  for (int i = 0; i < 20; ++i) {
    const v1::AccrueResponse accrued = Give(i % 2 == 0 ? "alice" : "bob", 10 + i);
    v1::GetBalancesResponse balances;
    const grpc::Status status =
        Balances(i % 2 == 0 ? "alice" : "bob", accrued.ledger_position(), &balances);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_GE(balances.ledger_position(), accrued.ledger_position());
    if (i % 2 == 0) {
      v1::RedeemResponse redeemed;
      ASSERT_TRUE(Redeem("alice", 5, &redeemed).ok());
      ASSERT_TRUE(Balances("alice", redeemed.ledger_position(), &balances).ok());
      EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(balances.balances(),
                                                                     redeemed.balances()))
          << balances.balances().DebugString() << " vs " << redeemed.balances().DebugString();
    } else {
      EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(balances.balances(),
                                                                     accrued.balances()));
    }
  }
}

TEST_F(QueryServiceTest, LaggingViewsAnswerUnavailableNotYetConsistent) {
  StartQuery(false);
  const int64_t position = Give("alice", 10).ledger_position();
  v1::GetBalancesRequest request;
  request.set_org_id("acme");
  request.set_member_id("alice");
  request.set_min_position(position);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(200));
  v1::GetBalancesResponse response;
  const grpc::Status status = queries_->GetBalances(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(ErrorReason(status), "NOT_YET_CONSISTENT");

  ASSERT_TRUE(query_server_->NewProjector()->RunOnce().ok());
  ASSERT_TRUE(Balances("alice", position, &response).ok());
  EXPECT_EQ(Available(response.balances()), 10);
}

TEST_F(QueryServiceTest, ACallPastTheQueueIsRefusedOverloadedAndTheServiceRecovers) {
  StartQuery(false, true, {.workers = 1, .max_queued = 1});
  const int64_t unreachable = Give("alice", 10).ledger_position();  // nothing projects it
  // Three calls that wait for the views, on one worker behind a queue of one: the first always
  // finds room; a later one is refused, and so is the second too when it arrives before the
  // worker has taken the first off the queue.
  std::vector<grpc::Status> statuses(3);
  std::vector<std::thread> callers;
  for (grpc::Status& status : statuses) {
    callers.emplace_back([&] {
      v1::GetBalancesResponse response;
      status = Balances("alice", unreachable, &response, "acme", std::chrono::seconds(3));
    });
  }
  for (std::thread& caller : callers) caller.join();
  int refused = 0;
  for (const grpc::Status& status : statuses) {
    if (status.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED) continue;
    ++refused;
    EXPECT_EQ(ErrorReason(status), "OVERLOADED");
    EXPECT_NE(status.error_message().find("call queue (capacity 1) is full"), std::string::npos)
        << status.error_message();
  }
  EXPECT_GE(refused, 1);
  EXPECT_LE(refused, 2);
  for (const grpc::Status& status : statuses) EXPECT_FALSE(status.ok());

  v1::GetBalancesResponse response;
  const grpc::Status status = Balances("alice", 0, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(QueryServiceTest, ACacheHitIsAnsweredWhileEveryWorkerIsBusy) {
  StartQuery(false, true, {.workers = 1, .max_queued = 1});
  query_server_->SyncBalanceCache();  // listening, so that a read fills the cache
  v1::GetBalancesResponse bob;
  ASSERT_TRUE(Balances("bob", 0, &bob).ok());  // read from the views, now in the cache
  const int64_t unreachable = Give("alice", 10).ledger_position();  // nothing projects it
  std::jthread waiting([&] {
    v1::GetBalancesResponse response;
    EXPECT_EQ(Balances("alice", unreachable, &response).error_code(),
              grpc::StatusCode::UNAVAILABLE);
  });
  ASSERT_TRUE(query_server_->watch().AwaitWaiters(1, absl::Seconds(30)));
  // The one worker waits for the views (up to 5 s); a queued call would wait behind it past its
  // deadline, and a second one would find the queue full. Hits answer at once, all of them.
  for (int i = 0; i < 3; ++i) {
    v1::GetBalancesResponse response;
    const grpc::Status status = Balances("bob", 0, &response, "acme", std::chrono::seconds(2));
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(response.balances(),
                                                                   bob.balances()));
  }
  v1::GetBalancesResponse response;
  EXPECT_EQ(Balances("", 0, &response, "acme", std::chrono::seconds(2)).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(query_server_->watch().waiters(), 1);  // all the while
}

TEST_F(QueryServiceTest, GetBalancesIsOneRoundTripWithItsCommit) {
  StartQuery(true, /*balance_cache=*/false);
  v1::GetBalancesResponse response;
  ASSERT_TRUE(Balances("alice", 0, &response).ok());  // prepares the statements
  const int64_t before = RoundTripsIn(query_server_->registry());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Balances("alice", 0, &response).ok());
    EXPECT_EQ(Available(response.balances()), 0);
  }
  EXPECT_EQ(RoundTripsIn(query_server_->registry()) - before, 3);
  const int64_t unknown = RoundTripsIn(query_server_->registry());
  EXPECT_EQ(Balances("nobody", 0, &response).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(RoundTripsIn(query_server_->registry()) - unknown, 1);  // no ROLLBACK after it
}

TEST_F(QueryServiceTest, AnotherOrgsMemberIsNotFound) {
  StartQuery(true);
  CreateDemoOrg(*admin_, "globex", {"zed"});
  v1::GetBalancesResponse response;
  EXPECT_EQ(Balances("zed", 0, &response).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Balances("alice", 0, &response, "globex").error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Balances("", 0, &response).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(QueryServiceTest, PendingBecomesAvailableAndExpiredDisappearsAsTheClockPasses) {
  StartQuery(true);
  const absl::Time start = server_.clock().Now();
  v1::AccrueRequest request;
  request.set_member_id("alice");
  request.set_program_id("shop");
  request.set_point_type("bonus");
  request.mutable_explicit_points()->set_points(40);
  request.mutable_explicit_points()->set_description("later");
  request.mutable_available_at()->set_seconds(absl::ToUnixSeconds(start + absl::Hours(24)));
  request.mutable_expires_at()->set_seconds(absl::ToUnixSeconds(start + absl::Hours(48)));
  v1::AccrueResponse accrued;
  ASSERT_TRUE(Accrue(request, &accrued).ok());

  v1::GetBalancesResponse response;
  ASSERT_TRUE(Balances("alice", accrued.ledger_position(), &response).ok());
  const int64_t position = response.ledger_position();
  EXPECT_EQ(ProgramOf(response.balances(), "shop")->pending(), 40);
  EXPECT_EQ(Available(response.balances()), 0);

  server_.clock().Advance(absl::Hours(25));
  ASSERT_TRUE(Balances("alice", 0, &response).ok());
  EXPECT_EQ(response.ledger_position(), position);  // no new event
  EXPECT_EQ(ProgramOf(response.balances(), "shop")->pending(), 0);
  EXPECT_EQ(Available(response.balances()), 40);

  server_.clock().Advance(absl::Hours(24));
  ASSERT_TRUE(Balances("alice", 0, &response).ok());
  EXPECT_EQ(response.ledger_position(), position);
  EXPECT_EQ(Available(response.balances()), 0);
}

TEST_F(QueryServiceTest, RedemptionsAndEntriesArePagedNewestFirst) {
  StartQuery(true);
  Give("alice", 500);
  int64_t position = 0;
  std::vector<int64_t> redemption_ids;
  for (int i = 0; i < 5; ++i) {
    v1::RedeemResponse redeemed;
    ASSERT_TRUE(Redeem("alice", 10 + i, &redeemed).ok());
    redemption_ids.push_back(redeemed.redemption().redemption_id());
    position = redeemed.ledger_position();
  }
  std::vector<int64_t> seen;
  std::string token;
  do {
    v1::ListRedemptionsRequest request;
    request.set_org_id("acme");
    request.set_member_id("alice");
    request.set_min_position(position);
    request.set_page_size(2);
    request.set_page_token(token);
    v1::ListRedemptionsResponse response;
    grpc::ClientContext context;
    ASSERT_TRUE(queries_->ListRedemptions(&context, request, &response).ok());
    for (const v1::Redemption& redemption : response.redemptions()) {
      seen.push_back(redemption.redemption_id());
      ASSERT_EQ(redemption.breakup_by_program_size(), 1);
      EXPECT_EQ(redemption.breakup_by_program(0).points(), redemption.points());
      EXPECT_FALSE(redemption.lots().empty());
    }
    token = response.next_page_token();
  } while (!token.empty());
  std::reverse(redemption_ids.begin(), redemption_ids.end());
  EXPECT_EQ(seen, redemption_ids);

  v1::ListLedgerEntriesRequest request;
  request.set_org_id("acme");
  request.set_member_id("alice");
  request.set_min_position(position);
  request.add_kinds(v1::LEDGER_ENTRY_KIND_ACCRUAL);
  v1::ListLedgerEntriesResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(queries_->ListLedgerEntries(&context, request, &response).ok());
  ASSERT_EQ(response.entries_size(), 1);
  EXPECT_EQ(response.entries(0).points(), 500);

  v1::ListLedgerEntriesRequest bad = request;
  bad.set_page_token("garbage");
  grpc::ClientContext bad_context;
  EXPECT_EQ(queries_->ListLedgerEntries(&bad_context, bad, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(QueryServiceTest, TierProgressShowsTheNextTier) {
  StartQuery(true);
  const int64_t position = Give("alice", 300, "shop", "base").ledger_position();
  v1::GetTierProgressRequest request;
  request.set_org_id("acme");
  request.set_member_id("alice");
  request.set_min_position(position);
  v1::GetTierProgressResponse response;
  grpc::ClientContext context;
  const grpc::Status status = queries_->GetTierProgress(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.program_id(), "shop");
  EXPECT_EQ(response.tier(), "silver");
  EXPECT_EQ(response.qualifying(), 300);
  EXPECT_EQ(response.next_tier(), "gold");
  EXPECT_EQ(response.points_to_next_tier(), 700);
}

// The balance cache (services/query/balance_cache.h) beside the real listener and projector.
class QueryBalanceCacheTest : public QueryServiceTest {
 protected:
  void SetUp() override {
    QueryServiceTest::SetUp();
    StartQuery(false);  // events are projected by hand, so that each change is one commit
    query_server_->SyncBalanceCache();
  }

  // Projects what is pending, and returns once the views' announcements of it reached the
  // cache: a read right after must not race them (one arriving after its reservation refuses
  // its Fill).
  void Project() {
    ASSERT_TRUE(query_server_->NewProjector()->RunOnce().ok());
    query_server_->SyncBalanceCache();
  }

  void Sql(const std::string& sql) {
    absl::StatusOr<std::unique_ptr<pg::Connection>> connection =
        pg::Connection::Open(server_.database_url());
    ASSERT_TRUE(connection.ok());
    const absl::StatusOr<pg::Result> result = (*connection)->ExecuteText(sql);
    ASSERT_TRUE(result.ok()) << sql << ": " << result.status();
  }

  v1::GetBalancesResponse Read(const std::string& member) {
    v1::GetBalancesResponse response;
    const grpc::Status status = Balances(member, 0, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }
};

TEST_F(QueryBalanceCacheTest, ARepeatedReadTakesNoRoundTrip) {
  Give("alice", 30);
  Project();
  const v1::GetBalancesResponse first = Read("alice");
  const int64_t before = RoundTripsIn(query_server_->registry());
  const v1::GetBalancesResponse second = Read("alice");
  EXPECT_EQ(RoundTripsIn(query_server_->registry()), before);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(first, second));
  EXPECT_EQ(Available(second.balances()), 30);
  EXPECT_EQ(query_server_->balance_cache().members(), 1u);
}

TEST_F(QueryBalanceCacheTest, EveryChangeReachesTheNextReadWithoutMinPosition) {
  Give("alice", 30);
  Project();
  ASSERT_EQ(Available(Read("alice").balances()), 30);

  Give("alice", 12);  // projected: the views' triggers announce alice
  Project();
  EXPECT_EQ(Available(Read("alice").balances()), 42);

  Sql("UPDATE view_lots SET remaining = remaining - 2 WHERE member_id = 'alice'");
  query_server_->SyncBalanceCache();
  EXPECT_EQ(Available(Read("alice").balances()), 40 - 2);

  const int64_t value = Read("alice").balances().group_value().minor_units();
  ASSERT_GT(value, 0);
  Sql("UPDATE programs SET ratio_value_minor = ratio_value_minor * 2 WHERE org_id = 'acme'");
  query_server_->SyncBalanceCache();
  EXPECT_EQ(Read("alice").balances().group_value().minor_units(), 2 * value);
}

TEST_F(QueryBalanceCacheTest, ALostListenerSessionEmptiesTheCache) {
  Give("alice", 30);
  Project();
  ASSERT_EQ(Available(Read("alice").balances()), 30);
  ASSERT_EQ(query_server_->balance_cache().members(), 1u);

  // The change right after the session ends is announced to nobody.
  Sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
      " WHERE query LIKE '%loyalty_views%' AND pid <> pg_backend_pid();"
      " UPDATE view_lots SET remaining = remaining - 5 WHERE member_id = 'alice'");
  query_server_->SyncBalanceCache();  // a new session has confirmed itself
  EXPECT_EQ(Available(Read("alice").balances()), 25);
}

}  // namespace
}  // namespace loyalty::testing
