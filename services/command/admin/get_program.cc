#include "libs/base/status_macros.h"
#include "libs/rpc/validate.h"
#include "services/command/admin/rpcs.h"
#include "services/command/admin/shared.h"

namespace loyalty::command {

absl::Status GetProgram(const store::Context& context, const v1::GetProgramRequest& request,
                        v1::Program* response) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("program_id", request.program_id()));
  return RunRead(context, [&](pg::Transaction& tx) {
    response->Clear();
    return LoadProgramInto(tx, request.org_id(), request.program_id(), response);
  });
}

}  // namespace loyalty::command
