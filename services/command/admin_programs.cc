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
#include "services/command/admin_shared.h"

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

constexpr pg::Statement kSelectReadiness{
    "admin_select_readiness",
    "SELECT EXISTS (SELECT 1 FROM point_types t"
    "   WHERE t.org_id = p.org_id AND t.program_id = p.program_id),"
    " p.default_subtype IS NOT NULL"
    " FROM programs p WHERE p.org_id = $1 AND p.program_id = $2"};

constexpr pg::Statement kSetProgramStatus{
    "admin_set_program_status",
    "UPDATE programs SET status = $3 WHERE org_id = $1 AND program_id = $2"};

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

void AddRules(const ledger::ProgramConfig& program, pg::Params& params) {
  params.Add(program.earn_rate.points).Add(program.earn_rate.per_amount_minor)
      .Add(program.ratio.points).Add(program.ratio.value_minor)
      .Add(program.rules.minimum).Add(program.rules.maximum).Add(program.rules.multiple_of)
      .Add(program.overdraft_allowed).Add(program.overdraft_limit).Add(program.hold_days)
      .Add(program.period_kind).Add(program.period_months);
}

absl::Status LoadProgramInto(pg::Transaction& tx, const std::string& org_id,
                             const std::string& program_id, v1::Program* response) {
  LOYALTY_ASSIGN_OR_RETURN(ledger::ProgramConfig program,
                           store::LoadProgram(tx, org_id, program_id));
  ToProto(program, response);
  return absl::OkStatus();
}

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
