#include "libs/base/status_macros.h"
#include "libs/rpc/validate.h"
#include "services/command/admin/rpcs.h"
#include "services/command/admin/shared.h"

namespace loyalty::command {

absl::Status GetMember(const store::Context& context, const v1::GetMemberRequest& request,
                       v1::Member* response) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("member_id", request.member_id()));
  const absl::Time now = context.clock->Now();
  return RunRead(context, [&](pg::Transaction& tx) {
    response->Clear();
    return LoadMemberInto(tx, request.org_id(), request.member_id(), now, response);
  });
}

}  // namespace loyalty::command
