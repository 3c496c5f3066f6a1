#include "tools/loyaltyctl/member_commands.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "libs/base/status_macros.h"
#include "tools/loyaltyctl/enum_flags.h"
#include "tools/loyaltyctl/failure.h"
#include "tools/loyaltyctl/json.h"
#include "tools/loyaltyctl/render_admin.h"
#include "tools/loyaltyctl/render_badges.h"

namespace loyalty::ctl {
namespace {

using Admin = v1::AdminService::Stub;
using Queries = v1::QueryService::Stub;

template <typename Request>
Request MemberRequest(Session& session) {
  Request request;
  request.set_idempotency_key(session.IdempotencyKey());
  request.set_org_id(session.flags().String("org"));
  request.set_member_id(session.flags().String("member"));
  return request;
}

}  // namespace

absl::StatusOr<int> MemberCreate(Session& session) {
  const Flags& flags = session.flags();
  v1::MemberKind kind = v1::MEMBER_KIND_INDIVIDUAL;
  if (flags.Has("kind")) {
    LOYALTY_ASSIGN_OR_RETURN(kind, ParseEnumFlag("kind", flags.String("kind"), "MEMBER_KIND_",
                                                 &v1::MemberKind_Parse, "individual, household"));
  }
  auto request = MemberRequest<v1::CreateMemberRequest>(session);
  request.set_kind(kind);
  for (absl::string_view program :
       absl::StrSplit(flags.String("programs"), ',', absl::SkipEmpty())) {
    request.add_program_ids(std::string(program));
  }
  return session.Call(session.admin(), &Admin::CreateMember, request, RenderMember);
}

// The member (AdminService), then its badges in --program or the org's default program
// (QueryService). The member is what the command is for: when the badge query fails (no query
// service at --query_target, the member not in that program, ...) the member is still printed and
// the command exits 0, the failure going to stderr as a warning (and, with --json, under
// "memberBadges" as {"error": {...}} instead of the GetMemberBadgesResponse).
absl::StatusOr<int> MemberShow(Session& session) {
  const Flags& flags = session.flags();
  v1::GetMemberRequest request;
  request.set_org_id(flags.String("org"));
  request.set_member_id(flags.String("member"));
  v1::Member member;
  grpc::Status status = session.Invoke(session.admin(), &Admin::GetMember, request, &member);
  if (!status.ok()) return session.ReportFailure(status, session.options().target);

  v1::GetMemberBadgesRequest badges_request;
  badges_request.set_org_id(request.org_id());
  badges_request.set_member_id(request.member_id());
  badges_request.set_program_id(flags.String("program"));
  badges_request.set_min_position(flags.Int64("min_position"));
  v1::GetMemberBadgesResponse badges;
  status = session.Invoke(session.queries(), &Queries::GetMemberBadges, badges_request, &badges);
  std::optional<Failure> failure;
  if (!status.ok()) failure = DescribeFailure(status, session.options().query_target);

  if (session.options().json) {
    PrintJsonWith(member, "memberBadges",
                  failure.has_value() ? FailureJson(*failure) : MessageJson(badges), session.out());
  } else {
    RenderMember(member, session.out());
    if (!failure.has_value()) {
      session.out() << "\n";
      RenderMemberBadges(badges, session.out());
    }
  }
  if (failure.has_value()) {
    session.err() << "warning: badges not shown: " << failure->message << "\n";
    if (!failure->hint.empty()) session.err() << "hint: " << failure->hint << "\n";
  }
  return kExitOk;
}

absl::StatusOr<int> MemberStatusSet(Session& session) {
  LOYALTY_ASSIGN_OR_RETURN(
      const v1::MemberStatus status,
      ParseEnumFlag("status", session.flags().String("status"), "MEMBER_STATUS_",
                    &v1::MemberStatus_Parse, "active, suspended, closed"));
  auto request = MemberRequest<v1::SetMemberStatusRequest>(session);
  request.set_status(status);
  return session.Call(session.admin(), &Admin::SetMemberStatus, request, RenderMember);
}

absl::StatusOr<int> MemberEnrol(Session& session) {
  auto request = MemberRequest<v1::EnrolMemberRequest>(session);
  request.set_program_id(session.flags().String("program"));
  return session.Call(session.admin(), &Admin::EnrolMember, request, RenderMember);
}

absl::StatusOr<int> HouseholdJoin(Session& session) {
  const Flags& flags = session.flags();
  v1::JoinHouseholdRequest request;
  if (flags.Has("start")) {
    LOYALTY_ASSIGN_OR_RETURN(*request.mutable_start(),
                             ParseTimestamp("start", flags.String("start")));
  }
  if (flags.Has("end")) {
    LOYALTY_ASSIGN_OR_RETURN(*request.mutable_end(), ParseTimestamp("end", flags.String("end")));
  }
  request.set_idempotency_key(session.IdempotencyKey());
  request.set_org_id(flags.String("org"));
  request.set_member_id(flags.String("member"));
  request.set_household_id(flags.String("household"));
  request.set_rollup(flags.Bool("rollup"));
  return session.Call(session.admin(), &Admin::JoinHousehold, request, RenderMember);
}

absl::StatusOr<int> HouseholdLeave(Session& session) {
  const auto request = MemberRequest<v1::LeaveHouseholdRequest>(session);
  return session.Call(session.admin(), &Admin::LeaveHousehold, request, RenderMember);
}

absl::StatusOr<int> HouseholdRollup(Session& session) {
  auto request = MemberRequest<v1::SetHouseholdRollupRequest>(session);
  request.set_rollup(session.flags().Bool("rollup"));
  return session.Call(session.admin(), &Admin::SetHouseholdRollup, request, RenderMember);
}

}  // namespace loyalty::ctl
