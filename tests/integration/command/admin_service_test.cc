// The admin service through a real gRPC channel against a real PostgreSQL.

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "libs/pg/connection.h"
#include "loyalty/v1/admin.grpc.pb.h"
#include "tests/support/command_server.h"
#include "tests/support/demo_org.h"
#include "tests/support/status_details.h"

namespace loyalty::testing {
namespace {

using google::protobuf::util::MessageDifferencer;

absl::Time Utc(int year, int month, int day) {
  return absl::FromCivil(absl::CivilDay(year, month, day), absl::UTCTimeZone());
}

int64_t Seconds(absl::Time time) { return absl::ToUnixSeconds(time); }

v1::ProgramRules SomeRules() {
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

v1::CreateProgramRequest ProgramRequest(const std::string& org, const std::string& program) {
  v1::CreateProgramRequest request;
  request.set_idempotency_key(NewKey());
  request.set_org_id(org);
  request.set_program_id(program);
  request.set_name(absl::StrCat(program, " rewards"));
  request.set_currency("EUR");
  *request.mutable_rules() = SomeRules();
  return request;
}

v1::AddPointTypeRequest PointTypeRequest(const std::string& org, const std::string& program,
                                         const std::string& code) {
  v1::AddPointTypeRequest request;
  request.set_idempotency_key(NewKey());
  request.set_org_id(org);
  request.set_program_id(program);
  request.mutable_point_type()->set_code(code);
  request.mutable_point_type()->set_redeemable(true);
  return request;
}

v1::AddTierRequest TierRequest(const std::string& org, const std::string& program,
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

v1::ProgramLifecycleRequest Lifecycle(const std::string& org, const std::string& program) {
  v1::ProgramLifecycleRequest request;
  request.set_idempotency_key(NewKey());
  request.set_org_id(org);
  request.set_program_id(program);
  return request;
}

v1::CreateMemberRequest MemberRequest(const std::string& org, const std::string& member,
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

v1::JoinHouseholdRequest JoinRequest(const std::string& org, const std::string& member,
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

// ---- Organisations ------------------------------------------------------------------------------

TEST_F(AdminServiceTest, CreatesAndReadsAnOrganisation) {
  const v1::Organisation created = CreateOrg("acme");
  EXPECT_EQ(created.org_id(), "acme");
  EXPECT_EQ(created.name(), "acme group");
  EXPECT_EQ(created.default_program_id(), "");
  EXPECT_EQ(created.created_at().seconds(), Seconds(Utc(2026, 3, 1)));

  v1::GetOrganisationRequest get;
  get.set_org_id("acme");
  EXPECT_TRUE(MessageDifferencer::Equals(Must(&Stub::GetOrganisation, get), created));

  get.set_org_id("nobody");
  v1::Organisation missing;
  const grpc::Status status = Call(&Stub::GetOrganisation, get, &missing);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ErrorReason(status), "ORG_NOT_FOUND");
}

TEST_F(AdminServiceTest, CreateOrganisationReplaysTheSameKeyAndRefusesItsReuse) {
  v1::CreateOrganisationRequest request;
  request.set_idempotency_key("org-key");
  request.set_org_id("acme");
  request.set_name("Acme");
  const v1::Organisation first = Must(&Stub::CreateOrganisation, request);
  server_.clock().Advance(absl::Hours(1));
  const v1::Organisation replay = Must(&Stub::CreateOrganisation, request);
  EXPECT_TRUE(MessageDifferencer::Equals(first, replay));

  request.set_name("Acme Corporation");  // same key, different request
  v1::Organisation response;
  grpc::Status status = Call(&Stub::CreateOrganisation, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ErrorReason(status), "IDEMPOTENCY_KEY_REUSED");

  request.set_idempotency_key("another-key");  // the org id is taken
  status = Call(&Stub::CreateOrganisation, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ErrorReason(status), "ORG_ALREADY_EXISTS");
  EXPECT_EQ(QueryInt("SELECT count(*) FROM orgs"), 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM idempotency_keys"), 1);
}

TEST_F(AdminServiceTest, CreateOrganisationNamesTheInvalidField) {
  struct Case {
    std::string field;
    std::function<void(v1::CreateOrganisationRequest&)> change;
  };
  const std::vector<Case> cases = {
      {"idempotency_key", [](auto& r) { r.clear_idempotency_key(); }},
      {"idempotency_key", [](auto& r) { r.set_idempotency_key(std::string(129, 'k')); }},
      {"org_id", [](auto& r) { r.clear_org_id(); }},
      {"org_id", [](auto& r) { r.set_org_id("has space"); }},
      {"org_id", [](auto& r) { r.set_org_id(std::string(65, 'o')); }},
      {"name", [](auto& r) { r.clear_name(); }},
      {"name", [](auto& r) { r.set_name("tab\there"); }},
      {"name", [](auto& r) { r.set_name(std::string(257, 'n')); }},
  };
  for (const Case& c : cases) {
    v1::CreateOrganisationRequest request;
    request.set_idempotency_key(NewKey());
    request.set_org_id("acme");
    request.set_name("Acme");
    c.change(request);
    v1::Organisation response;
    const grpc::Status status = Call(&Stub::CreateOrganisation, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_EQ(ErrorField(status), c.field);
    EXPECT_EQ(ErrorReason(status), "INVALID_FIELD");
  }
  EXPECT_EQ(QueryInt("SELECT count(*) FROM orgs"), 0);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM idempotency_keys"), 0);
}

// ---- Programs -----------------------------------------------------------------------------------

TEST_F(AdminServiceTest, CreatesADraftProgramAndTheFirstBecomesTheDefault) {
  CreateOrg("acme");
  const v1::CreateProgramRequest request = ProgramRequest("acme", "shop");
  const v1::Program shop = Must(&Stub::CreateProgram, request);
  EXPECT_EQ(shop.org_id(), "acme");
  EXPECT_EQ(shop.program_id(), "shop");
  EXPECT_EQ(shop.name(), "shop rewards");
  EXPECT_EQ(shop.currency(), "EUR");
  EXPECT_EQ(shop.status(), v1::PROGRAM_STATUS_DRAFT);
  EXPECT_TRUE(shop.is_default());
  EXPECT_TRUE(MessageDifferencer::Equals(shop.rules(), request.rules()))
      << shop.rules().DebugString();
  EXPECT_EQ(shop.point_types_size(), 0);

  const v1::Program travel = Must(&Stub::CreateProgram, ProgramRequest("acme", "travel"));
  EXPECT_FALSE(travel.is_default());
  v1::GetOrganisationRequest get;
  get.set_org_id("acme");
  EXPECT_EQ(Must(&Stub::GetOrganisation, get).default_program_id(), "shop");

  v1::GetProgramRequest get_program;
  get_program.set_org_id("acme");
  get_program.set_program_id("shop");
  EXPECT_TRUE(MessageDifferencer::Equals(Must(&Stub::GetProgram, get_program), shop));
}

TEST_F(AdminServiceTest, CreateProgramRefusesUnknownOrgsDuplicatesAndReplaysItsKey) {
  v1::Program response;
  v1::CreateProgramRequest request = ProgramRequest("nobody", "shop");
  grpc::Status status = Call(&Stub::CreateProgram, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ErrorReason(status), "ORG_NOT_FOUND");

  CreateOrg("acme");
  request.set_org_id("acme");
  const v1::Program created = Must(&Stub::CreateProgram, request);
  EXPECT_TRUE(MessageDifferencer::Equals(Must(&Stub::CreateProgram, request), created));

  request.set_idempotency_key(NewKey());
  status = Call(&Stub::CreateProgram, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ErrorReason(status), "PROGRAM_ALREADY_EXISTS");
  EXPECT_NE(status.error_message().find("shop"), std::string::npos) << status.error_message();
  EXPECT_EQ(QueryInt("SELECT count(*) FROM programs"), 1);
}

TEST_F(AdminServiceTest, ProgramRulesAreValidatedFieldByField) {
  CreateOrg("acme");
  using Rules = v1::ProgramRules;
  struct Case {
    std::string field;
    std::function<void(v1::CreateProgramRequest&)> change;
  };
  const std::vector<Case> cases = {
      {"program_id", [](auto& r) { r.set_program_id("shop/1"); }},
      {"name", [](auto& r) { r.clear_name(); }},
      {"currency", [](auto& r) { r.set_currency("eur"); }},
      {"currency", [](auto& r) { r.clear_currency(); }},
      {"rules.earn_rate.points",
       [](auto& r) { r.mutable_rules()->mutable_earn_rate()->set_points(-1); }},
      {"rules.earn_rate.per_amount_minor", [](auto& r) { r.mutable_rules()->clear_earn_rate(); }},
      {"rules.redemption_ratio.points",
       [](auto& r) { r.mutable_rules()->mutable_redemption_ratio()->set_points(0); }},
      {"rules.redemption_ratio.value_minor",
       [](auto& r) { r.mutable_rules()->mutable_redemption_ratio()->set_value_minor(-1); }},
      {"rules.redemption.minimum",
       [](auto& r) { r.mutable_rules()->mutable_redemption()->set_minimum(-1); }},
      {"rules.redemption.maximum",
       [](auto& r) { r.mutable_rules()->mutable_redemption()->set_maximum(-5); }},
      {"rules.redemption.maximum",
       [](auto& r) { r.mutable_rules()->mutable_redemption()->set_maximum(9); }},  // < minimum
      {"rules.redemption.multiple_of",
       [](auto& r) { r.mutable_rules()->mutable_redemption()->set_multiple_of(-1); }},
      {"rules.overdraft.limit",
       [](auto& r) { r.mutable_rules()->mutable_overdraft()->set_limit(-1); }},
      {"rules.hold_days", [](auto& r) { r.mutable_rules()->set_hold_days(3651); }},
      {"rules.hold_days", [](auto& r) { r.mutable_rules()->set_hold_days(-1); }},
      {"rules.qualification_period.months",
       [](auto& r) {
         Rules* rules = r.mutable_rules();
         rules->mutable_qualification_period()->set_kind(
             v1::QUALIFICATION_PERIOD_KIND_ROLLING_MONTHS);
       }},
      {"rules.qualification_period.months",
       [](auto& r) {
         Rules* rules = r.mutable_rules();
         rules->mutable_qualification_period()->set_kind(
             v1::QUALIFICATION_PERIOD_KIND_ROLLING_MONTHS);
         rules->mutable_qualification_period()->set_months(121);
       }},
      {"rules.qualification_period.kind",
       [](auto& r) {
         r.mutable_rules()->mutable_qualification_period()->set_kind(
             static_cast<v1::QualificationPeriodKind>(7));
       }},
  };
  for (const Case& c : cases) {
    v1::CreateProgramRequest request = ProgramRequest("acme", "shop");
    c.change(request);
    v1::Program response;
    const grpc::Status status = Call(&Stub::CreateProgram, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_EQ(ErrorField(status), c.field) << status.error_message();
  }
  EXPECT_EQ(QueryInt("SELECT count(*) FROM programs"), 0);
}

TEST_F(AdminServiceTest, UpdateProgramRulesReplacesTheRules) {
  CreateOrg("acme");
  Must(&Stub::CreateProgram, ProgramRequest("acme", "shop"));
  v1::UpdateProgramRulesRequest request;
  request.set_idempotency_key(NewKey());
  request.set_org_id("acme");
  request.set_program_id("shop");
  v1::ProgramRules* rules = request.mutable_rules();
  rules->mutable_earn_rate()->set_points(3);
  rules->mutable_earn_rate()->set_per_amount_minor(200);
  rules->mutable_redemption_ratio()->set_points(10);
  rules->mutable_redemption_ratio()->set_value_minor(7);
  rules->set_hold_days(30);
  rules->mutable_qualification_period()->set_kind(v1::QUALIFICATION_PERIOD_KIND_ROLLING_MONTHS);
  rules->mutable_qualification_period()->set_months(18);
  const v1::Program updated = Must(&Stub::UpdateProgramRules, request);
  EXPECT_TRUE(MessageDifferencer::Equivalent(updated.rules(), request.rules()))
      << updated.rules().DebugString();

  request.set_idempotency_key(NewKey());
  request.mutable_rules()->mutable_earn_rate()->set_per_amount_minor(0);
  v1::Program response;
  grpc::Status status = Call(&Stub::UpdateProgramRules, request, &response);
  EXPECT_EQ(ErrorField(status), "rules.earn_rate.per_amount_minor");

  request.set_program_id("unknown");
  request.mutable_rules()->mutable_earn_rate()->set_per_amount_minor(1);
  status = Call(&Stub::UpdateProgramRules, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ErrorReason(status), "PROGRAM_NOT_FOUND");
}

TEST_F(AdminServiceTest, PointTypesAndSubtypesSetTheProgramDefaults) {
  CreateOrg("acme");
  Must(&Stub::CreateProgram, ProgramRequest("acme", "shop"));
  v1::Program program = Must(&Stub::AddPointType, PointTypeRequest("acme", "shop", "base"));
  EXPECT_EQ(program.default_point_type(), "base");

  v1::AddPointTypeRequest status_type = PointTypeRequest("acme", "shop", "status");
  status_type.mutable_point_type()->set_redeemable(false);
  status_type.mutable_point_type()->set_counts_toward_tier(true);
  program = Must(&Stub::AddPointType, status_type);
  EXPECT_EQ(program.default_point_type(), "base");

  v1::AddPointTypeRequest bonus = PointTypeRequest("acme", "shop", "bonus");
  bonus.mutable_point_type()->set_expiry(v1::EXPIRY_KIND_FIXED_DAYS);
  bonus.mutable_point_type()->set_expiry_days(30);
  bonus.set_make_default(true);
  program = Must(&Stub::AddPointType, bonus);
  EXPECT_EQ(program.default_point_type(), "bonus");
  ASSERT_EQ(program.point_types_size(), 3);  // by code
  EXPECT_EQ(program.point_types(0).code(), "base");
  EXPECT_EQ(program.point_types(0).expiry(), v1::EXPIRY_KIND_NEVER);
  EXPECT_EQ(program.point_types(1).code(), "bonus");
  EXPECT_EQ(program.point_types(1).expiry(), v1::EXPIRY_KIND_FIXED_DAYS);
  EXPECT_EQ(program.point_types(1).expiry_days(), 30);
  EXPECT_FALSE(program.point_types(2).redeemable());
  EXPECT_TRUE(program.point_types(2).counts_toward_tier());

  v1::AddSubtypeRequest subtype;
  subtype.set_idempotency_key(NewKey());
  subtype.set_org_id("acme");
  subtype.set_program_id("shop");
  subtype.set_subtype("purchase");
  EXPECT_EQ(Must(&Stub::AddSubtype, subtype).default_subtype(), "purchase");
  subtype.set_idempotency_key(NewKey());
  subtype.set_subtype("campaign");
  program = Must(&Stub::AddSubtype, subtype);
  EXPECT_EQ(program.default_subtype(), "purchase");
  ASSERT_EQ(program.subtypes_size(), 2);
  subtype.set_idempotency_key(NewKey());
  subtype.set_subtype("welcome");
  subtype.set_make_default(true);
  EXPECT_EQ(Must(&Stub::AddSubtype, subtype).default_subtype(), "welcome");

  v1::Program response;
  subtype.set_idempotency_key(NewKey());
  grpc::Status status = Call(&Stub::AddSubtype, subtype, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ErrorReason(status), "SUBTYPE_ALREADY_EXISTS");
  status = Call(&Stub::AddPointType, PointTypeRequest("acme", "shop", "base"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ErrorReason(status), "POINT_TYPE_ALREADY_EXISTS");
}

TEST_F(AdminServiceTest, PointTypesAreValidatedFieldByField) {
  CreateOrg("acme");
  Must(&Stub::CreateProgram, ProgramRequest("acme", "shop"));
  struct Case {
    std::string field;
    std::function<void(v1::PointType&)> change;
  };
  const std::vector<Case> cases = {
      {"point_type.code", [](v1::PointType& t) { t.clear_code(); }},
      {"point_type.redeemable", [](v1::PointType& t) { t.set_redeemable(false); }},
      {"point_type.expiry_days", [](v1::PointType& t) { t.set_expiry_days(5); }},
      {"point_type.expiry_days",
       [](v1::PointType& t) { t.set_expiry(v1::EXPIRY_KIND_FIXED_DAYS); }},
      {"point_type.expiry_days",
       [](v1::PointType& t) {
         t.set_expiry(v1::EXPIRY_KIND_INACTIVITY_DAYS);
         t.set_expiry_days(36501);
       }},
      {"point_type.expiry", [](v1::PointType& t) { t.set_expiry(static_cast<v1::ExpiryKind>(9)); }},
  };
  for (const Case& c : cases) {
    v1::AddPointTypeRequest request = PointTypeRequest("acme", "shop", "base");
    c.change(*request.mutable_point_type());
    v1::Program response;
    const grpc::Status status = Call(&Stub::AddPointType, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_EQ(ErrorField(status), c.field) << status.error_message();
  }
  v1::AddSubtypeRequest subtype;
  subtype.set_idempotency_key(NewKey());
  subtype.set_org_id("acme");
  subtype.set_program_id("shop");
  v1::Program response;
  EXPECT_EQ(ErrorField(Call(&Stub::AddSubtype, subtype, &response)), "subtype");
  EXPECT_EQ(QueryInt("SELECT count(*) FROM point_types"), 0);
}

TEST_F(AdminServiceTest, TiersAreOrderedByThresholdWithUniqueCodesAndThresholds) {
  CreateOrg("acme");
  Must(&Stub::CreateProgram, ProgramRequest("acme", "shop"));
  Must(&Stub::AddTier, TierRequest("acme", "shop", "gold", 1000));
  v1::AddTierRequest silver = TierRequest("acme", "shop", "silver", 0);
  silver.mutable_tier()->set_multiplier_permille(1500);
  silver.mutable_tier()->set_overdraft_allowed(true);
  const v1::Program program = Must(&Stub::AddTier, silver);
  ASSERT_EQ(program.tiers_size(), 2);
  EXPECT_EQ(program.tiers(0).code(), "silver");
  EXPECT_EQ(program.tiers(0).multiplier_permille(), 1500);
  EXPECT_TRUE(program.tiers(0).overdraft_allowed());
  EXPECT_EQ(program.tiers(1).code(), "gold");
  EXPECT_EQ(program.tiers(1).threshold(), 1000);

  v1::Program response;
  grpc::Status status =
      Call(&Stub::AddTier, TierRequest("acme", "shop", "gold", 5000), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ErrorReason(status), "TIER_ALREADY_EXISTS");
  status = Call(&Stub::AddTier, TierRequest("acme", "shop", "platinum", 1000), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ErrorField(status), "tier.threshold");

  v1::AddTierRequest invalid = TierRequest("acme", "shop", "platinum", -1);
  EXPECT_EQ(ErrorField(Call(&Stub::AddTier, invalid, &response)), "tier.threshold");
  invalid = TierRequest("acme", "shop", "platinum", 9000);
  invalid.mutable_tier()->set_multiplier_permille(100001);
  EXPECT_EQ(ErrorField(Call(&Stub::AddTier, invalid, &response)), "tier.multiplier_permille");
  invalid.mutable_tier()->set_multiplier_permille(-1);
  EXPECT_EQ(ErrorField(Call(&Stub::AddTier, invalid, &response)), "tier.multiplier_permille");
  invalid.mutable_tier()->set_code("");
  EXPECT_EQ(ErrorField(Call(&Stub::AddTier, invalid, &response)), "tier.code");
  EXPECT_EQ(QueryInt("SELECT count(*) FROM tiers"), 2);
}

TEST_F(AdminServiceTest, ActionsNeedPositivePointsAndUniqueCodes) {
  CreateOrg("acme");
  Must(&Stub::CreateProgram, ProgramRequest("acme", "shop"));
  v1::AddActionRequest request;
  request.set_idempotency_key(NewKey());
  request.set_org_id("acme");
  request.set_program_id("shop");
  request.mutable_action()->set_code("register");
  request.mutable_action()->set_points(50);
  request.mutable_action()->set_per_member_limit(1);
  const v1::Program program = Must(&Stub::AddAction, request);
  ASSERT_EQ(program.actions_size(), 1);
  EXPECT_EQ(program.actions(0).code(), "register");
  EXPECT_EQ(program.actions(0).points(), 50);
  EXPECT_EQ(program.actions(0).per_member_limit(), 1);

  v1::Program response;
  request.set_idempotency_key(NewKey());
  grpc::Status status = Call(&Stub::AddAction, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ErrorReason(status), "ACTION_ALREADY_EXISTS");
  request.mutable_action()->set_code("feedback");
  request.mutable_action()->set_points(0);
  EXPECT_EQ(ErrorField(Call(&Stub::AddAction, request, &response)), "action.points");
  request.mutable_action()->set_points(5);
  request.mutable_action()->set_per_member_limit(-1);
  EXPECT_EQ(ErrorField(Call(&Stub::AddAction, request, &response)), "action.per_member_limit");
}

TEST_F(AdminServiceTest, ActivationNeedsAPointTypeAndADefaultSubtype) {
  CreateOrg("acme");
  Must(&Stub::CreateProgram, ProgramRequest("acme", "shop"));
  v1::Program response;
  grpc::Status status = Call(&Stub::ActivateProgram, Lifecycle("acme", "shop"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "PROGRAM_NOT_READY");
  EXPECT_NE(status.error_message().find("a point type and a default subtype"), std::string::npos)
      << status.error_message();

  Must(&Stub::AddPointType, PointTypeRequest("acme", "shop", "base"));
  status = Call(&Stub::ActivateProgram, Lifecycle("acme", "shop"), &response);
  EXPECT_EQ(ErrorReason(status), "PROGRAM_NOT_READY");
  EXPECT_EQ(status.error_message().find("point type"), std::string::npos);
  EXPECT_NE(status.error_message().find("default subtype"), std::string::npos);

  v1::AddSubtypeRequest subtype;
  subtype.set_idempotency_key(NewKey());
  subtype.set_org_id("acme");
  subtype.set_program_id("shop");
  subtype.set_subtype("purchase");
  Must(&Stub::AddSubtype, subtype);
  EXPECT_EQ(Must(&Stub::ActivateProgram, Lifecycle("acme", "shop")).status(),
            v1::PROGRAM_STATUS_ACTIVE);
  // Activating an active program changes nothing; rules may still be added.
  EXPECT_EQ(Must(&Stub::ActivateProgram, Lifecycle("acme", "shop")).status(),
            v1::PROGRAM_STATUS_ACTIVE);
  EXPECT_EQ(Must(&Stub::AddTier, TierRequest("acme", "shop", "silver", 0)).tiers_size(), 1);
}

TEST_F(AdminServiceTest, ClosedProgramsTakeNoRulesAndCannotBeReactivated) {
  CreateOrg("acme");
  ActiveProgram("acme", "shop");
  EXPECT_EQ(Must(&Stub::CloseProgram, Lifecycle("acme", "shop")).status(),
            v1::PROGRAM_STATUS_CLOSED);
  EXPECT_EQ(Must(&Stub::CloseProgram, Lifecycle("acme", "shop")).status(),
            v1::PROGRAM_STATUS_CLOSED);

  v1::Program response;
  EXPECT_EQ(ErrorReason(Call(&Stub::ActivateProgram, Lifecycle("acme", "shop"), &response)),
            "PROGRAM_NOT_ACTIVE");
  EXPECT_EQ(ErrorReason(Call(&Stub::AddPointType, PointTypeRequest("acme", "shop", "bonus"),
                             &response)),
            "PROGRAM_NOT_ACTIVE");
  EXPECT_EQ(ErrorReason(Call(&Stub::AddTier, TierRequest("acme", "shop", "gold", 10), &response)),
            "PROGRAM_NOT_ACTIVE");
  v1::UpdateProgramRulesRequest rules;
  rules.set_idempotency_key(NewKey());
  rules.set_org_id("acme");
  rules.set_program_id("shop");
  *rules.mutable_rules() = SomeRules();
  const grpc::Status status = Call(&Stub::UpdateProgramRules, rules, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "PROGRAM_NOT_ACTIVE");

  // A draft program closes too.
  Must(&Stub::CreateProgram, ProgramRequest("acme", "draft"));
  EXPECT_EQ(Must(&Stub::CloseProgram, Lifecycle("acme", "draft")).status(),
            v1::PROGRAM_STATUS_CLOSED);
}

TEST_F(AdminServiceTest, SetDefaultProgramMovesTheDefault) {
  CreateOrg("acme");
  ActiveProgram("acme", "shop");
  ActiveProgram("acme", "travel");
  const v1::Organisation org = Must(&Stub::SetDefaultProgram, Lifecycle("acme", "travel"));
  EXPECT_EQ(org.default_program_id(), "travel");
  v1::GetProgramRequest get;
  get.set_org_id("acme");
  get.set_program_id("travel");
  EXPECT_TRUE(Must(&Stub::GetProgram, get).is_default());
  get.set_program_id("shop");
  EXPECT_FALSE(Must(&Stub::GetProgram, get).is_default());

  v1::Organisation response;
  grpc::Status status = Call(&Stub::SetDefaultProgram, Lifecycle("acme", "nope"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ErrorReason(status), "PROGRAM_NOT_FOUND");
  Must(&Stub::CloseProgram, Lifecycle("acme", "shop"));
  status = Call(&Stub::SetDefaultProgram, Lifecycle("acme", "shop"), &response);
  EXPECT_EQ(ErrorReason(status), "PROGRAM_NOT_ACTIVE");
}

TEST_F(AdminServiceTest, ConcurrentFirstProgramsMakeExactlyOneDefault) {
  CreateOrg("acme");
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([this, i] {
      v1::Program response;
      const grpc::Status status = Call(
          &Stub::CreateProgram, ProgramRequest("acme", absl::StrCat("p", i)), &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(QueryInt("SELECT count(*) FROM programs"), 6);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM orgs WHERE default_program_id IS NOT NULL"), 1);
}

TEST_F(AdminServiceTest, ListProgramsPagesThroughAllProgramsInIdOrder) {
  CreateOrg("acme");
  for (const char* id : {"p3", "p1", "P0", "p4", "p2"}) {
    Must(&Stub::CreateProgram, ProgramRequest("acme", id));
  }
  v1::ListProgramsRequest request;
  request.set_org_id("acme");
  request.set_page_size(2);
  std::vector<std::string> seen;
  for (int page = 0; page < 10; ++page) {
    const v1::ListProgramsResponse response = Must(&Stub::ListPrograms, request);
    EXPECT_LE(response.programs_size(), 2);
    for (const v1::Program& program : response.programs()) seen.push_back(program.program_id());
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"P0", "p1", "p2", "p3", "p4"}));

  request.clear_page_token();
  request.set_page_size(0);  // 50
  const v1::ListProgramsResponse all = Must(&Stub::ListPrograms, request);
  EXPECT_EQ(all.programs_size(), 5);
  EXPECT_TRUE(all.next_page_token().empty());
  EXPECT_TRUE(all.programs(3).is_default());  // p3 was created first

  v1::ListProgramsResponse response;
  request.set_page_size(101);
  EXPECT_EQ(ErrorField(Call(&Stub::ListPrograms, request, &response)), "page_size");
  request.set_page_size(-1);
  EXPECT_EQ(ErrorField(Call(&Stub::ListPrograms, request, &response)), "page_size");
  request.set_page_size(2);
  request.set_page_token("!!not a token!!");
  EXPECT_EQ(ErrorField(Call(&Stub::ListPrograms, request, &response)), "page_token");
  request.clear_page_token();
  request.set_org_id("nobody");
  EXPECT_EQ(Call(&Stub::ListPrograms, request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

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

TEST_F(AdminServiceTest, EveryCallIsCountedByMethodAndCode) {
  CreateOrg("acme");
  v1::GetOrganisationRequest get;
  get.set_org_id("nobody");
  v1::Organisation response;
  Call(&Stub::GetOrganisation, get, &response);
  auto count = [&](const std::string& method, const std::string& code) {
    for (const auto& family : server_.registry().Collect()) {
      if (family.name != "loyalty_rpc_requests_total") continue;
      for (const auto& metric : family.metric) {
        bool method_matches = false;
        bool code_matches = false;
        for (const auto& label : metric.label) {
          method_matches |= label.name == "method" && label.value == method;
          code_matches |= label.name == "code" && label.value == code;
        }
        if (method_matches && code_matches) return metric.counter.value;
      }
    }
    return 0.0;
  };
  EXPECT_EQ(count("AdminService/CreateOrganisation", "OK"), 1.0);
  EXPECT_EQ(count("AdminService/GetOrganisation", "NOT_FOUND"), 1.0);
}

}  // namespace
}  // namespace loyalty::testing
