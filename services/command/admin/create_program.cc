#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/program.h"
#include "libs/rpc/validate.h"
#include "libs/store/catalog_writes.h"
#include "libs/store/idempotency.h"
#include "services/command/admin/program_rules.h"
#include "services/command/admin/rpcs.h"
#include "services/command/admin/shared.h"

namespace loyalty::command {

absl::Status CreateProgram(const store::Context& context, const v1::CreateProgramRequest& request,
                           v1::Program* response) {
  LOYALTY_RETURN_IF_ERROR(ValidateProgramTarget(request));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateText("name", request.name(), /*required=*/true));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateCurrency("currency", request.currency()));
  ledger::ProgramConfig program;
  LOYALTY_RETURN_IF_ERROR(ValidateRules(request.rules(), &program));
  program.org_id = request.org_id();
  program.program_id = request.program_id();
  program.name = request.name();
  program.currency = request.currency();
  return store::RunCommand(
      context, "AdminService/CreateProgram", program.org_id, request.idempotency_key(), request,
      response, [&](pg::Transaction& tx) -> absl::Status {
        LOYALTY_ASSIGN_OR_RETURN(const bool org_exists, store::OrgExists(tx, program.org_id));
        if (!org_exists) return NotFound("org", program.org_id);
        LOYALTY_ASSIGN_OR_RETURN(const bool inserted,
                                 store::InsertProgram(tx, program, context.clock->Now()));
        if (!inserted) return AlreadyExists("program", program.program_id);
        LOYALTY_RETURN_IF_ERROR(store::ClaimDefaultProgram(tx, program.org_id, program.program_id));
        return LoadProgramInto(tx, program.org_id, program.program_id, response);
      });
}

}  // namespace loyalty::command
