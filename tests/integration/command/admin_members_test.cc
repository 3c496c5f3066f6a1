// The admin service through real gRPC and PostgreSQL: members, their enrolments and status, and
// what another org can see.
// The fixture and the request builders: admin_test_base.h.

#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/util/message_differencer.h"
#include "tests/integration/command/admin_test_base.h"
#include "tests/support/status_details.h"

namespace loyalty::testing {
namespace {

using google::protobuf::util::MessageDifferencer;

// ---- Members ------------------------------------------------------------------------------------

TEST_F(AdminServiceTest, CreateMemberEnrolsInTheDefaultProgramAtItsLowestTier) {
  CreateOrg("acme");
  ActiveProgram("acme", "shop");
  Must(&Stub::AddTier, TierRequest("acme", "shop", "gold", 1000));
  Must(&Stub::AddTier, TierRequest("acme", "shop", "silver", 0));
  const v1::Member member = Must(&Stub::CreateMember, MemberRequest("acme", "alice"));
  EXPECT_EQ(member.org_id(), "acme");
  EXPECT_EQ(member.member_id(), "alice");
  EXPECT_EQ(member.kind(), v1::MEMBER_KIND_INDIVIDUAL);
  EXPECT_EQ(member.status(), v1::MEMBER_STATUS_ACTIVE);
  EXPECT_EQ(member.created_at().seconds(), Seconds(Now()));
  EXPECT_FALSE(member.has_household());
  ASSERT_EQ(member.enrolments_size(), 1);
  const v1::Enrolment& shop = member.enrolments(0);
  EXPECT_EQ(shop.program_id(), "shop");
  EXPECT_EQ(shop.tier(), "silver");
  EXPECT_EQ(shop.enrolled_at().seconds(), Seconds(Now()));
  EXPECT_EQ(shop.period_start().seconds(), Seconds(Utc(2026, 1, 1)));
  EXPECT_EQ(shop.period_end().seconds(), Seconds(Utc(2027, 1, 1)));
  EXPECT_TRUE(MessageDifferencer::Equals(GetMember("acme", "alice"), member));
  // The enrolment is published to the read side in the same transaction.
  EXPECT_EQ(QueryInt("SELECT count(*) FROM outbox"), 1);
}

TEST_F(AdminServiceTest, CreateMemberEnrolsInTheNamedProgramsOrNoneWithoutADefault) {
  CreateOrg("acme");
  v1::Member member = Must(&Stub::CreateMember, MemberRequest("acme", "early"));
  EXPECT_EQ(member.enrolments_size(), 0);

  ActiveProgram("acme", "shop");
  ActiveProgram("acme", "travel");
  member = Must(&Stub::CreateMember,
                MemberRequest("acme", "family", {"travel", "shop"}, v1::MEMBER_KIND_HOUSEHOLD));
  EXPECT_EQ(member.kind(), v1::MEMBER_KIND_HOUSEHOLD);
  ASSERT_EQ(member.enrolments_size(), 2);
  EXPECT_EQ(member.enrolments(0).program_id(), "shop");
  EXPECT_EQ(member.enrolments(0).tier(), "");  // no tiers
  EXPECT_EQ(member.enrolments(1).program_id(), "travel");

  // A draft program takes enrolments too; a closed one does not.
  Must(&Stub::CreateProgram, ProgramRequest("acme", "draft"));
  Must(&Stub::CreateMember, MemberRequest("acme", "drafted", {"draft"}));
  Must(&Stub::CloseProgram, Lifecycle("acme", "travel"));
  v1::Member response;
  grpc::Status status =
      Call(&Stub::CreateMember, MemberRequest("acme", "late", {"travel"}), &response);
  EXPECT_EQ(ErrorReason(status), "PROGRAM_NOT_ACTIVE");
  status = Call(&Stub::CreateMember, MemberRequest("acme", "late", {"unknown"}), &response);
  EXPECT_EQ(ErrorReason(status), "PROGRAM_NOT_FOUND");
  EXPECT_EQ(QueryInt("SELECT count(*) FROM members WHERE member_id = 'late'"), 0);
}

TEST_F(AdminServiceTest, CreateMemberRefusesDuplicatesAndBadFields) {
  v1::Member response;
  grpc::Status status = Call(&Stub::CreateMember, MemberRequest("nobody", "alice"), &response);
  EXPECT_EQ(ErrorReason(status), "ORG_NOT_FOUND");

  CreateOrg("acme");
  const v1::CreateMemberRequest request = MemberRequest("acme", "alice");
  const v1::Member created = Must(&Stub::CreateMember, request);
  EXPECT_TRUE(MessageDifferencer::Equals(Must(&Stub::CreateMember, request), created));
  status = Call(&Stub::CreateMember, MemberRequest("acme", "alice"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ErrorReason(status), "MEMBER_ALREADY_EXISTS");

  v1::CreateMemberRequest invalid = MemberRequest("acme", "bob", {"shop", "shop"});
  EXPECT_EQ(ErrorField(Call(&Stub::CreateMember, invalid, &response)), "program_ids[1]");
  invalid = MemberRequest("acme", "bob", {"bad id"});
  EXPECT_EQ(ErrorField(Call(&Stub::CreateMember, invalid, &response)), "program_ids[0]");
  invalid = MemberRequest("acme", "bob", {}, static_cast<v1::MemberKind>(5));
  EXPECT_EQ(ErrorField(Call(&Stub::CreateMember, invalid, &response)), "kind");
  invalid = MemberRequest("acme", "");
  EXPECT_EQ(ErrorField(Call(&Stub::CreateMember, invalid, &response)), "member_id");
  EXPECT_EQ(QueryInt("SELECT count(*) FROM members"), 1);
}

TEST_F(AdminServiceTest, EnrolMemberStartsARollingPeriodAndIsIdempotentFriendly) {
  CreateOrg("acme");
  v1::CreateProgramRequest program = ProgramRequest("acme", "club");
  program.mutable_rules()->mutable_qualification_period()->set_kind(
      v1::QUALIFICATION_PERIOD_KIND_ROLLING_MONTHS);
  program.mutable_rules()->mutable_qualification_period()->set_months(1);
  Must(&Stub::CreateProgram, program);
  Must(&Stub::CreateMember, MemberRequest("acme", "alice", {"club"}));
  Must(&Stub::CreateProgram, ProgramRequest("acme", "shop"));

  // Jan 31 + 1 month ends on the last day of February.
  server_.clock().Set(absl::FromCivil(absl::CivilSecond(2027, 1, 31, 10, 30, 0),
                                      absl::UTCTimeZone()));
  Must(&Stub::CreateMember, MemberRequest("acme", "bob", {"shop"}));
  v1::EnrolMemberRequest enrol = MemberTarget<v1::EnrolMemberRequest>("acme", "bob");
  enrol.set_program_id("club");
  const v1::Member bob = Must(&Stub::EnrolMember, enrol);
  ASSERT_EQ(bob.enrolments_size(), 2);
  const v1::Enrolment& club = bob.enrolments(0);
  EXPECT_EQ(club.program_id(), "club");
  EXPECT_EQ(club.period_start().seconds(), Seconds(Now()));
  EXPECT_EQ(club.period_end().seconds(),
            Seconds(absl::FromCivil(absl::CivilSecond(2027, 2, 28, 10, 30, 0),
                                    absl::UTCTimeZone())));
  EXPECT_EQ(bob.enrolments(1).period_start().seconds(), Seconds(Utc(2027, 1, 1)));

  // Enrolling again (a new key) answers the member unchanged.
  server_.clock().Advance(absl::Hours(24));
  enrol.set_idempotency_key(NewKey());
  EXPECT_TRUE(MessageDifferencer::Equals(Must(&Stub::EnrolMember, enrol), bob));
  EXPECT_EQ(QueryInt("SELECT count(*) FROM enrolments"), 3);

  v1::Member response;
  enrol.set_idempotency_key(NewKey());
  enrol.set_program_id("nope");
  EXPECT_EQ(ErrorReason(Call(&Stub::EnrolMember, enrol, &response)), "PROGRAM_NOT_FOUND");
  enrol.set_program_id("");
  EXPECT_EQ(ErrorField(Call(&Stub::EnrolMember, enrol, &response)), "program_id");
  enrol.set_program_id("club");
  enrol.set_member_id("nobody");
  EXPECT_EQ(ErrorReason(Call(&Stub::EnrolMember, enrol, &response)), "MEMBER_NOT_FOUND");

  Must(&Stub::CreateMember, MemberRequest("acme", "carol"));
  Must(&Stub::CloseProgram, Lifecycle("acme", "club"));
  enrol.set_member_id("carol");
  const grpc::Status status = Call(&Stub::EnrolMember, enrol, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "PROGRAM_NOT_ACTIVE");
}

TEST_F(AdminServiceTest, SetMemberStatusChangesTheStatus) {
  CreateOrg("acme");
  Must(&Stub::CreateMember, MemberRequest("acme", "alice"));
  auto request = MemberTarget<v1::SetMemberStatusRequest>("acme", "alice");
  request.set_status(v1::MEMBER_STATUS_SUSPENDED);
  EXPECT_EQ(Must(&Stub::SetMemberStatus, request).status(), v1::MEMBER_STATUS_SUSPENDED);
  request.set_idempotency_key(NewKey());
  request.set_status(v1::MEMBER_STATUS_CLOSED);
  EXPECT_EQ(Must(&Stub::SetMemberStatus, request).status(), v1::MEMBER_STATUS_CLOSED);
  EXPECT_EQ(GetMember("acme", "alice").status(), v1::MEMBER_STATUS_CLOSED);

  v1::Member response;
  request.set_idempotency_key(NewKey());
  request.set_status(v1::MEMBER_STATUS_UNSPECIFIED);
  EXPECT_EQ(ErrorField(Call(&Stub::SetMemberStatus, request, &response)), "status");
  request.set_status(v1::MEMBER_STATUS_ACTIVE);
  request.set_member_id("nobody");
  EXPECT_EQ(ErrorReason(Call(&Stub::SetMemberStatus, request, &response)), "MEMBER_NOT_FOUND");
}

TEST_F(AdminServiceTest, NothingOfAnotherOrgIsVisible) {
  CreateOrg("acme");
  CreateOrg("globex");
  ActiveProgram("acme", "shop");
  Must(&Stub::CreateMember, MemberRequest("acme", "alice"));
  Must(&Stub::CreateMember,
       MemberRequest("acme", "family", {}, v1::MEMBER_KIND_HOUSEHOLD));
  Must(&Stub::CreateMember, MemberRequest("globex", "dave"));

  v1::Program program;
  v1::GetProgramRequest get_program;
  get_program.set_org_id("globex");
  get_program.set_program_id("shop");
  EXPECT_EQ(Call(&Stub::GetProgram, get_program, &program).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Call(&Stub::AddTier, TierRequest("globex", "shop", "x", 0), &program).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::Organisation org;
  EXPECT_EQ(Call(&Stub::SetDefaultProgram, Lifecycle("globex", "shop"), &org).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::ListProgramsRequest list;
  list.set_org_id("globex");
  EXPECT_EQ(Must(&Stub::ListPrograms, list).programs_size(), 0);

  v1::Member member;
  v1::GetMemberRequest get_member;
  get_member.set_org_id("globex");
  get_member.set_member_id("alice");
  EXPECT_EQ(Call(&Stub::GetMember, get_member, &member).error_code(),
            grpc::StatusCode::NOT_FOUND);
  auto enrol = MemberTarget<v1::EnrolMemberRequest>("globex", "dave");
  enrol.set_program_id("shop");
  EXPECT_EQ(ErrorReason(Call(&Stub::EnrolMember, enrol, &member)), "PROGRAM_NOT_FOUND");
  EXPECT_EQ(ErrorReason(Call(&Stub::JoinHousehold, JoinRequest("globex", "dave", "family"),
                             &member)),
            "MEMBER_NOT_FOUND");
  auto status = MemberTarget<v1::SetMemberStatusRequest>("globex", "alice");
  status.set_status(v1::MEMBER_STATUS_CLOSED);
  EXPECT_EQ(Call(&Stub::SetMemberStatus, status, &member).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(GetMember("acme", "alice").status(), v1::MEMBER_STATUS_ACTIVE);
}

}  // namespace
}  // namespace loyalty::testing
