// Tier and household rules through the real services: the tier a member starts in, and what
// each member of a household contributed to it (docs/rules.md, docs/worker.md).

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "loyalty/v1/query.grpc.pb.h"
#include "services/query/rebuild.h"
#include "services/worker/worker.h"
#include "tests/integration/command_test_base.h"
#include "tests/support/query_server.h"

namespace loyalty::testing {
namespace {

class TierRulesTest : public CommandTest {
 protected:
  template <typename Request>
  Request For(const std::string& org) {
    Request request;
    request.set_idempotency_key(NewKey());
    request.set_org_id(org);
    return request;
  }

  template <typename Request, typename Response>
  void AdminOk(grpc::Status (v1::AdminService::Stub::*method)(grpc::ClientContext*,
                                                              const Request&, Response*),
               const Request& request, Response* response = nullptr) {
    Response local;
    grpc::ClientContext context;
    const grpc::Status status =
        (admin_.get()->*method)(&context, request, response != nullptr ? response : &local);
    ASSERT_TRUE(status.ok()) << request.GetTypeName() << ": " << status.error_message();
  }

  // A program of `org` like docs/operator-guide.md's acme shop: 1 point per 100 minor units,
  // point type base (redeemable, counts toward the tier), subtype purchase, and `tiers`.
  void AddProgram(const std::string& org, const std::string& program,
                  const std::map<std::string, int64_t>& tiers) {
    auto create = For<v1::CreateProgramRequest>(org);
    create.set_program_id(program);
    create.set_name(program);
    create.set_currency("USD");
    create.mutable_rules()->mutable_earn_rate()->set_points(1);
    create.mutable_rules()->mutable_earn_rate()->set_per_amount_minor(100);
    create.mutable_rules()->mutable_redemption_ratio()->set_points(1);
    create.mutable_rules()->mutable_redemption_ratio()->set_value_minor(1);
    create.mutable_rules()->mutable_qualification_period()->set_kind(
        v1::QUALIFICATION_PERIOD_KIND_CALENDAR_YEAR);
    AdminOk(&v1::AdminService::Stub::CreateProgram, create);
    auto type = For<v1::AddPointTypeRequest>(org);
    type.set_program_id(program);
    type.mutable_point_type()->set_code("base");
    type.mutable_point_type()->set_redeemable(true);
    type.mutable_point_type()->set_counts_toward_tier(true);
    AdminOk(&v1::AdminService::Stub::AddPointType, type);
    auto subtype = For<v1::AddSubtypeRequest>(org);
    subtype.set_program_id(program);
    subtype.set_subtype("purchase");
    AdminOk(&v1::AdminService::Stub::AddSubtype, subtype);
    for (const auto& [code, threshold] : tiers) {
      auto tier = For<v1::AddTierRequest>(org);
      tier.set_program_id(program);
      tier.mutable_tier()->set_code(code);
      tier.mutable_tier()->set_threshold(threshold);
      tier.mutable_tier()->set_multiplier_permille(1500);
      AdminOk(&v1::AdminService::Stub::AddTier, tier);
    }
    auto activate = For<v1::ProgramLifecycleRequest>(org);
    activate.set_program_id(program);
    AdminOk(&v1::AdminService::Stub::ActivateProgram, activate);
  }

  v1::Member CreateMember(const std::string& org, const std::string& member,
                          v1::MemberKind kind = v1::MEMBER_KIND_INDIVIDUAL,
                          const std::string& program = "") {
    auto request = For<v1::CreateMemberRequest>(org);
    request.set_member_id(member);
    request.set_kind(kind);
    if (!program.empty()) request.add_program_ids(program);
    v1::Member response;
    AdminOk(&v1::AdminService::Stub::CreateMember, request, &response);
    return response;
  }

  static std::string TierOf(const v1::Member& member, const std::string& program) {
    for (const v1::Enrolment& enrolment : member.enrolments()) {
      if (enrolment.program_id() == program) return enrolment.tier();
    }
    return "<not enrolled>";
  }

