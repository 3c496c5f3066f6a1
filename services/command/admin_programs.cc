#include "services/command/admin_programs.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/program.h"
#include "libs/ledger/types.h"
#include "libs/rpc/validate.h"
#include "libs/store/catalog.h"
#include "libs/store/idempotency.h"
#include "libs/wire/time.h"
#include "services/command/admin_program_rules.h"

namespace loyalty::command {
namespace {

constexpr pg::Statement kInsertOrg{
    "admin_insert_org",
    "INSERT INTO orgs (org_id, name, created_at) VALUES ($1, $2, $3)"
    " ON CONFLICT DO NOTHING RETURNING 1"};

constexpr pg::Statement kSelectOrg{
    "admin_select_org",
    "SELECT name, coalesce(default_program_id, ''), created_at FROM orgs WHERE org_id = $1"};

constexpr pg::Statement kInsertProgram{
    "admin_insert_program",
    "INSERT INTO programs (org_id, program_id, name, currency, earn_points,"
    " earn_per_amount_minor, ratio_points, ratio_value_minor, redeem_minimum, redeem_maximum,"
    " redeem_multiple_of, overdraft_allowed, overdraft_limit, hold_days, period_kind,"
    " period_months, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
    " ON CONFLICT DO NOTHING RETURNING 1"};

// The org's first program becomes its default; a concurrent second one waits on the row and
// then finds the default taken.
constexpr pg::Statement kClaimDefaultProgram{
    "admin_claim_default_program",
    "UPDATE orgs SET default_program_id = $2 WHERE org_id = $1 AND default_program_id IS NULL"};

constexpr pg::Statement kSetDefaultProgram{
    "admin_set_default_program",
    "UPDATE orgs SET default_program_id = $2 WHERE org_id = $1"};

constexpr pg::Statement kLockProgram{
    "admin_lock_program",
    "SELECT status FROM programs WHERE org_id = $1 AND program_id = $2 FOR UPDATE"};

constexpr pg::Statement kOrgExists{"admin_org_exists",
                                   "SELECT 1 FROM orgs WHERE org_id = $1"};

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

constexpr pg::Statement kSelectReadiness{
    "admin_select_readiness",
    "SELECT EXISTS (SELECT 1 FROM point_types t"
    "   WHERE t.org_id = p.org_id AND t.program_id = p.program_id),"
    " p.default_subtype IS NOT NULL"
    " FROM programs p WHERE p.org_id = $1 AND p.program_id = $2"};

constexpr pg::Statement kSetProgramStatus{
    "admin_set_program_status",
    "UPDATE programs SET status = $3 WHERE org_id = $1 AND program_id = $2"};

// The twelve rule columns, in the order of kInsertProgram ($5..) and kUpdateRules ($3..).
void AddRules(const ledger::ProgramConfig& program, pg::Params& params) {
  params.Add(program.earn_rate.points).Add(program.earn_rate.per_amount_minor)
      .Add(program.ratio.points).Add(program.ratio.value_minor)
      .Add(program.rules.minimum).Add(program.rules.maximum).Add(program.rules.multiple_of)
      .Add(program.overdraft_allowed).Add(program.overdraft_limit).Add(program.hold_days)
      .Add(program.period_kind).Add(program.period_months);
}

// The fields every request that changes one program carries.
template <typename Request>
absl::Status ValidateProgramTarget(const Request& request) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateKey("idempotency_key", request.idempotency_key()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  return rpc::ValidateId("program_id", request.program_id());
}

absl::Status LoadProgramInto(pg::Transaction& tx, const std::string& org_id,
                             const std::string& program_id, v1::Program* response) {
  LOYALTY_ASSIGN_OR_RETURN(ledger::ProgramConfig program,
                           store::LoadProgram(tx, org_id, program_id));
  ToProto(program, response);
  return absl::OkStatus();
}

// ---- Program changes --------------------------------------------------------------------------

// Locks the program row and returns its status; NOT_FOUND names the org when the org is unknown.
absl::StatusOr<std::string> LockProgram(pg::Transaction& tx, const std::string& org_id,
                                        const std::string& program_id) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row,
                   tx.Execute(kLockProgram, pg::Params().Add(org_id).Add(program_id)));
  if (row.Rows() == 1) return std::string(row.Text(0, 0));
  LOYALTY_ASSIGN_OR_RETURN(pg::Result org, tx.Execute(kOrgExists, pg::Params().Add(org_id)));
  return org.Rows() == 0 ? NotFound("org", org_id) : NotFound("program", program_id);
}

