#pragma once

// The admin service's test fixture: a command server (tests/support/command_server.h) and an
// AdminService stub, with the request builders the admin tests share.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "libs/pg/connection.h"
#include "loyalty/v1/admin.grpc.pb.h"
#include "tests/support/command_server.h"
#include "tests/support/demo_org.h"

namespace loyalty::testing {

inline absl::Time Utc(int year, int month, int day) {
  return absl::FromCivil(absl::CivilDay(year, month, day), absl::UTCTimeZone());
}

inline int64_t Seconds(absl::Time time) { return absl::ToUnixSeconds(time); }

inline v1::ProgramRules SomeRules() {
  v1::ProgramRules rules;
  rules.mutable_earn_rate()->set_points(1);
  rules.mutable_earn_rate()->set_per_amount_minor(100);
  rules.mutable_redemption_ratio()->set_points(1);
  rules.mutable_redemption_ratio()->set_value_minor(1);
  rules.mutable_redemption()->set_minimum(10);
  rules.mutable_redemption()->set_maximum(1000);
  rules.mutable_redemption()->set_multiple_of(5);
  rules.mutable_overdraft()->set_allowed(true);
  rules.mutable_overdraft()->set_limit(200);
  rules.set_hold_days(14);
  rules.mutable_qualification_period()->set_kind(v1::QUALIFICATION_PERIOD_KIND_CALENDAR_YEAR);
  return rules;
}

inline v1::CreateProgramRequest ProgramRequest(const std::string& org, const std::string& program) {
  v1::CreateProgramRequest request;
  request.set_idempotency_key(NewKey());
  request.set_org_id(org);
  request.set_program_id(program);
  request.set_name(absl::StrCat(program, " rewards"));
  request.set_currency("EUR");
  *request.mutable_rules() = SomeRules();
  return request;
}

inline v1::AddPointTypeRequest PointTypeRequest(const std::string& org, const std::string& program,
                                                const std::string& code) {
  v1::AddPointTypeRequest request;
  request.set_idempotency_key(NewKey());
  request.set_org_id(org);
  request.set_program_id(program);
  request.mutable_point_type()->set_code(code);
  request.mutable_point_type()->set_redeemable(true);
  return request;
}

inline v1::AddTierRequest TierRequest(const std::string& org, const std::string& program,
                                      const std::string& code, int64_t threshold) {
  v1::AddTierRequest request;
  request.set_idempotency_key(NewKey());
  request.set_org_id(org);
  request.set_program_id(program);
  request.mutable_tier()->set_code(code);
  request.mutable_tier()->set_threshold(threshold);
  request.mutable_tier()->set_multiplier_permille(1000);
  return request;
}

inline v1::ProgramLifecycleRequest Lifecycle(const std::string& org, const std::string& program) {
  v1::ProgramLifecycleRequest request;
  request.set_idempotency_key(NewKey());
  request.set_org_id(org);
  request.set_program_id(program);
  return request;
}

inline v1::CreateMemberRequest MemberRequest(const std::string& org, const std::string& member,
                                             std::vector<std::string> programs = {},
                                             v1::MemberKind kind = v1::MEMBER_KIND_UNSPECIFIED) {
  v1::CreateMemberRequest request;
  request.set_idempotency_key(NewKey());
  request.set_org_id(org);
  request.set_member_id(member);
  request.set_kind(kind);
  for (const std::string& program : programs) request.add_program_ids(program);
  return request;
}

inline v1::JoinHouseholdRequest JoinRequest(const std::string& org, const std::string& member,
                                            const std::string& household) {
  v1::JoinHouseholdRequest request;
  request.set_idempotency_key(NewKey());
  request.set_org_id(org);
  request.set_member_id(member);
  request.set_household_id(household);
  request.set_rollup(true);
  return request;
}

template <typename Request>
Request MemberTarget(const std::string& org, const std::string& member) {
  Request request;
  request.set_idempotency_key(NewKey());
  request.set_org_id(org);
  request.set_member_id(member);
  return request;
}

class AdminServiceTest : public ::testing::Test {
 protected:
  using Stub = v1::AdminService::Stub;

  void SetUp() override { admin_ = v1::AdminService::NewStub(server_.Channel()); }

  template <typename Request, typename Response>
  grpc::Status Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response) {
    grpc::ClientContext context;
    return ((*admin_).*method)(&context, request, response);
  }

  // Calls and expects success; returns the response.
  template <typename Response, typename Request>
  Response Must(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                const Request& request) {
    Response response;
    const grpc::Status status = Call(method, request, &response);
    EXPECT_TRUE(status.ok()) << request.GetTypeName() << ": " << status.error_message();
    return response;
  }

  v1::Organisation CreateOrg(const std::string& org) {
    v1::CreateOrganisationRequest request;
    request.set_idempotency_key(NewKey());
    request.set_org_id(org);
    request.set_name(absl::StrCat(org, " group"));
    return Must(&Stub::CreateOrganisation, request);
  }

  // A program with point type "base" and subtype "purchase", activated.
  v1::Program ActiveProgram(const std::string& org, const std::string& program) {
    Must(&Stub::CreateProgram, ProgramRequest(org, program));
    Must(&Stub::AddPointType, PointTypeRequest(org, program, "base"));
    v1::AddSubtypeRequest subtype;
    subtype.set_idempotency_key(NewKey());
    subtype.set_org_id(org);
    subtype.set_program_id(program);
    subtype.set_subtype("purchase");
    Must(&Stub::AddSubtype, subtype);
    return Must(&Stub::ActivateProgram, Lifecycle(org, program));
  }

  v1::Member GetMember(const std::string& org, const std::string& member) {
    v1::GetMemberRequest request;
    request.set_org_id(org);
    request.set_member_id(member);
    return Must(&Stub::GetMember, request);
  }

  int64_t QueryInt(const std::string& sql) {
    auto connection = pg::Connection::Open(server_.database_url());
    EXPECT_TRUE(connection.ok()) << connection.status();
    auto result = (*connection)->ExecuteText(sql);
    EXPECT_TRUE(result.ok()) << result.status();
    return result->IsNull(0, 0) ? 0 : result->Int64(0, 0);
  }

  absl::Time Now() { return server_.clock().Now(); }

  CommandServer server_;
  std::unique_ptr<Stub> admin_;
};

}  // namespace loyalty::testing
