#include "tests/support/demo_org.h"

#include <atomic>

#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"

namespace loyalty::testing {
namespace {

template <typename Request, typename Response, typename Call>
void Must(Call call, const Request& request, Response* response = nullptr) {
  Response local;
  grpc::ClientContext context;
  const grpc::Status status = call(&context, request, response != nullptr ? response : &local);
  ASSERT_TRUE(status.ok()) << request.GetTypeName() << ": " << status.error_message();
}

void AddType(v1::AdminService::Stub& admin, const std::string& org, const std::string& program,
             const std::string& code, bool redeemable, bool counts, v1::ExpiryKind expiry,
             int days) {
  v1::AddPointTypeRequest request;
  request.set_idempotency_key(NewKey());
  request.set_org_id(org);
  request.set_program_id(program);
  request.mutable_point_type()->set_code(code);
  request.mutable_point_type()->set_redeemable(redeemable);
  request.mutable_point_type()->set_counts_toward_tier(counts);
  request.mutable_point_type()->set_expiry(expiry);
  request.mutable_point_type()->set_expiry_days(days);
  Must([&](auto* c, auto& r, auto* o) { return admin.AddPointType(c, r, o); }, request,
       static_cast<v1::Program*>(nullptr));
}

void AddSubtype(v1::AdminService::Stub& admin, const std::string& org, const std::string& program,
                const std::string& code) {
  v1::AddSubtypeRequest request;
  request.set_idempotency_key(NewKey());
  request.set_org_id(org);
  request.set_program_id(program);
  request.set_subtype(code);
  Must([&](auto* c, auto& r, auto* o) { return admin.AddSubtype(c, r, o); }, request,
       static_cast<v1::Program*>(nullptr));
}

void AddTier(v1::AdminService::Stub& admin, const std::string& org, const std::string& program,
             const std::string& code, int64_t threshold, int32_t multiplier, bool overdraft) {
  v1::AddTierRequest request;
  request.set_idempotency_key(NewKey());
  request.set_org_id(org);
  request.set_program_id(program);
  request.mutable_tier()->set_code(code);
  request.mutable_tier()->set_threshold(threshold);
  request.mutable_tier()->set_multiplier_permille(multiplier);
  request.mutable_tier()->set_overdraft_allowed(overdraft);
  Must([&](auto* c, auto& r, auto* o) { return admin.AddTier(c, r, o); }, request,
       static_cast<v1::Program*>(nullptr));
}

void CreateProgram(v1::AdminService::Stub& admin, const std::string& org,
                   const std::string& program, int64_t earn_points, int64_t ratio_points,
                   int64_t minimum, int64_t multiple_of, bool overdraft) {
  v1::CreateProgramRequest request;
  request.set_idempotency_key(NewKey());
  request.set_org_id(org);
  request.set_program_id(program);
  request.set_name(absl::StrCat(program, " rewards"));
  request.set_currency("USD");
  v1::ProgramRules* rules = request.mutable_rules();
  rules->mutable_earn_rate()->set_points(earn_points);
  rules->mutable_earn_rate()->set_per_amount_minor(100);
  rules->mutable_redemption_ratio()->set_points(ratio_points);
  rules->mutable_redemption_ratio()->set_value_minor(1);
  rules->mutable_redemption()->set_minimum(minimum);
  rules->mutable_redemption()->set_multiple_of(multiple_of);
  rules->mutable_overdraft()->set_allowed(overdraft);
  rules->mutable_overdraft()->set_limit(overdraft ? 500 : 0);
  rules->mutable_qualification_period()->set_kind(v1::QUALIFICATION_PERIOD_KIND_CALENDAR_YEAR);
  Must([&](auto* c, auto& r, auto* o) { return admin.CreateProgram(c, r, o); }, request,
       static_cast<v1::Program*>(nullptr));
}

void Activate(v1::AdminService::Stub& admin, const std::string& org, const std::string& program) {
  v1::ProgramLifecycleRequest request;
  request.set_idempotency_key(NewKey());
  request.set_org_id(org);
  request.set_program_id(program);
  Must([&](auto* c, auto& r, auto* o) { return admin.ActivateProgram(c, r, o); }, request,
       static_cast<v1::Program*>(nullptr));
}

}  // namespace

std::string NewKey() {
  static std::atomic<int64_t> counter{0};
  return absl::StrCat("test-key-", counter.fetch_add(1));
}

void CreateDemoOrg(v1::AdminService::Stub& admin, const std::string& org_id,
                   const std::vector<std::string>& members) {
  v1::CreateOrganisationRequest org;
  org.set_idempotency_key(NewKey());
  org.set_org_id(org_id);
  org.set_name(absl::StrCat(org_id, " group"));
  Must([&](auto* c, auto& r, auto* o) { return admin.CreateOrganisation(c, r, o); }, org,
       static_cast<v1::Organisation*>(nullptr));

  CreateProgram(admin, org_id, "shop", 1, 1, 0, 0, true);
  AddType(admin, org_id, "shop", "base", true, true, v1::EXPIRY_KIND_NEVER, 0);
  AddType(admin, org_id, "shop", "status", false, true, v1::EXPIRY_KIND_NEVER, 0);
  AddType(admin, org_id, "shop", "bonus", true, false, v1::EXPIRY_KIND_FIXED_DAYS, 30);
  AddSubtype(admin, org_id, "shop", "purchase");
  AddSubtype(admin, org_id, "shop", "campaign");
  AddTier(admin, org_id, "shop", "silver", 0, 1000, false);
  AddTier(admin, org_id, "shop", "gold", 1000, 1500, true);
  v1::AddActionRequest action;
  action.set_idempotency_key(NewKey());
  action.set_org_id(org_id);
  action.set_program_id("shop");
  action.mutable_action()->set_code("register");
  action.mutable_action()->set_points(50);
  action.mutable_action()->set_per_member_limit(1);
  Must([&](auto* c, auto& r, auto* o) { return admin.AddAction(c, r, o); }, action,
       static_cast<v1::Program*>(nullptr));
  Activate(admin, org_id, "shop");

  CreateProgram(admin, org_id, "travel", 2, 2, 10, 5, false);
  AddType(admin, org_id, "travel", "miles", true, false, v1::EXPIRY_KIND_FIXED_DAYS, 365);
  AddSubtype(admin, org_id, "travel", "flight");
  Activate(admin, org_id, "travel");

  for (const std::string& member_id : members) {
    v1::CreateMemberRequest member;
    member.set_idempotency_key(NewKey());
    member.set_org_id(org_id);
    member.set_member_id(member_id);
    member.add_program_ids("shop");
    member.add_program_ids("travel");
    Must([&](auto* c, auto& r, auto* o) { return admin.CreateMember(c, r, o); }, member,
         static_cast<v1::Member*>(nullptr));
  }
}

}  // namespace loyalty::testing