absl::Status RequireNotClosed(const std::string& status, const std::string& program_id) {
  if (status != kClosed) return absl::OkStatus();
  return Refused(ledger::kProgramNotActive, absl::StrCat("program '", program_id, "' is closed"));
}

using ProgramChange = std::function<absl::Status(pg::Transaction&, const std::string& status)>;

// Runs `change` once per idempotency key under the program's row lock, then answers the program
// as it is after the change.
template <typename Request>
absl::Status ChangeProgram(const store::Context& context, absl::string_view method,
                           const Request& request, v1::Program* response,
                           const ProgramChange& change) {
  return store::RunCommand(
      context, method, request.org_id(), request.idempotency_key(), request, response,
      [&](pg::Transaction& tx) -> absl::Status {
        LOYALTY_ASSIGN_OR_RETURN(std::string status,
                                 LockProgram(tx, request.org_id(), request.program_id()));
        LOYALTY_RETURN_IF_ERROR(change(tx, status));
        return LoadProgramInto(tx, request.org_id(), request.program_id(), response);
      });
}

// Inserts one rule row (point type, subtype, tier, action); false when its key is taken.
absl::StatusOr<bool> InsertRule(pg::Transaction& tx, const pg::Statement& statement,
                                const pg::Params& params) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx.Execute(statement, params));
  return row.Rows() == 1;
}

std::string EncodePageToken(const std::string& last_program_id) {
  return absl::WebSafeBase64Escape(last_program_id);
}

absl::StatusOr<std::string> DecodePageToken(const std::string& token) {
  std::string last_program_id;
  if (!absl::WebSafeBase64Unescape(token, &last_program_id) ||
      !rpc::ValidateId("page_token", last_program_id).ok()) {
    return InvalidField("page_token", "is not a token of this listing");
  }
  return last_program_id;
}

}  // namespace

absl::Status AlreadyExists(absl::string_view what, absl::string_view id) {
  absl::Status status = absl::AlreadyExistsError(absl::StrCat(what, " '", id, "' already exists"));
  std::string reason = absl::StrCat(absl::AsciiStrToUpper(what), "_ALREADY_EXISTS");
  std::replace(reason.begin(), reason.end(), ' ', '_');
  status.SetPayload(kReasonPayload, absl::Cord(reason));
  return status;
}

absl::Status RunRead(const store::Context& context,
                     const std::function<absl::Status(pg::Transaction&)>& body) {
  return pg::RunInTransaction(*context.pool, pg::Isolation::kRepeatableRead, context.retry, body,
                              context.deadline);
}

absl::Status LoadOrganisation(pg::Transaction& tx, const std::string& org_id,
                              v1::Organisation* response) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx.Execute(kSelectOrg, pg::Params().Add(org_id)));
  if (row.Rows() == 0) return NotFound("org", org_id);
  response->set_org_id(org_id);
  response->set_name(std::string(row.Text(0, 0)));
  response->set_default_program_id(std::string(row.Text(0, 1)));
  wire::ToTimestamp(row.Time(0, 2), response->mutable_created_at());
  return absl::OkStatus();
}

