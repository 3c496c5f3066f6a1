#include "libs/base/status_macros.h"
#include "libs/store/catalog_writes.h"
#include "libs/store/idempotency.h"
#include "services/command/admin/rpcs.h"
#include "services/command/admin/shared.h"

namespace loyalty::command {

absl::Status SetDefaultProgram(const store::Context& context,
                               const v1::ProgramLifecycleRequest& request,
                               v1::Organisation* response) {
  LOYALTY_RETURN_IF_ERROR(ValidateProgramTarget(request));
  return store::RunCommand(
      context, "AdminService/SetDefaultProgram", request.org_id(), request.idempotency_key(),
      request, response, [&](pg::Transaction& tx) -> absl::Status {
        LOYALTY_ASSIGN_OR_RETURN(std::string status,
                                 LockProgram(tx, request.org_id(), request.program_id()));
        LOYALTY_RETURN_IF_ERROR(RequireNotClosed(status, request.program_id()));
        LOYALTY_RETURN_IF_ERROR(
            store::SetDefaultProgram(tx, request.org_id(), request.program_id()));
        return LoadOrganisation(tx, request.org_id(), response);
      });
}

}  // namespace loyalty::command
