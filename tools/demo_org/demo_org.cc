#include "tools/demo_org/demo_org.h"

#include <chrono>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "libs/base/status_macros.h"

namespace loyalty::demo {
namespace {

// The org's set-up calls, each with the next key of `options`.
class Setup final {
 public:
  Setup(v1::AdminService::Stub& admin, std::string org_id, const CallOptions& options)
      : admin_(admin), org_id_(std::move(org_id)), options_(options) {}

  absl::Status CreateOrg(const std::string& name) {
    v1::CreateOrganisationRequest request;
    request.set_idempotency_key(options_.next_key());
    request.set_org_id(org_id_);
    request.set_name(name);
    v1::Organisation response;
    return RunCall("CreateOrganisation", options_, [&](grpc::ClientContext* context) {
      return admin_.CreateOrganisation(context, request, &response);
    });
  }

  absl::Status CreateProgram(const std::string& program, int64_t earn_points, int64_t ratio_points,
                             int64_t minimum, int64_t multiple_of, bool overdraft) {
    v1::CreateProgramRequest request;
    Fill(program, &request);
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
    return ProgramCall("CreateProgram", request, &v1::AdminService::Stub::CreateProgram);
  }

  absl::Status AddType(const std::string& program, const std::string& code, bool redeemable,
                       bool counts_toward_tier, v1::ExpiryKind expiry, int days) {
    v1::AddPointTypeRequest request;
    Fill(program, &request);
    request.mutable_point_type()->set_code(code);
    request.mutable_point_type()->set_redeemable(redeemable);
    request.mutable_point_type()->set_counts_toward_tier(counts_toward_tier);
    request.mutable_point_type()->set_expiry(expiry);
    request.mutable_point_type()->set_expiry_days(days);
    return ProgramCall("AddPointType", request, &v1::AdminService::Stub::AddPointType);
  }

  absl::Status AddSubtype(const std::string& program, const std::string& code) {
    v1::AddSubtypeRequest request;
    Fill(program, &request);
    request.set_subtype(code);
    return ProgramCall("AddSubtype", request, &v1::AdminService::Stub::AddSubtype);
  }

  absl::Status AddTier(const std::string& program, const std::string& code, int64_t threshold,
                       int32_t multiplier_permille, bool overdraft_allowed) {
    v1::AddTierRequest request;
    Fill(program, &request);
    request.mutable_tier()->set_code(code);
    request.mutable_tier()->set_threshold(threshold);
    request.mutable_tier()->set_multiplier_permille(multiplier_permille);
    request.mutable_tier()->set_overdraft_allowed(overdraft_allowed);
    return ProgramCall("AddTier", request, &v1::AdminService::Stub::AddTier);
  }

  absl::Status AddAction(const std::string& program, const std::string& code, int64_t points) {
    v1::AddActionRequest request;
    Fill(program, &request);
    request.mutable_action()->set_code(code);
    request.mutable_action()->set_points(points);
    request.mutable_action()->set_per_member_limit(1);
    return ProgramCall("AddAction", request, &v1::AdminService::Stub::AddAction);
  }

  absl::Status Activate(const std::string& program) {
    v1::ProgramLifecycleRequest request;
    Fill(program, &request);
    return ProgramCall("ActivateProgram", request, &v1::AdminService::Stub::ActivateProgram);
  }

 private:
  template <typename Request>
  void Fill(const std::string& program, Request* request) {
    request->set_idempotency_key(options_.next_key());
    request->set_org_id(org_id_);
    request->set_program_id(program);
  }

  template <typename Request>
  absl::Status ProgramCall(absl::string_view what, const Request& request,
                           grpc::Status (v1::AdminService::Stub::*method)(grpc::ClientContext*,
                                                                          const Request&,
                                                                          v1::Program*)) {
    v1::Program response;
    return RunCall(what, options_, [&](grpc::ClientContext* context) {
      return (admin_.*method)(context, request, &response);
    });
  }