  v1::AccrueResponse Purchase(const std::string& org, const std::string& member,
                              const std::string& order, int64_t minor_units,
                              const std::string& program = "") {
    v1::AccrueRequest request;
    request.set_org_id(org);
    request.set_member_id(member);
    request.set_program_id(program);
    request.mutable_purchase()->set_order_ref(order);
    request.mutable_purchase()->mutable_amount()->set_minor_units(minor_units);
    request.mutable_purchase()->mutable_amount()->set_currency("USD");
    v1::AccrueResponse response;
    const grpc::Status status = Accrue(request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  int64_t RunWorker() {
    const store::Context context{&server_.pool(), &server_.clock(), pg::RetryPolicy{}};
    prometheus::Registry registry;
    worker::Worker worker(context, server_.gateways(), {}, registry);
    absl::StatusOr<int64_t> items = worker.RunOnce();
    EXPECT_TRUE(items.ok()) << items.status();
    return items.value_or(-1);
  }

  static void WithDeadline(grpc::ClientContext& context) {
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  }
};

TEST_F(TierRulesTest, ANewMemberStartsInNoTierWhenZeroPointsMeetNone) {
  auto org = For<v1::CreateOrganisationRequest>("solo");
  org.set_name("Solo Stores");
  AdminOk(&v1::AdminService::Stub::CreateOrganisation, org);
  AddProgram("solo", "shop", {{"gold", 1000}});               // docs' acme: gold at 1000 only
  AddProgram("solo", "club", {{"bronze", 0}, {"gold", 500}});  // a tier zero points meet

  // Member creation (the default program), enrolment and household creation.
  EXPECT_EQ(TierOf(CreateMember("solo", "ann"), "shop"), "");
  EXPECT_EQ(TierOf(CreateMember("solo", "ben", v1::MEMBER_KIND_INDIVIDUAL, "club"), "club"),
            "bronze");
  auto enrol = For<v1::EnrolMemberRequest>("solo");
  enrol.set_member_id("ben");
  enrol.set_program_id("shop");
  v1::Member ben;
  AdminOk(&v1::AdminService::Stub::EnrolMember, enrol, &ben);
  EXPECT_EQ(TierOf(ben, "shop"), "");
  EXPECT_EQ(TierOf(CreateMember("solo", "smiths", v1::MEMBER_KIND_HOUSEHOLD), "shop"), "");

  // 125.00 USD at 1 point per 100 minor units and x1.0: 125 points, not 187, and no tier.
  const v1::AccrueResponse first = Purchase("solo", "ann", "o-1", 12500);
  EXPECT_EQ(first.points(), 125);
  EXPECT_EQ(first.tier(), "");
  const v1::AccrueResponse second = Purchase("solo", "ann", "o-2", 87500);
  EXPECT_EQ(second.points(), 875);
  EXPECT_EQ(second.tier(), "gold");  // 1000 qualifying points: gold from now on
  const v1::AccrueResponse third = Purchase("solo", "ann", "o-3", 10000);
  EXPECT_EQ(third.points(), 150);  // x1.5
  EXPECT_EQ(third.tier(), "gold");

  // The read side agrees: tier progress of a member in no tier.
  QueryServer query(server_.database_url(), &server_.clock(), /*project=*/true);
  auto queries = v1::QueryService::NewStub(query.Channel());
  v1::GetTierProgressRequest progress_request;
  progress_request.set_org_id("solo");
  progress_request.set_member_id("ben");
  progress_request.set_program_id("shop");
  progress_request.set_min_position(third.ledger_position());
  v1::GetTierProgressResponse progress;
  grpc::ClientContext context;
  WithDeadline(context);
  const grpc::Status status = queries->GetTierProgress(&context, progress_request, &progress);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(progress.tier(), "");
  EXPECT_EQ(progress.qualifying(), 0);
  EXPECT_EQ(progress.next_tier(), "gold");
  EXPECT_EQ(progress.points_to_next_tier(), 1000);

  // A period that ends on zero points qualifies for the tier zero points meet, here none.
  server_.clock().Set(absl::FromCivil(absl::CivilDay(2100, 1, 2), absl::UTCTimeZone()));
  EXPECT_GE(RunWorker(), 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM enrolments WHERE org_id = 'solo'"
                     " AND program_id = 'shop' AND tier IS NOT NULL"),
            0);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM enrolments WHERE org_id = 'solo'"
                     " AND program_id = 'club' AND tier = 'bronze'"),
            1);
}

// The acme demo org (shop: base counts toward the tier, 1 point per 100 minor units, silver 0,
// gold 1000) with the household "smiths" enrolled in shop.
class HouseholdContributionTest : public TierRulesTest {
 protected:
  void SetUp() override {
    TierRulesTest::SetUp();
    CreateMember("acme", "smiths", v1::MEMBER_KIND_HOUSEHOLD, "shop");
    query_ = std::make_unique<QueryServer>(server_.database_url(), &server_.clock(),
                                           /*project=*/true);
    queries_ = v1::QueryService::NewStub(query_->Channel());
  }

