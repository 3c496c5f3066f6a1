// The batch worker against real PostgreSQL with a moved clock.

#include <map>
#include <thread>

#include "absl/time/civil_time.h"
#include "services/worker/jobs.h"
#include "services/worker/worker.h"
#include "loyalty/v1/query.grpc.pb.h"
#include "tests/integration/command_test_base.h"
#include "tests/support/query_server.h"

namespace loyalty::testing {
namespace {

class WorkerTest : public CommandTest {
 protected:
  store::Context Context() { return {&server_.pool(), &server_.clock(), pg::RetryPolicy{}}; }

  int64_t RunWorker() {
    const store::Context context = Context();
    prometheus::Registry registry;
    worker::Worker worker(context, server_.gateways(), {}, registry);
    absl::StatusOr<int64_t> items = worker.RunOnce();
    EXPECT_TRUE(items.ok()) << items.status();
    return items.value_or(-1);
  }

  int64_t Remaining(const std::string& member, const std::string& type = "") {
    return QueryInt("SELECT coalesce(sum(remaining), 0) FROM lots WHERE member_id = '" + member +
                    "'" + (type.empty() ? "" : " AND point_type = '" + type + "'"));
  }

  void AdminOk(grpc::Status status) { ASSERT_TRUE(status.ok()) << status.error_message(); }

