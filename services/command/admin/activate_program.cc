#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/types.h"
#include "libs/store/catalog_writes.h"
#include "services/command/admin/program_rules.h"
#include "services/command/admin/rpcs.h"
#include "services/command/admin/shared.h"

namespace loyalty::command {

absl::Status ActivateProgram(const store::Context& context,
                             const v1::ProgramLifecycleRequest& request, v1::Program* response) {
  LOYALTY_RETURN_IF_ERROR(ValidateProgramTarget(request));
  return ChangeProgram(
      context, "AdminService/ActivateProgram", request, response,
      [&](pg::Transaction& tx, const std::string& status) -> absl::Status {
        LOYALTY_RETURN_IF_ERROR(RequireNotClosed(status, request.program_id()));
        if (status == kActive) return absl::OkStatus();
        LOYALTY_ASSIGN_OR_RETURN(
            const store::ProgramReadiness ready,
            store::LoadProgramReadiness(tx, request.org_id(), request.program_id()));
        std::vector<std::string> missing;
        if (!ready.has_point_type) missing.push_back("a point type");
        if (!ready.has_default_subtype) missing.push_back("a default subtype");
        if (!missing.empty()) {
          return Refused(ledger::kProgramNotReady,
                         absl::StrCat("program '", request.program_id(), "' needs ",
                                      absl::StrJoin(missing, " and "), " before activation"));
        }
        return store::SetProgramStatus(tx, request.org_id(), request.program_id(), kActive);
      });
}

}  // namespace loyalty::command
