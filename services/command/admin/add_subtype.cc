#include <string>

#include "libs/base/status_macros.h"
#include "libs/rpc/validate.h"
#include "libs/store/catalog_writes.h"
#include "services/command/admin/rpcs.h"
#include "services/command/admin/shared.h"

namespace loyalty::command {

absl::Status AddSubtype(const store::Context& context, const v1::AddSubtypeRequest& request,
                        v1::Program* response) {
  LOYALTY_RETURN_IF_ERROR(ValidateProgramTarget(request));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("subtype", request.subtype()));
  return ChangeProgram(
      context, "AdminService/AddSubtype", request, response,
      [&](pg::Transaction& tx, const std::string& status) -> absl::Status {
        LOYALTY_RETURN_IF_ERROR(RequireNotClosed(status, request.program_id()));
        LOYALTY_ASSIGN_OR_RETURN(const bool inserted,
                                 store::InsertSubtype(tx, request.org_id(), request.program_id(),
                                                      request.subtype(), request.make_default()));
        return inserted ? absl::OkStatus() : AlreadyExists("subtype", request.subtype());
      });
}

}  // namespace loyalty::command
