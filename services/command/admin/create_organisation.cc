#include "libs/base/status_macros.h"
#include "libs/rpc/validate.h"
#include "libs/store/catalog_writes.h"
#include "libs/store/idempotency.h"
#include "services/command/admin/rpcs.h"
#include "services/command/admin/shared.h"

namespace loyalty::command {

absl::Status CreateOrganisation(const store::Context& context,
                                const v1::CreateOrganisationRequest& request,
                                v1::Organisation* response) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateKey("idempotency_key", request.idempotency_key()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateText("name", request.name(), /*required=*/true));
  return store::RunCommand(
      context, "AdminService/CreateOrganisation", request.org_id(), request.idempotency_key(),
      request, response, [&](pg::Transaction& tx) -> absl::Status {
        LOYALTY_ASSIGN_OR_RETURN(
            const bool inserted,
            store::InsertOrg(tx, request.org_id(), request.name(), context.clock->Now()));
        if (!inserted) return AlreadyExists("org", request.org_id());
        return LoadOrganisation(tx, request.org_id(), response);
      });
}

}  // namespace loyalty::command
