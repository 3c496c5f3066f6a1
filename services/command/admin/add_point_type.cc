#include <string>

#include "libs/base/status_macros.h"
#include "libs/ledger/program.h"
#include "libs/store/catalog_writes.h"
#include "services/command/admin/program_rules.h"
#include "services/command/admin/rpcs.h"
#include "services/command/admin/shared.h"

namespace loyalty::command {

absl::Status AddPointType(const store::Context& context, const v1::AddPointTypeRequest& request,
                          v1::Program* response) {
  LOYALTY_RETURN_IF_ERROR(ValidateProgramTarget(request));
  LOYALTY_ASSIGN_OR_RETURN(const ledger::PointTypeConfig type,
                           ValidatePointType(request.point_type()));
  return ChangeProgram(
      context, "AdminService/AddPointType", request, response,
      [&](pg::Transaction& tx, const std::string& status) -> absl::Status {
        LOYALTY_RETURN_IF_ERROR(RequireNotClosed(status, request.program_id()));
        LOYALTY_ASSIGN_OR_RETURN(const bool inserted,
                                 store::InsertPointType(tx, request.org_id(), request.program_id(),
                                                        type, request.make_default()));
        return inserted ? absl::OkStatus() : AlreadyExists("point type", type.code);
      });
}

}  // namespace loyalty::command