  absl::Time Day(int year, int month, int day) {
    return absl::FromCivil(absl::CivilDay(year, month, day), absl::UTCTimeZone());
  }
};

TEST_F(WorkerTest, PointsExpireByDateExactlyOnce) {
  const absl::Time now = server_.clock().Now();
  Give("alice", 100, "shop", "bonus", now + absl::Hours(24 * 30));
  Give("alice", 50);
  EXPECT_EQ(RunWorker(), 0);  // nothing due yet
  server_.clock().Advance(absl::Hours(24 * 31));
  EXPECT_GE(RunWorker(), 1);
  EXPECT_EQ(Remaining("alice"), 50);
  EXPECT_EQ(QueryInt("SELECT sum(points) FROM ledger_entries WHERE kind = 'expiry'"), -100);
  EXPECT_EQ(RunWorker(), 0);  // safe to re-run
  EXPECT_EQ(QueryInt("SELECT count(*) FROM ledger_entries WHERE kind = 'expiry'"), 1);
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

TEST_F(WorkerTest, InactivityExpiresAllPointsOfTheTypeUnlessTheMemberWasActive) {
  v1::AddPointTypeRequest type;
  type.set_idempotency_key(NewKey());
  type.set_org_id("acme");
  type.set_program_id("shop");
  type.mutable_point_type()->set_code("loyal");
  type.mutable_point_type()->set_redeemable(true);
  type.mutable_point_type()->set_expiry(v1::EXPIRY_KIND_INACTIVITY_DAYS);
  type.mutable_point_type()->set_expiry_days(90);
  v1::Program program;
  grpc::ClientContext context;
  AdminOk(admin_->AddPointType(&context, type, &program));
  Give("alice", 100, "shop", "loyal");
  Give("bob", 100, "shop", "loyal");
  server_.clock().Advance(absl::Hours(24 * 60));
  v1::RedeemResponse redeemed;
  ASSERT_TRUE(Redeem("bob", 1, &redeemed).ok());  // bob is active again
  server_.clock().Advance(absl::Hours(24 * 40));  // alice: 100 days idle, bob: 40
  RunWorker();
  EXPECT_EQ(Remaining("alice", "loyal"), 0);
  EXPECT_EQ(Remaining("bob", "loyal"), 99);
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

TEST_F(WorkerTest, TwoWorkersAtOnceNeverExpireTwice) {
  const absl::Time now = server_.clock().Now();
  for (const std::string member : {"alice", "bob", "carol"}) {
    for (int i = 0; i < 5; ++i) Give(member, 100, "shop", "bonus", now + absl::Hours(24 * 10));
  }
  server_.clock().Advance(absl::Hours(24 * 11));
  std::thread first([&] { RunWorker(); });
  std::thread second([&] { RunWorker(); });
  first.join();
  second.join();
  EXPECT_EQ(QueryInt("SELECT sum(points) FROM ledger_entries WHERE kind = 'expiry'"), -1500);
  EXPECT_EQ(QueryInt("SELECT sum(remaining) FROM lots"), 0);
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

TEST_F(WorkerTest, ExpiryRacingRedemptionsNeverSpendsOrExpiresAPointTwice) {
  const absl::Time now = server_.clock().Now();
  for (int i = 0; i < 10; ++i) {
    Give("alice", 50, "shop", "bonus", now + absl::Hours(24 * (i % 2 == 0 ? 5 : 20)));
  }
  server_.clock().Advance(absl::Hours(24 * 6));  // half the lots are past their date
  std::atomic<int64_t> redeemed{0};
  std::thread redeemer([&] {
    for (int i = 0; i < 10; ++i) {
      v1::RedeemResponse response;
      if (Redeem("alice", 20, &response).ok()) redeemed += 20;
    }
  });
  std::thread expirer([&] { RunWorker(); });
  redeemer.join();
  expirer.join();
  const int64_t expired = -QueryInt("SELECT coalesce(sum(points), 0) FROM ledger_entries"
                                    " WHERE kind = 'expiry'");
  EXPECT_EQ(expired, 250);  // exactly the five lots past their date, untouched by redemptions
  EXPECT_EQ(redeemed.load(), 200);
  EXPECT_EQ(Remaining("alice"), 500 - 250 - 200);
  EXPECT_EQ(MembersBreakingLedgerInvariant(), 0);
}

TEST_F(WorkerTest, TiersRequalifyAtPeriodEndAndDropWhenNotMet) {
  v1::AccrueResponse gold = Give("alice", 1000, "shop", "status");
  EXPECT_EQ(gold.tier(), "gold");
  server_.clock().Set(Day(2027, 1, 1) + absl::Hours(1));
  EXPECT_GE(RunWorker(), 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM enrolments WHERE member_id = 'alice'"
                     " AND program_id = 'shop' AND tier = 'gold'"
                     " AND period_start = '2027-01-01' AND period_end = '2028-01-01'"),
            1);
  EXPECT_EQ(QueryInt("SELECT sum(qualifying) FROM point_totals WHERE member_id = 'alice'"), 0);
  // 2027 earned nothing: at its end the member falls back to the tier zero points meet.
  server_.clock().Set(Day(2028, 2, 1));
  RunWorker();
  EXPECT_EQ(QueryInt("SELECT count(*) FROM enrolments WHERE member_id = 'alice'"
                     " AND program_id = 'shop' AND tier = 'silver'"),
            1);
  EXPECT_EQ(RunWorker(), 0);
}

TEST_F(WorkerTest, HouseholdRollUpFollowsJoinLeaveAndEndDate) {
  v1::CreateMemberRequest household;
  household.set_idempotency_key(NewKey());
  household.set_org_id("acme");
  household.set_member_id("smiths");
  household.set_kind(v1::MEMBER_KIND_HOUSEHOLD);
  household.add_program_ids("shop");
  v1::Member member;
  {
    grpc::ClientContext context;
    AdminOk(admin_->CreateMember(&context, household, &member));
  }
  auto join = [&](const std::string& who, std::optional<absl::Time> end) {
    v1::JoinHouseholdRequest request;
    request.set_idempotency_key(NewKey());
    request.set_org_id("acme");
    request.set_member_id(who);
    request.set_household_id("smiths");
    request.set_rollup(true);
    if (end) request.mutable_end()->set_seconds(absl::ToUnixSeconds(*end));
    grpc::ClientContext context;
    AdminOk(admin_->JoinHousehold(&context, request, &member));
  };
  auto household_qualifying = [&] {
    return QueryInt("SELECT coalesce(sum(qualifying), 0) FROM point_totals"
                    " WHERE member_id = 'smiths'");
  };
  join("alice", std::nullopt);
  join("bob", std::nullopt);
  Give("alice", 600, "shop", "status");
  EXPECT_EQ(household_qualifying(), 600);
  Give("bob", 500, "shop", "status");
  EXPECT_EQ(household_qualifying(), 1100);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM enrolments WHERE member_id = 'smiths'"
                     " AND tier = 'gold'"),
            1);
  Give("alice", 10, "shop", "bonus");  // not tier-counting: no roll-up
  EXPECT_EQ(household_qualifying(), 1100);

  server_.clock().Advance(absl::Hours(1));
  v1::LeaveHouseholdRequest leave;
  leave.set_idempotency_key(NewKey());
  leave.set_org_id("acme");
  leave.set_member_id("alice");
  {
    grpc::ClientContext context;
    AdminOk(admin_->LeaveHousehold(&context, leave, &member));
  }
  Give("alice", 100, "shop", "status");
  EXPECT_EQ(household_qualifying(), 1100);

  join("carol", server_.clock().Now() + absl::Hours(24 * 10));
  Give("carol", 5, "shop", "status");
  EXPECT_EQ(household_qualifying(), 1105);
  server_.clock().Advance(absl::Hours(24 * 11));
  const int64_t last = Give("carol", 5, "shop", "status").ledger_position();
  EXPECT_EQ(household_qualifying(), 1105);
  // Redeemable points stay with the individual.
  EXPECT_EQ(Remaining("smiths"), 0);

  // The query views show the household: its tier and what each member contributed.
  QueryServer query(server_.database_url(), &server_.clock(), /*project=*/true);
  auto stub = v1::QueryService::NewStub(query.Channel());
  v1::GetHouseholdRequest request;
  request.set_org_id("acme");
  request.set_household_id("smiths");
  request.set_min_position(last);
  v1::GetHouseholdResponse summary;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  const grpc::Status status = stub->GetHousehold(&context, request, &summary);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(summary.programs_size(), 1);
  EXPECT_EQ(summary.programs(0).program_id(), "shop");
  EXPECT_EQ(summary.programs(0).tier(), "gold");
  EXPECT_EQ(summary.programs(0).qualifying(), 1105);
  std::map<std::string, int64_t> contributed;
  for (const v1::HouseholdMemberSummary& member_summary : summary.members()) {
    contributed[member_summary.member_id()] = member_summary.contributed();
  }
  EXPECT_EQ(contributed, (std::map<std::string, int64_t>{{"alice", 600}, {"bob", 500},
                                                         {"carol", 5}}));
}

TEST_F(WorkerTest, TimedOutReservationsAreReleasedAndOldKeysPruned) {
  Give("alice", 100);
  v1::ReservePointsRequest reserve;
  reserve.set_org_id("acme");
  reserve.set_idempotency_key(NewKey());
  reserve.set_member_id("alice");
  reserve.set_points(60);
  reserve.mutable_timeout()->set_seconds(60);
  v1::ReservePointsResponse reserved;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(commands_->ReservePoints(&context, reserve, &reserved).ok());
  }
  EXPECT_EQ(QueryInt("SELECT sum(held) FROM lots"), 60);
  server_.clock().Advance(absl::Minutes(2));
  EXPECT_GE(RunWorker(), 1);
  EXPECT_EQ(QueryInt("SELECT sum(held) FROM lots"), 0);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM reservations WHERE status = 'expired'"), 1);

