#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/store/idempotency.h"
#include "libs/store/member_records.h"
#include "services/command/admin/rpcs.h"
#include "services/command/admin/shared.h"

namespace loyalty::command {
namespace {

absl::StatusOr<std::string> MemberStatusText(v1::MemberStatus status) {
  switch (status) {
    case v1::MEMBER_STATUS_ACTIVE:
      return std::string("active");
    case v1::MEMBER_STATUS_SUSPENDED:
      return std::string("suspended");
    case v1::MEMBER_STATUS_CLOSED:
      return std::string("closed");
    default:
      return InvalidField("status", "must be ACTIVE, SUSPENDED or CLOSED");
  }
}

}  // namespace

absl::Status SetMemberStatus(const store::Context& context,
                             const v1::SetMemberStatusRequest& request, v1::Member* response) {
  LOYALTY_RETURN_IF_ERROR(ValidateMemberTarget(request));
  LOYALTY_ASSIGN_OR_RETURN(const std::string status, MemberStatusText(request.status()));
  const absl::Time now = context.clock->Now();
  return store::RunCommand(
      context, "AdminService/SetMemberStatus", request.org_id(), request.idempotency_key(), request,
      response, [&](pg::Transaction& tx) -> absl::Status {
        LOYALTY_ASSIGN_OR_RETURN(
            const bool updated,
            store::SetMemberStatus(tx, request.org_id(), request.member_id(), status));
        if (!updated) return NotFound("member", request.member_id());
        return LoadMemberInto(tx, request.org_id(), request.member_id(), now, response);
      });
}

}  // namespace loyalty::command