  v1::AdminService::Stub& admin_;
  const std::string org_id_;
  const CallOptions& options_;
};

}  // namespace

absl::Status RunCall(absl::string_view what, const CallOptions& options,
                     const std::function<grpc::Status(grpc::ClientContext*)>& call) {
  grpc::ClientContext context;
  if (options.timeout != absl::InfiniteDuration()) {
    context.set_deadline(std::chrono::system_clock::now() +
                         absl::ToChronoMilliseconds(options.timeout));
  }
  const grpc::Status status = call(&context);
  if (status.ok() ||
      (options.already_exists_is_done && status.error_code() == grpc::StatusCode::ALREADY_EXISTS)) {
    return absl::OkStatus();
  }
  return absl::InternalError(absl::StrCat(what, ": ", status.error_message(), " (code ",
                                          static_cast<int>(status.error_code()), ")"));
}

absl::Status CreateDemoOrg(v1::AdminService::Stub& admin, const std::string& org_id,
                           const std::string& name, const CallOptions& options) {
  Setup setup(admin, org_id, options);
  LOYALTY_RETURN_IF_ERROR(setup.CreateOrg(name));
  LOYALTY_RETURN_IF_ERROR(setup.CreateProgram(kShopProgram, 1, 1, 0, 0, /*overdraft=*/true));
  LOYALTY_RETURN_IF_ERROR(setup.AddType(kShopProgram, "base", /*redeemable=*/true,
                                        /*counts_toward_tier=*/true, v1::EXPIRY_KIND_NEVER, 0));
  LOYALTY_RETURN_IF_ERROR(setup.AddType(kShopProgram, "status", /*redeemable=*/false,
                                        /*counts_toward_tier=*/true, v1::EXPIRY_KIND_NEVER, 0));
  LOYALTY_RETURN_IF_ERROR(setup.AddType(kShopProgram, "bonus", /*redeemable=*/true,
                                        /*counts_toward_tier=*/false, v1::EXPIRY_KIND_FIXED_DAYS,
                                        30));
  LOYALTY_RETURN_IF_ERROR(setup.AddSubtype(kShopProgram, "purchase"));
  LOYALTY_RETURN_IF_ERROR(setup.AddSubtype(kShopProgram, "campaign"));
  LOYALTY_RETURN_IF_ERROR(
      setup.AddTier(kShopProgram, "silver", 0, 1000, /*overdraft_allowed=*/false));
  LOYALTY_RETURN_IF_ERROR(
      setup.AddTier(kShopProgram, "gold", 1000, 1500, /*overdraft_allowed=*/true));
  LOYALTY_RETURN_IF_ERROR(setup.AddAction(kShopProgram, "register", 50));
  LOYALTY_RETURN_IF_ERROR(setup.Activate(kShopProgram));
  LOYALTY_RETURN_IF_ERROR(setup.CreateProgram(kTravelProgram, 2, 2, 10, 5, /*overdraft=*/false));
  LOYALTY_RETURN_IF_ERROR(setup.AddType(kTravelProgram, "miles", /*redeemable=*/true,
                                        /*counts_toward_tier=*/false, v1::EXPIRY_KIND_FIXED_DAYS,
                                        365));
  LOYALTY_RETURN_IF_ERROR(setup.AddSubtype(kTravelProgram, "flight"));
  return setup.Activate(kTravelProgram);
}

absl::Status CreateDemoMember(v1::AdminService::Stub& admin, const std::string& org_id,
                              const std::string& member_id, const std::string& key,
                              const CallOptions& options) {
  v1::CreateMemberRequest request;
  request.set_idempotency_key(key);
  request.set_org_id(org_id);
  request.set_member_id(member_id);
  request.add_program_ids(kShopProgram);
  request.add_program_ids(kTravelProgram);
  v1::Member response;
  return RunCall("CreateMember", options, [&](grpc::ClientContext* context) {
    return admin.CreateMember(context, request, &response);
  });
}

}  // namespace loyalty::demo
