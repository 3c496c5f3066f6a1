#include "services/command/admin/shared.h"

#include <algorithm>
#include <optional>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/enrolment.h"
#include "libs/ledger/program.h"
#include "libs/ledger/types.h"
#include "libs/store/catalog.h"
#include "libs/store/catalog_writes.h"
#include "libs/store/enrolments.h"
#include "libs/store/member_records.h"
#include "libs/store/operation.h"
#include "libs/store/read_plan.h"
#include "libs/wire/time.h"
#include "services/command/admin/program_rules.h"

namespace loyalty::command {
namespace {

v1::MemberKind MemberKindOf(std::string_view kind) {
  if (kind == kIndividual) return v1::MEMBER_KIND_INDIVIDUAL;
  if (kind == kHousehold) return v1::MEMBER_KIND_HOUSEHOLD;
  return v1::MEMBER_KIND_UNSPECIFIED;
}

v1::MemberStatus MemberStatusOf(std::string_view status) {
  if (status == "active") return v1::MEMBER_STATUS_ACTIVE;
  if (status == "suspended") return v1::MEMBER_STATUS_SUSPENDED;
  if (status == "closed") return v1::MEMBER_STATUS_CLOSED;
  return v1::MEMBER_STATUS_UNSPECIFIED;
}

}  // namespace

absl::Status AlreadyExists(absl::string_view what, absl::string_view id) {
  absl::Status status = absl::AlreadyExistsError(absl::StrCat(what, " '", id, "' already exists"));
  std::string reason = absl::StrCat(absl::AsciiStrToUpper(what), "_ALREADY_EXISTS");
  std::replace(reason.begin(), reason.end(), ' ', '_');
  status.SetPayload(kReasonPayload, absl::Cord(reason));
  return status;
}

std::string EncodeIdPageToken(const std::string& last_id) {
  return absl::WebSafeBase64Escape(last_id);
}

absl::StatusOr<std::string> DecodeIdPageToken(const std::string& token) {
  std::string last_id;
  if (!absl::WebSafeBase64Unescape(token, &last_id) ||
      !rpc::ValidateId("page_token", last_id).ok()) {
    return InvalidField("page_token", "is not a token of this listing");
  }
  return last_id;
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

absl::Status Enrol(pg::Transaction& tx, const std::string& org_id, const std::string& member_id,
                   const std::string& program_id, ledger::ClosedProgram closed, absl::Time now,
                   ledger::ChangeSet* changes) {
  LOYALTY_ASSIGN_OR_RETURN(
      const auto reads,
      store::Load(tx, std::tuple(store::EnrolmentTermsRead{org_id, program_id},
                                 store::EnrolledRead{org_id, member_id, program_id})));
  const auto& [terms, enrolled] = reads;
  LOYALTY_ASSIGN_OR_RETURN(
      ledger::ChangeSet decided,
      ledger::DecideEnrolment(terms, program_id, member_id, enrolled, closed, now));
  for (ledger::Change& change : decided.changes) changes->Add(std::move(change));
  return absl::OkStatus();
}

absl::Status WriteEnrolments(pg::Transaction& tx, const std::string& org_id,
                             const store::Context& context, absl::Time now,
                             const ledger::ChangeSet& enrolments) {
  if (enrolments.changes.empty()) return absl::OkStatus();
  LOYALTY_ASSIGN_OR_RETURN(
      store::Operation operation,
      store::Operation::Begin(tx, org_id, "Enrol", context.caller, context.trace_id, now));
  LOYALTY_RETURN_IF_ERROR(operation.Write(enrolments).status());
  return operation.Commit().status();
}

absl::Status LoadMemberInto(pg::Transaction& tx, const std::string& org_id,
                            const std::string& member_id, absl::Time now, v1::Member* response) {
  LOYALTY_ASSIGN_OR_RETURN(const std::optional<store::MemberRecord> member,
                           store::LoadMemberRecord(tx, org_id, member_id, now));
  if (!member.has_value()) return NotFound("member", member_id);
  response->set_org_id(org_id);
  response->set_member_id(member_id);
  response->set_kind(MemberKindOf(member->kind));
  response->set_status(MemberStatusOf(member->status));
  wire::ToTimestamp(member->created_at, response->mutable_created_at());
  for (const store::MemberRecord::Enrolment& enrolled : member->enrolments) {
    v1::Enrolment* enrolment = response->add_enrolments();
    enrolment->set_program_id(enrolled.program_id);
    enrolment->set_tier(enrolled.tier);
    wire::ToTimestamp(enrolled.enrolled_at, enrolment->mutable_enrolled_at());
    wire::ToTimestamp(enrolled.period_start, enrolment->mutable_period_start());
    wire::ToTimestamp(enrolled.period_end, enrolment->mutable_period_end());
  }
  if (member->household.has_value()) {
    v1::HouseholdMembership* membership = response->mutable_household();
    membership->set_household_id(member->household->household_id);
    wire::ToTimestamp(member->household->start, membership->mutable_start());
    wire::ToOptionalTimestamp(member->household->end, [&] { return membership->mutable_end(); });
    membership->set_rollup(member->household->rollup);
  }
  return absl::OkStatus();
}

}  // namespace loyalty::command