absl::Status CreateOrganisation(const store::Context& context,
                                const v1::CreateOrganisationRequest& request,
                                v1::Organisation* response) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateKey("idempotency_key", request.idempotency_key()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateText("name", request.name(), /*required=*/true));
  return store::RunCommand(
      context, "AdminService/CreateOrganisation", request.org_id(), request.idempotency_key(),
      request, response, [&](pg::Transaction& tx) -> absl::Status {
        pg::Params params;
        params.Add(request.org_id()).Add(request.name()).Add(context.clock->Now());
        LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx.Execute(kInsertOrg, params));
        if (row.Rows() == 0) return AlreadyExists("org", request.org_id());
        return LoadOrganisation(tx, request.org_id(), response);
      });
}

absl::Status GetOrganisation(const store::Context& context,
                             const v1::GetOrganisationRequest& request,
                             v1::Organisation* response) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  return RunRead(context, [&](pg::Transaction& tx) {
    response->Clear();
    return LoadOrganisation(tx, request.org_id(), response);
  });
}

absl::Status CreateProgram(const store::Context& context, const v1::CreateProgramRequest& request,
                           v1::Program* response) {
  LOYALTY_RETURN_IF_ERROR(ValidateProgramTarget(request));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateText("name", request.name(), /*required=*/true));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateCurrency("currency", request.currency()));
  ledger::ProgramConfig program;
  LOYALTY_RETURN_IF_ERROR(ValidateRules(request.rules(), &program));
  const std::string& org_id = request.org_id();
  const std::string& program_id = request.program_id();
  return store::RunCommand(
      context, "AdminService/CreateProgram", org_id, request.idempotency_key(), request, response,
      [&](pg::Transaction& tx) -> absl::Status {
        LOYALTY_ASSIGN_OR_RETURN(pg::Result org, tx.Execute(kOrgExists, pg::Params().Add(org_id)));
        if (org.Rows() == 0) return NotFound("org", org_id);
        pg::Params params;
        params.Add(org_id).Add(program_id).Add(request.name()).Add(request.currency());
        AddRules(program, params);
        params.Add(context.clock->Now());
        LOYALTY_ASSIGN_OR_RETURN(pg::Result inserted, tx.Execute(kInsertProgram, params));
        if (inserted.Rows() == 0) return AlreadyExists("program", program_id);
        LOYALTY_RETURN_IF_ERROR(
            tx.Execute(kClaimDefaultProgram, pg::Params().Add(org_id).Add(program_id)).status());
        return LoadProgramInto(tx, org_id, program_id, response);
      });
}

absl::Status GetProgram(const store::Context& context, const v1::GetProgramRequest& request,
                        v1::Program* response) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("program_id", request.program_id()));
  return RunRead(context, [&](pg::Transaction& tx) {
    response->Clear();
    return LoadProgramInto(tx, request.org_id(), request.program_id(), response);
  });
}

// An org runs a handful of programs: the catalogue reads them all in five queries and the page
// bounds the response. Paging compares ids bytewise here, whatever the database's collation.
absl::Status ListPrograms(const store::Context& context, const v1::ListProgramsRequest& request,
                          v1::ListProgramsResponse* response) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  LOYALTY_RETURN_IF_ERROR(
      rpc::ValidateRange("page_size", request.page_size(), 0, kMaxProgramPageSize));
  const size_t page_size = static_cast<size_t>(
      request.page_size() == 0 ? kDefaultProgramPageSize : request.page_size());
  std::string after;
  if (!request.page_token().empty()) {
    LOYALTY_ASSIGN_OR_RETURN(after, DecodePageToken(request.page_token()));
  }
  return RunRead(context, [&](pg::Transaction& tx) -> absl::Status {
    response->Clear();
    LOYALTY_ASSIGN_OR_RETURN(std::vector<ledger::ProgramConfig> programs,
                             store::LoadPrograms(tx, request.org_id()));
    std::sort(programs.begin(), programs.end(),
              [](const ledger::ProgramConfig& a, const ledger::ProgramConfig& b) {
                return a.program_id < b.program_id;
              });
    auto next = std::upper_bound(
        programs.begin(), programs.end(), after,
        [](const std::string& id, const ledger::ProgramConfig& p) { return id < p.program_id; });
    for (; next != programs.end() && static_cast<size_t>(response->programs_size()) < page_size;
         ++next) {
      ToProto(*next, response->add_programs());
    }
    if (next != programs.end()) {
      response->set_next_page_token(
          EncodePageToken(response->programs(response->programs_size() - 1).program_id()));
    }
    return absl::OkStatus();
  });
}