  void Join(const std::string& member, bool rollup) {
    auto request = For<v1::JoinHouseholdRequest>("acme");
    request.set_member_id(member);
    request.set_household_id("smiths");
    request.set_rollup(rollup);
    AdminOk(&v1::AdminService::Stub::JoinHousehold, request);
  }

  void SetRollup(const std::string& member, bool rollup) {
    auto request = For<v1::SetHouseholdRollupRequest>("acme");
    request.set_member_id(member);
    request.set_rollup(rollup);
    AdminOk(&v1::AdminService::Stub::SetHouseholdRollup, request);
  }

  void Leave(const std::string& member) {
    auto request = For<v1::LeaveHouseholdRequest>("acme");
    request.set_member_id(member);
    AdminOk(&v1::AdminService::Stub::LeaveHousehold, request);
  }

  void Buy(const std::string& member, const std::string& order, int64_t minor_units) {
    position_ = Purchase("acme", member, order, minor_units).ledger_position();
  }

  void Return(const std::string& member, const std::string& order, int64_t minor_units) {
    v1::ReverseRequest request;
    request.set_org_id("acme");
    request.set_idempotency_key(NewKey());
    request.set_member_id(member);
    request.set_order_ref(order);
    request.mutable_returned_amount()->set_minor_units(minor_units);
    request.mutable_returned_amount()->set_currency("USD");
    v1::ReverseResponse response;
    grpc::ClientContext context;
    const grpc::Status status = commands_->Reverse(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    position_ = response.ledger_position();
  }

  // GetHousehold at the last command's position.
  v1::GetHouseholdResponse Household() {
    v1::GetHouseholdRequest request;
    request.set_org_id("acme");
    request.set_household_id("smiths");
    request.set_min_position(position_);
    v1::GetHouseholdResponse response;
    grpc::ClientContext context;
    WithDeadline(context);
    const grpc::Status status = queries_->GetHousehold(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // The household's qualifying points in shop, and what each membership contributed, in
  // membership order as "member:contributed", checking on the way that the contributions add up
  // to exactly what the household holds, in the views and in the command tables alike.
  std::pair<int64_t, std::vector<std::string>> Contributions() {
    const v1::GetHouseholdResponse household = Household();
    EXPECT_EQ(household.programs_size(), 1);
    const int64_t qualifying = household.programs_size() > 0 ? household.programs(0).qualifying()
                                                             : -1;
    std::vector<std::string> contributed;
    int64_t sum = 0;
    for (const v1::HouseholdMemberSummary& member : household.members()) {
      contributed.push_back(member.member_id() + ":" + std::to_string(member.contributed()));
      sum += member.contributed();
    }
    EXPECT_EQ(sum, qualifying);
    EXPECT_EQ(QueryInt("SELECT sum(qualifying) FROM household_contributions c JOIN enrolments e"
                       " ON e.org_id = c.org_id AND e.member_id = c.household_id"
                       " AND e.program_id = c.program_id AND e.period_start = c.period_start"
                       " WHERE c.household_id = 'smiths'"),
              QueryInt("SELECT sum(qualifying) FROM point_totals WHERE member_id = 'smiths'"));
    return {qualifying, contributed};
  }

  std::map<std::string, bool> Rollups() {
    std::map<std::string, bool> rollups;
    const v1::GetHouseholdResponse household = Household();
    for (const v1::HouseholdMemberSummary& member : household.members()) {
      rollups[member.member_id()] = member.rollup();
    }
    return rollups;
  }

  using Sums = std::pair<int64_t, std::vector<std::string>>;

  std::unique_ptr<QueryServer> query_;
  std::unique_ptr<v1::QueryService::Stub> queries_;
  int64_t position_ = 0;
};

TEST_F(HouseholdContributionTest, ContributionsAddUpToWhatTheHouseholdReceived) {
  Join("alice", true);
  Join("bob", true);
  Buy("alice", "a-1", 45000);  // 450 points
  Buy("bob", "b-1", 50000);    // 500
  EXPECT_EQ(Contributions(), (Sums{950, {"alice:450", "bob:500"}}));

  // Roll-up off: alice's purchase stays with her, and her contribution with it.
  SetRollup("alice", false);
  Buy("alice", "a-2", 10000);  // 100, not rolled up
  EXPECT_EQ(Contributions(), (Sums{950, {"alice:450", "bob:500"}}));
  EXPECT_EQ(Rollups(), (std::map<std::string, bool>{{"alice", false}, {"bob", true}}));

  // Back on: a return of the order made while off takes nothing from the household.
  SetRollup("alice", true);
  Return("alice", "a-2", 5000);  // 50 points back from alice only
  EXPECT_EQ(Contributions(), (Sums{950, {"alice:450", "bob:500"}}));
  Buy("alice", "a-3", 5000);  // 50, rolled up: 1000
  EXPECT_EQ(Contributions(), (Sums{1000, {"alice:500", "bob:500"}}));

  // Off again: a return of an order that rolled up takes back what it gave.
  SetRollup("alice", false);
  Return("alice", "a-1", 10000);  // 100 of a-1's 450
  EXPECT_EQ(Contributions(), (Sums{900, {"alice:400", "bob:500"}}));

  // Bob leaves: his membership has ended, so it shows roll-up off; his return still takes back
  // from the household what his order gave it.
  server_.clock().Advance(absl::Minutes(1));
  Leave("bob");
  Return("bob", "b-1", 10000);  // 100 of b-1's 500
  EXPECT_EQ(Contributions(), (Sums{800, {"alice:400", "bob:400"}}));
  EXPECT_EQ(Rollups(), (std::map<std::string, bool>{{"alice", false}, {"bob", false}}));

  // Alice leaves and joins again: the new membership contributes on its own.
  Leave("alice");
  server_.clock().Advance(absl::Minutes(1));
  Join("alice", true);
  Join("carol", true);
  Buy("alice", "a-4", 3000);   // 30
  Buy("carol", "c-1", 20000);  // 200
  Return("alice", "a-3", 5000);  // a-3 rolled up through the first membership: 50 back there
  EXPECT_EQ(Contributions(),
            (Sums{980, {"alice:350", "bob:400", "alice:30", "carol:200"}}));

  // The views are what a replay of the events gives.
  absl::StatusOr<query::RebuildReport> report = query::RebuildAndCompare(server_.database_url());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->differences, 0);
}

TEST_F(HouseholdContributionTest, APeriodStartsTheContributionsAnew) {
  Join("alice", true);
  Buy("alice", "a-1", 120000);  // 1200: the household reaches gold
  EXPECT_EQ(Contributions(), (Sums{1200, {"alice:1200"}}));
  server_.clock().Set(absl::FromCivil(absl::CivilDay(2100, 1, 2), absl::UTCTimeZone()));
  EXPECT_GE(RunWorker(), 1);
  Buy("alice", "a-2", 1000);  // 10 in the household's new period
  EXPECT_EQ(Contributions(), (Sums{10, {"alice:10"}}));
}

}  // namespace
}  // namespace loyalty::testing
