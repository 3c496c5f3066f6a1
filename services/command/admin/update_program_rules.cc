#include <string>

#include "libs/base/status_macros.h"
#include "libs/ledger/program.h"
#include "libs/store/catalog.h"
#include "libs/store/catalog_writes.h"
#include "services/command/admin/program_rules.h"
#include "services/command/admin/rpcs.h"
#include "services/command/admin/shared.h"

namespace loyalty::command {

absl::Status UpdateProgramRules(const store::Context& context,
                                const v1::UpdateProgramRulesRequest& request,
                                v1::Program* response) {
  LOYALTY_RETURN_IF_ERROR(ValidateProgramTarget(request));
  ledger::ProgramConfig rules;
  LOYALTY_RETURN_IF_ERROR(ValidateRules(request.rules(), &rules));
  rules.org_id = request.org_id();
  rules.program_id = request.program_id();
  LOYALTY_RETURN_IF_ERROR(ValidateEtag(request.etag()));
  return ChangeProgram(context, "AdminService/UpdateProgramRules", request, response,
                       [&](pg::Transaction& tx, const std::string& status) -> absl::Status {
                         LOYALTY_RETURN_IF_ERROR(RequireNotClosed(status, request.program_id()));
                         if (!request.etag().empty()) {
                           // Under the program's row lock: no update can come in between.
                           LOYALTY_ASSIGN_OR_RETURN(
                               const ledger::ProgramConfig current,
                               store::LoadProgram(tx, request.org_id(), request.program_id()));
                           LOYALTY_RETURN_IF_ERROR(CheckRulesEtag(request.etag(), current));
                         }
                         return store::UpdateProgramRules(tx, rules);
                       });
}

}  // namespace loyalty::command
