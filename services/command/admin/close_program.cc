#include "libs/base/status_macros.h"
#include "libs/store/catalog_writes.h"
#include "services/command/admin/program_rules.h"
#include "services/command/admin/rpcs.h"
#include "services/command/admin/shared.h"

namespace loyalty::command {

absl::Status CloseProgram(const store::Context& context, const v1::ProgramLifecycleRequest& request,
                          v1::Program* response) {
  LOYALTY_RETURN_IF_ERROR(ValidateProgramTarget(request));
  return ChangeProgram(context, "AdminService/CloseProgram", request, response,
                       [&](pg::Transaction& tx, const std::string& status) -> absl::Status {
                         if (status == kClosed) return absl::OkStatus();
                         return store::SetProgramStatus(tx, request.org_id(), request.program_id(),
                                                        kClosed);
                       });
}

}  // namespace loyalty::command
