#include "services/command/admin_rule_changes.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/program.h"
#include "libs/rpc/validate.h"
#include "libs/store/catalog.h"
#include "services/command/admin_program_rules.h"
#include "services/command/admin_shared.h"

namespace loyalty::command {
namespace {

constexpr pg::Statement kUpdateRules{
    "admin_update_rules",
    "UPDATE programs SET earn_points = $3, earn_per_amount_minor = $4, ratio_points = $5,"
    " ratio_value_minor = $6, redeem_minimum = $7, redeem_maximum = $8,"
    " redeem_multiple_of = $9, overdraft_allowed = $10, overdraft_limit = $11, hold_days = $12,"
    " period_kind = $13, period_months = $14 WHERE org_id = $1 AND program_id = $2"};

constexpr pg::Statement kInsertPointType{
    "admin_insert_point_type",
    "INSERT INTO point_types (org_id, program_id, code, redeemable, counts_toward_tier,"
    " expiry_kind, expiry_days) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    " ON CONFLICT DO NOTHING RETURNING 1"};

constexpr pg::Statement kSetDefaultPointType{
    "admin_set_default_point_type",
    "UPDATE programs SET default_point_type = $3"
    " WHERE org_id = $1 AND program_id = $2 AND ($4 OR default_point_type IS NULL)"};

constexpr pg::Statement kInsertSubtype{
    "admin_insert_subtype",
    "INSERT INTO subtypes (org_id, program_id, code) VALUES ($1, $2, $3)"
    " ON CONFLICT DO NOTHING RETURNING 1"};

constexpr pg::Statement kSetDefaultSubtype{
    "admin_set_default_subtype",
    "UPDATE programs SET default_subtype = $3"
    " WHERE org_id = $1 AND program_id = $2 AND ($4 OR default_subtype IS NULL)"};

constexpr pg::Statement kInsertTier{
    "admin_insert_tier",
    "INSERT INTO tiers (org_id, program_id, code, threshold, multiplier_permille,"
    " overdraft_allowed) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING 1"};

constexpr pg::Statement kTierCodeExists{
    "admin_tier_code_exists",
    "SELECT 1 FROM tiers WHERE org_id = $1 AND program_id = $2 AND code = $3"};

constexpr pg::Statement kInsertAction{
    "admin_insert_action",
    "INSERT INTO actions (org_id, program_id, code, points, per_member_limit)"
    " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1"};

// Inserts one rule row (point type, subtype, tier, action); false when its key is taken.
absl::StatusOr<bool> InsertRule(pg::Transaction& tx, const pg::Statement& statement,
                                const pg::Params& params) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx.Execute(statement, params));
  return row.Rows() == 1;
}

}  // namespace

absl::Status UpdateProgramRules(const store::Context& context,
                                const v1::UpdateProgramRulesRequest& request,
                                v1::Program* response) {
  LOYALTY_RETURN_IF_ERROR(ValidateProgramTarget(request));
  ledger::ProgramConfig rules;
  LOYALTY_RETURN_IF_ERROR(ValidateRules(request.rules(), &rules));
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
                         pg::Params params;
                         params.Add(request.org_id()).Add(request.program_id());
                         AddRules(rules, params);
                         return tx.Execute(kUpdateRules, params).status();
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
        pg::Params params;
        params.Add(request.org_id()).Add(request.program_id()).Add(type.code)
            .Add(type.redeemable).Add(type.counts_toward_tier)
            .Add(ExpiryKindText(type.expiry.kind)).Add(type.expiry.days);
        LOYALTY_ASSIGN_OR_RETURN(const bool inserted, InsertRule(tx, kInsertPointType, params));
        if (!inserted) return AlreadyExists("point type", type.code);
        pg::Params set_default;
        set_default.Add(request.org_id()).Add(request.program_id()).Add(type.code)
            .Add(request.make_default());
        return tx.Execute(kSetDefaultPointType, set_default).status();
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
        pg::Params params;
        params.Add(request.org_id()).Add(request.program_id()).Add(request.subtype());
        LOYALTY_ASSIGN_OR_RETURN(const bool inserted, InsertRule(tx, kInsertSubtype, params));
        if (!inserted) return AlreadyExists("subtype", request.subtype());
        params.Add(request.make_default());
        return tx.Execute(kSetDefaultSubtype, params).status();
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
        pg::Params params;
        params.Add(request.org_id()).Add(request.program_id()).Add(tier.code())
            .Add(tier.threshold()).Add(tier.multiplier_permille()).Add(tier.overdraft_allowed());
        LOYALTY_ASSIGN_OR_RETURN(const bool inserted, InsertRule(tx, kInsertTier, params));
        if (inserted) return absl::OkStatus();
        // Either the code or the threshold is taken.
        pg::Params code;
        code.Add(request.org_id()).Add(request.program_id()).Add(tier.code());
        LOYALTY_ASSIGN_OR_RETURN(pg::Result taken, tx.Execute(kTierCodeExists, code));
        if (taken.Rows() > 0) return AlreadyExists("tier", tier.code());
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
        pg::Params params;
        params.Add(request.org_id()).Add(request.program_id()).Add(action.code())
            .Add(action.points()).Add(action.per_member_limit());
        LOYALTY_ASSIGN_OR_RETURN(const bool inserted, InsertRule(tx, kInsertAction, params));
        return inserted ? absl::OkStatus() : AlreadyExists("action", action.code());
      });
}

}  // namespace loyalty::command
