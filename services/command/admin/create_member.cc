#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/enrolment.h"
#include "libs/rpc/validate.h"
#include "libs/store/idempotency.h"
#include "libs/store/member_records.h"
#include "services/command/admin/rpcs.h"
#include "services/command/admin/shared.h"

namespace loyalty::command {
namespace {

absl::StatusOr<std::string> MemberKindText(v1::MemberKind kind) {
  switch (kind) {
    case v1::MEMBER_KIND_UNSPECIFIED:
    case v1::MEMBER_KIND_INDIVIDUAL:
      return std::string(kIndividual);
    case v1::MEMBER_KIND_HOUSEHOLD:
      return std::string(kHousehold);
    default:
      return InvalidField("kind", "is not a known member kind");
  }
}

absl::Status ValidateProgramIds(const v1::CreateMemberRequest& request) {
  if (request.program_ids_size() > kMaxProgramsPerMember) {
    return InvalidField("program_ids",
                        absl::StrCat("holds more than ", kMaxProgramsPerMember, " programs"));
  }
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < request.program_ids_size(); ++i) {
    const std::string field = absl::StrCat("program_ids[", i, "]");
    LOYALTY_RETURN_IF_ERROR(rpc::ValidateId(field, request.program_ids(i)));
    if (!seen.insert(request.program_ids(i)).second) {
      return InvalidField(field, "names a program twice");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CreateMember(const store::Context& context, const v1::CreateMemberRequest& request,
                          v1::Member* response) {
  LOYALTY_RETURN_IF_ERROR(ValidateMemberTarget(request));
  LOYALTY_ASSIGN_OR_RETURN(const std::string kind, MemberKindText(request.kind()));
  LOYALTY_RETURN_IF_ERROR(ValidateProgramIds(request));
  const std::string& org_id = request.org_id();
  const std::string& member_id = request.member_id();
  const absl::Time now = context.clock->Now();
  return store::RunCommand(
      context, "AdminService/CreateMember", org_id, request.idempotency_key(), request, response,
      [&](pg::Transaction& tx) -> absl::Status {
        v1::Organisation org;
        LOYALTY_RETURN_IF_ERROR(LoadOrganisation(tx, org_id, &org));
        LOYALTY_ASSIGN_OR_RETURN(const bool inserted,
                                 store::InsertMember(tx, org_id, member_id, kind, now));
        if (!inserted) return AlreadyExists("member", member_id);
        ledger::ChangeSet enrolments;
        for (const std::string& program_id : request.program_ids()) {
          LOYALTY_RETURN_IF_ERROR(Enrol(tx, org_id, member_id, program_id,
                                        ledger::ClosedProgram::kRefuse, now, &enrolments));
        }
        // No program named: the org's default, unless it is closed.
        if (request.program_ids().empty() && !org.default_program_id().empty()) {
          LOYALTY_RETURN_IF_ERROR(Enrol(tx, org_id, member_id, org.default_program_id(),
                                        ledger::ClosedProgram::kSkip, now, &enrolments));
        }
        LOYALTY_RETURN_IF_ERROR(WriteEnrolments(tx, org_id, context, now, enrolments));
        return LoadMemberInto(tx, org_id, member_id, now, response);
      });
}

}  // namespace loyalty::command