  const int64_t keys = QueryInt("SELECT count(*) FROM idempotency_keys");
  EXPECT_GT(keys, 0);
  server_.clock().Advance(absl::Hours(24 * 31));
  const store::Context context = Context();
  absl::StatusOr<int64_t> pruned =
      worker::PruneIdempotencyKeys(context, 1000, absl::Hours(24 * 30));
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, keys);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM idempotency_keys"), 0);
}

TEST_F(WorkerTest, JobsExportTheirRunsAsMetrics) {
  Give("alice", 100, "shop", "bonus", server_.clock().Now() + absl::Hours(1));
  server_.clock().Advance(absl::Hours(2));
  const store::Context context = Context();
  prometheus::Registry registry;
  worker::Worker worker(context, server_.gateways(), {}, registry);
  ASSERT_TRUE(worker.RunOnce().ok());
  double expired_items = -1;
  double last_run = 0;
  for (const prometheus::MetricFamily& family : registry.Collect()) {
    for (const prometheus::ClientMetric& metric : family.metric) {
      if (metric.label.empty() || metric.label[0].value != "expire_points") continue;
      if (family.name == "loyalty_worker_job_items_total") expired_items = metric.counter.value;
      if (family.name == "loyalty_worker_job_last_run_timestamp_seconds") {
        last_run = metric.gauge.value;
      }
    }
  }
  EXPECT_EQ(expired_items, 1);
  EXPECT_GT(last_run, 0);
}

}  // namespace
}  // namespace loyalty::testing
