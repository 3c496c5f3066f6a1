#include "tools/loyaltyctl/admin_commands.h"

#include "absl/status/status.h"
#include "libs/base/status_macros.h"
#include "tools/loyaltyctl/enum_flags.h"
#include "tools/loyaltyctl/program_rules.h"
#include "tools/loyaltyctl/render_admin.h"

namespace loyalty::ctl {
namespace {

using Admin = v1::AdminService::Stub;

template <typename Request>
Request ProgramRequest(Session& session) {
  Request request;
  request.set_idempotency_key(session.IdempotencyKey());
  request.set_org_id(session.flags().String("org"));
  request.set_program_id(session.flags().String("program"));
  return request;
}

}  // namespace

absl::StatusOr<int> OrgCreate(Session& session) {
  v1::CreateOrganisationRequest request;
  request.set_idempotency_key(session.IdempotencyKey());
  request.set_org_id(session.flags().String("org"));
  request.set_name(session.flags().String("name"));
  return session.Call(session.admin(), &Admin::CreateOrganisation, request, RenderOrganisation);
}

absl::StatusOr<int> OrgShow(Session& session) {
  v1::GetOrganisationRequest request;
  request.set_org_id(session.flags().String("org"));
  return session.Call(session.admin(), &Admin::GetOrganisation, request, RenderOrganisation);
}

absl::StatusOr<int> ProgramCreate(Session& session) {
  const Flags& flags = session.flags();
  v1::CreateProgramRequest request;
  *request.mutable_rules() = DefaultRules();
  LOYALTY_RETURN_IF_ERROR(ApplyRuleFlags(flags, *request.mutable_rules()));
  request.set_idempotency_key(session.IdempotencyKey());
  request.set_org_id(flags.String("org"));
  request.set_program_id(flags.String("program"));
  request.set_name(flags.String("name"));
  request.set_currency(flags.String("currency"));
  return session.Call(session.admin(), &Admin::CreateProgram, request, RenderProgram);
}

absl::StatusOr<int> ProgramShow(Session& session) {
  v1::GetProgramRequest request;
  request.set_org_id(session.flags().String("org"));
  request.set_program_id(session.flags().String("program"));
  return session.Call(session.admin(), &Admin::GetProgram, request, RenderProgram);
}

// All pages (at most kMaxListPages), printed as one response.
absl::StatusOr<int> ProgramList(Session& session) {
  v1::ListProgramsRequest request;
  request.set_org_id(session.flags().String("org"));
  request.set_page_size(100);
  v1::ListProgramsResponse all;
  for (int page = 0; page < kMaxListPages; ++page) {
    v1::ListProgramsResponse response;
    const grpc::Status status =
        session.Invoke(session.admin(), &Admin::ListPrograms, request, &response);
    if (!status.ok()) return session.ReportFailure(status, session.options().target);
    all.mutable_programs()->MergeFrom(response.programs());
    all.set_next_page_token(response.next_page_token());
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  session.Print<v1::ListProgramsResponse>(all, RenderPrograms);
  return kExitOk;
}

absl::StatusOr<int> ProgramActivate(Session& session) {
  const auto request = ProgramRequest<v1::ProgramLifecycleRequest>(session);
  return session.Call(session.admin(), &Admin::ActivateProgram, request, RenderProgram);
}

absl::StatusOr<int> ProgramClose(Session& session) {
  const auto request = ProgramRequest<v1::ProgramLifecycleRequest>(session);
  return session.Call(session.admin(), &Admin::CloseProgram, request, RenderProgram);
}

absl::StatusOr<int> ProgramSetDefault(Session& session) {
  const auto request = ProgramRequest<v1::ProgramLifecycleRequest>(session);
  return session.Call(session.admin(), &Admin::SetDefaultProgram, request, RenderOrganisation);
}

// UpdateProgramRules replaces all rules; the CLI reads the current ones first so that only the
// flags given change, and sends the read's rules_etag so that a change someone made in between is
// not overwritten (ABORTED RULES_CHANGED: run the command again).
absl::StatusOr<int> ProgramRulesUpdate(Session& session) {
  const Flags& flags = session.flags();
  if (!HasRuleFlags(flags)) {
    return absl::InvalidArgumentError("give at least one rule flag to change");
  }
  v1::GetProgramRequest get;
  get.set_org_id(flags.String("org"));
  get.set_program_id(flags.String("program"));
  v1::Program current;
  const grpc::Status status = session.Invoke(session.admin(), &Admin::GetProgram, get, &current);
  if (!status.ok()) return session.ReportFailure(status, session.options().target);

  auto request = ProgramRequest<v1::UpdateProgramRulesRequest>(session);
  *request.mutable_rules() = current.rules();
  request.set_etag(current.rules_etag());
  LOYALTY_RETURN_IF_ERROR(ApplyRuleFlags(flags, *request.mutable_rules()));
  return session.Call(session.admin(), &Admin::UpdateProgramRules, request, RenderProgram);
}

absl::StatusOr<int> PointTypeAdd(Session& session) {
  const Flags& flags = session.flags();
  v1::PointType point_type;
  point_type.set_code(flags.String("code"));
  point_type.set_redeemable(flags.Bool("redeemable"));
  point_type.set_counts_toward_tier(flags.Bool("counts_toward_tier"));
  point_type.set_expiry(v1::EXPIRY_KIND_NEVER);
  if (flags.Has("expiry")) {
    LOYALTY_ASSIGN_OR_RETURN(const v1::ExpiryKind expiry,
                     ParseEnumFlag("expiry", flags.String("expiry"), "EXPIRY_KIND_",
                                   &v1::ExpiryKind_Parse, "never, fixed-days, inactivity-days"));
    point_type.set_expiry(expiry);
  }
  point_type.set_expiry_days(flags.Int32("expiry_days"));
  auto request = ProgramRequest<v1::AddPointTypeRequest>(session);
  *request.mutable_point_type() = point_type;
  request.set_make_default(flags.Bool("default"));
  return session.Call(session.admin(), &Admin::AddPointType, request, RenderProgram);
}

absl::StatusOr<int> SubtypeAdd(Session& session) {
  auto request = ProgramRequest<v1::AddSubtypeRequest>(session);
  request.set_subtype(session.flags().String("subtype"));
  request.set_make_default(session.flags().Bool("default"));
  return session.Call(session.admin(), &Admin::AddSubtype, request, RenderProgram);
}

absl::StatusOr<int> TierAdd(Session& session) {
  const Flags& flags = session.flags();
  auto request = ProgramRequest<v1::AddTierRequest>(session);
  v1::Tier* tier = request.mutable_tier();
  tier->set_code(flags.String("tier"));
  tier->set_threshold(flags.Int64("threshold"));
  tier->set_multiplier_permille(flags.Has("multiplier_permille")
                                    ? flags.Int32("multiplier_permille")
                                    : 1000);
  tier->set_overdraft_allowed(flags.Bool("overdraft_allowed"));
  return session.Call(session.admin(), &Admin::AddTier, request, RenderProgram);
}

absl::StatusOr<int> ActionAdd(Session& session) {
  const Flags& flags = session.flags();
  auto request = ProgramRequest<v1::AddActionRequest>(session);
  v1::Action* action = request.mutable_action();
  action->set_code(flags.String("action"));
  action->set_points(flags.Int64("points"));
  action->set_per_member_limit(flags.Int32("per_member_limit"));
  return session.Call(session.admin(), &Admin::AddAction, request, RenderProgram);
}

}  // namespace loyalty::ctl
