// The admin service through real gRPC and PostgreSQL: households (joining, leaving, a
// membership's start and end).
// The fixture and the request builders: admin_test_base.h.

#include <string>

#include "absl/time/time.h"
#include "tests/integration/command/admin_test_base.h"
#include "tests/support/status_details.h"

namespace loyalty::testing {
namespace {

// ---- Households ---------------------------------------------------------------------------------

class HouseholdTest : public AdminServiceTest {
 protected:
  void SetUp() override {
    AdminServiceTest::SetUp();
    CreateOrg("acme");
    Must(&Stub::CreateMember, MemberRequest("acme", "family", {}, v1::MEMBER_KIND_HOUSEHOLD));
    Must(&Stub::CreateMember, MemberRequest("acme", "other", {}, v1::MEMBER_KIND_HOUSEHOLD));
    Must(&Stub::CreateMember, MemberRequest("acme", "alice"));
    Must(&Stub::CreateMember, MemberRequest("acme", "bob"));
  }

  grpc::Status Join(const v1::JoinHouseholdRequest& request) {
    v1::Member response;
    return Call(&Stub::JoinHousehold, request, &response);
  }
};

TEST_F(HouseholdTest, AnIndividualJoinsLeavesAndRejoins) {
  const absl::Time joined_at = Now();
  v1::Member alice = Must(&Stub::JoinHousehold, JoinRequest("acme", "alice", "family"));
  ASSERT_TRUE(alice.has_household());
  EXPECT_EQ(alice.household().household_id(), "family");
  EXPECT_EQ(alice.household().start().seconds(), Seconds(joined_at));
  EXPECT_FALSE(alice.household().has_end());
  EXPECT_TRUE(alice.household().rollup());

  auto rollup = MemberTarget<v1::SetHouseholdRollupRequest>("acme", "alice");
  rollup.set_rollup(false);
  EXPECT_FALSE(Must(&Stub::SetHouseholdRollup, rollup).household().rollup());

  const grpc::Status again = Join(JoinRequest("acme", "alice", "other"));
  EXPECT_EQ(again.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(again), "ALREADY_IN_HOUSEHOLD");

  server_.clock().Advance(absl::Hours(24 * 10));
  alice = Must(&Stub::LeaveHousehold, MemberTarget<v1::LeaveHouseholdRequest>("acme", "alice"));
  EXPECT_FALSE(alice.has_household());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM household_memberships WHERE end_at IS NOT NULL"), 1);
  EXPECT_EQ(QueryInt("SELECT extract(epoch FROM end_at)::bigint FROM household_memberships"),
            Seconds(Now()));

  v1::Member response;
  grpc::Status status = Call(&Stub::LeaveHousehold,
                             MemberTarget<v1::LeaveHouseholdRequest>("acme", "alice"), &response);
  EXPECT_EQ(ErrorReason(status), "NOT_IN_HOUSEHOLD");
  rollup.set_idempotency_key(NewKey());
  status = Call(&Stub::SetHouseholdRollup, rollup, &response);
  EXPECT_EQ(ErrorReason(status), "NOT_IN_HOUSEHOLD");

  server_.clock().Advance(absl::Hours(1));
  alice = Must(&Stub::JoinHousehold, JoinRequest("acme", "alice", "other"));
  EXPECT_EQ(alice.household().household_id(), "other");
  EXPECT_EQ(GetMember("acme", "alice").household().household_id(), "other");
}

TEST_F(HouseholdTest, AMembershipWithAnEndClosesByItself) {
  v1::JoinHouseholdRequest request = JoinRequest("acme", "bob", "family");
  request.mutable_end()->set_seconds(Seconds(Now() + absl::Hours(48)));
  v1::Member bob = Must(&Stub::JoinHousehold, request);
  EXPECT_EQ(bob.household().end().seconds(), Seconds(Now() + absl::Hours(48)));

  server_.clock().Advance(absl::Hours(49));
  EXPECT_FALSE(GetMember("acme", "bob").has_household());
  bob = Must(&Stub::JoinHousehold, JoinRequest("acme", "bob", "other"));
  EXPECT_EQ(bob.household().household_id(), "other");
}

TEST_F(HouseholdTest, AFutureMembershipCanBeLeftBeforeItStarts) {
  v1::JoinHouseholdRequest request = JoinRequest("acme", "bob", "family");
  request.mutable_start()->set_seconds(Seconds(Now() + absl::Hours(24)));
  EXPECT_TRUE(Must(&Stub::JoinHousehold, request).has_household());
  // It overlaps any other membership from now on.
  EXPECT_EQ(ErrorReason(Join(JoinRequest("acme", "bob", "other"))), "ALREADY_IN_HOUSEHOLD");
  Must(&Stub::LeaveHousehold, MemberTarget<v1::LeaveHouseholdRequest>("acme", "bob"));
  EXPECT_EQ(QueryInt("SELECT count(*) FROM household_memberships"), 0);
}

TEST_F(HouseholdTest, OnlyIndividualsJoinAndOnlyHouseholdsAreJoined) {
  grpc::Status status = Join(JoinRequest("acme", "alice", "bob"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ErrorField(status), "household_id");
  status = Join(JoinRequest("acme", "other", "family"));
  EXPECT_EQ(ErrorField(status), "member_id");
  status = Join(JoinRequest("acme", "alice", "nobody"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  status = Join(JoinRequest("acme", "nobody", "family"));
  EXPECT_EQ(ErrorReason(status), "MEMBER_NOT_FOUND");
  EXPECT_EQ(ErrorField(Join(JoinRequest("acme", "alice", ""))), "household_id");

  v1::JoinHouseholdRequest request = JoinRequest("acme", "alice", "family");
  request.mutable_start()->set_seconds(Seconds(Now()));
  request.mutable_end()->set_seconds(Seconds(Now()));
  EXPECT_EQ(ErrorField(Join(request)), "end");
  request.mutable_end()->set_nanos(-1);
  EXPECT_EQ(ErrorField(Join(request)), "end");
  request.clear_end();
  request.mutable_start()->set_seconds(-1);
  EXPECT_EQ(ErrorField(Join(request)), "start");
  EXPECT_EQ(QueryInt("SELECT count(*) FROM household_memberships"), 0);
}

}  // namespace
}  // namespace loyalty::testing
