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
#include "libs/store/catalog_writes.h"
#include "libs/store/idempotency.h"
#include "libs/wire/time.h"
#include "services/command/admin_program_rules.h"
#include "services/command/admin_shared.h"

namespace loyalty::command {
namespace {

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
  LOYALTY_ASSIGN_OR_RETURN(const std::optional<store::OrgRow> org, store::LoadOrg(tx, org_id));
  if (!org.has_value()) return NotFound("org", org_id);
  response->set_org_id(org_id);
  response->set_name(org->name);
  response->set_default_program_id(org->default_program_id);
  wire::ToTimestamp(org->created_at, response->mutable_created_at());
  return absl::OkStatus();
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
  LOYALTY_ASSIGN_OR_RETURN(const std::optional<std::string> status,
                           store::LockProgramStatus(tx, org_id, program_id));
  if (status.has_value()) return *status;
  LOYALTY_ASSIGN_OR_RETURN(const bool org_exists, store::OrgExists(tx, org_id));
  return org_exists ? NotFound("program", program_id) : NotFound("org", org_id);
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
        LOYALTY_ASSIGN_OR_RETURN(
            const bool inserted,
            store::InsertOrg(tx, request.org_id(), request.name(), context.clock->Now()));
        if (!inserted) return AlreadyExists("org", request.org_id());
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
        LOYALTY_RETURN_IF_ERROR(
            store::SetDefaultProgram(tx, request.org_id(), request.program_id()));
        return LoadOrganisation(tx, request.org_id(), response);
      });
}

}  // namespace loyalty::command