absl::Status UpdateProgramRules(const store::Context& context,
                                const v1::UpdateProgramRulesRequest& request,
                                v1::Program* response) {
  LOYALTY_RETURN_IF_ERROR(ValidateProgramTarget(request));
  ledger::ProgramConfig rules;
  LOYALTY_RETURN_IF_ERROR(ValidateRules(request.rules(), &rules));
  return ChangeProgram(context, "AdminService/UpdateProgramRules", request, response,
                       [&](pg::Transaction& tx, const std::string& status) -> absl::Status {
                         LOYALTY_RETURN_IF_ERROR(RequireNotClosed(status, request.program_id()));
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

absl::Status ActivateProgram(const store::Context& context,
                             const v1::ProgramLifecycleRequest& request, v1::Program* response) {
  LOYALTY_RETURN_IF_ERROR(ValidateProgramTarget(request));
  return ChangeProgram(
      context, "AdminService/ActivateProgram", request, response,
      [&](pg::Transaction& tx, const std::string& status) -> absl::Status {
        LOYALTY_RETURN_IF_ERROR(RequireNotClosed(status, request.program_id()));
        if (status == kActive) return absl::OkStatus();
        pg::Params params;
        params.Add(request.org_id()).Add(request.program_id());
        LOYALTY_ASSIGN_OR_RETURN(pg::Result ready, tx.Execute(kSelectReadiness, params));
        std::vector<std::string> missing;
        if (!ready.Bool(0, 0)) missing.push_back("a point type");
        if (!ready.Bool(0, 1)) missing.push_back("a default subtype");
        if (!missing.empty()) {
          return Refused(ledger::kProgramNotReady,
                         absl::StrCat("program '", request.program_id(), "' needs ",
                                      absl::StrJoin(missing, " and "), " before activation"));
        }
        params.Add(kActive);
        return tx.Execute(kSetProgramStatus, params).status();
      });
}

absl::Status CloseProgram(const store::Context& context, const v1::ProgramLifecycleRequest& request,
                          v1::Program* response) {
  LOYALTY_RETURN_IF_ERROR(ValidateProgramTarget(request));
  return ChangeProgram(context, "AdminService/CloseProgram", request, response,
                       [&](pg::Transaction& tx, const std::string& status) -> absl::Status {
                         if (status == kClosed) return absl::OkStatus();
                         pg::Params params;
                         params.Add(request.org_id()).Add(request.program_id()).Add(kClosed);
                         return tx.Execute(kSetProgramStatus, params).status();
                       });
}

absl::Status SetDefaultProgram(const store::Context& context,
                               const v1::ProgramLifecycleRequest& request,
                               v1::Organisation* response) {
  LOYALTY_RETURN_IF_ERROR(ValidateProgramTarget(request));
  return store::RunCommand(
      context, "AdminService/SetDefaultProgram", request.org_id(), request.idempotency_key(),
      request, response, [&](pg::Transaction& tx) -> absl::Status {
        LOYALTY_ASSIGN_OR_RETURN(std::string status,
                                 LockProgram(tx, request.org_id(), request.program_id()));
        LOYALTY_RETURN_IF_ERROR(RequireNotClosed(status, request.program_id()));
        pg::Params params;
        params.Add(request.org_id()).Add(request.program_id());
        LOYALTY_RETURN_IF_ERROR(tx.Execute(kSetDefaultProgram, params).status());
        return LoadOrganisation(tx, request.org_id(), response);
      });
}

}  // namespace loyalty::command
