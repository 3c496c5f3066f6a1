#include <string>

#include "libs/base/status_macros.h"
#include "libs/store/catalog_writes.h"
#include "services/command/admin/program_rules.h"
#include "services/command/admin/rpcs.h"
#include "services/command/admin/shared.h"

namespace loyalty::command {

absl::Status AddAction(const store::Context& context, const v1::AddActionRequest& request,
                       v1::Program* response) {
  LOYALTY_RETURN_IF_ERROR(ValidateProgramTarget(request));
  LOYALTY_RETURN_IF_ERROR(ValidateAction(request.action()));
  const v1::Action& action = request.action();
  return ChangeProgram(
      context, "AdminService/AddAction", request, response,
      [&](pg::Transaction& tx, const std::string& status) -> absl::Status {
        LOYALTY_RETURN_IF_ERROR(RequireNotClosed(status, request.program_id()));
        LOYALTY_ASSIGN_OR_RETURN(
            const bool inserted,
            store::InsertAction(tx, request.org_id(), request.program_id(),
                                {action.code(), action.points(), action.per_member_limit()}));
        return inserted ? absl::OkStatus() : AlreadyExists("action", action.code());
      });
}

}  // namespace loyalty::command
