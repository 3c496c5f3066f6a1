#include "services/command/admin_rule_changes.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/program.h"
#include "libs/rpc/validate.h"
#include "libs/store/catalog.h"
#include "libs/store/catalog_writes.h"
#include "services/command/admin_program_rules.h"
#include "services/command/admin_shared.h"

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
        return InvalidField("tier.threshold",
                            absl::StrCat("another tier of the program has threshold ",
                                         tier.threshold()));
      });
}

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
