#include "libs/base/status_macros.h"
#include "libs/rpc/validate.h"
#include "services/command/admin/rpcs.h"
#include "services/command/admin/shared.h"

namespace loyalty::command {

absl::Status GetOrganisation(const store::Context& context,
                             const v1::GetOrganisationRequest& request,
                             v1::Organisation* response) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  return RunRead(context, [&](pg::Transaction& tx) {
    response->Clear();
    return LoadOrganisation(tx, request.org_id(), response);
  });
}

}  // namespace loyalty::command
