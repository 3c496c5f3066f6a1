#include <string>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/store/catalog_writes.h"
#include "services/command/admin/program_rules.h"
#include "services/command/admin/rpcs.h"
#include "services/command/admin/shared.h"

namespace loyalty::command {

absl::Status AddTier(const store::Context& context, const v1::AddTierRequest& request,
                     v1::Program* response) {
  LOYALTY_RETURN_IF_ERROR(ValidateProgramTarget(request));
  LOYALTY_RETURN_IF_ERROR(ValidateTier(request.tier()));
  const v1::Tier& tier = request.tier();
  return ChangeProgram(
      context, "AdminService/AddTier", request, response,
      [&](pg::Transaction& tx, const std::string& status) -> absl::Status {
        LOYALTY_RETURN_IF_ERROR(RequireNotClosed(status, request.program_id()));
        LOYALTY_ASSIGN_OR_RETURN(
            const bool inserted,
            store::InsertTier(tx, request.org_id(), request.program_id(),
                              {tier.code(), tier.threshold(), tier.multiplier_permille(),
                               tier.overdraft_allowed()}));
        if (inserted) return absl::OkStatus();
        // Either the code or the threshold is taken.
        LOYALTY_ASSIGN_OR_RETURN(
            const bool code_taken,
            store::TierCodeExists(tx, request.org_id(), request.program_id(), tier.code()));
        if (code_taken) return AlreadyExists("tier", tier.code());
        return InvalidField(
            "tier.threshold",
            absl::StrCat("another tier of the program has threshold ", tier.threshold()));
      });
}

}  // namespace loyalty::command
