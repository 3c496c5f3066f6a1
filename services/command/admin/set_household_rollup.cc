#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/store/households.h"
#include "libs/store/idempotency.h"
#include "libs/store/member_repository.h"
#include "services/command/admin/rpcs.h"
#include "services/command/admin/shared.h"

namespace loyalty::command {

absl::Status SetHouseholdRollup(const store::Context& context,
                                const v1::SetHouseholdRollupRequest& request,
                                v1::Member* response) {
  LOYALTY_RETURN_IF_ERROR(ValidateMemberTarget(request));
  const absl::Time now = context.clock->Now();
  return store::RunCommand(
      context, "AdminService/SetHouseholdRollup", request.org_id(), request.idempotency_key(),
      request, response, [&](pg::Transaction& tx) -> absl::Status {
        LOYALTY_RETURN_IF_ERROR(store::LockMembers(tx, request.org_id(), {request.member_id()}));
        LOYALTY_ASSIGN_OR_RETURN(const bool updated, store::SetMembershipRollup(
                                                         tx, request.org_id(), request.member_id(),
                                                         now, request.rollup()));
        if (!updated) {
          return Refused(kNotInHousehold,
                         absl::StrCat("member '", request.member_id(), "' is not in a household"));
        }
        return LoadMemberInto(tx, request.org_id(), request.member_id(), now, response);
      });
}

}  // namespace loyalty::command
