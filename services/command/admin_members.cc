#include "services/command/admin_members.h"

#include <algorithm>
#include <optional>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/enrolment.h"
#include "libs/rpc/validate.h"
#include "libs/store/enrolments.h"
#include "libs/store/idempotency.h"
#include "libs/store/member_records.h"
#include "libs/store/member_repository.h"
#include "libs/store/operation.h"
#include "libs/store/read_plan.h"
#include "libs/wire/time.h"
#include "services/command/admin_shared.h"

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

absl::StatusOr<std::string> MemberStatusText(v1::MemberStatus status) {
  switch (status) {
    case v1::MEMBER_STATUS_ACTIVE: return std::string("active");
    case v1::MEMBER_STATUS_SUSPENDED: return std::string("suspended");
    case v1::MEMBER_STATUS_CLOSED: return std::string("closed");
    default: return InvalidField("status", "must be ACTIVE, SUSPENDED or CLOSED");
  }
}

absl::StatusOr<std::string> MemberKindText(v1::MemberKind kind) {
  switch (kind) {
    case v1::MEMBER_KIND_UNSPECIFIED:
    case v1::MEMBER_KIND_INDIVIDUAL: return std::string(kIndividual);
    case v1::MEMBER_KIND_HOUSEHOLD: return std::string(kHousehold);
    default: return InvalidField("kind", "is not a known member kind");
  }
}

// Decides the enrolment of a member (locked by the caller, or created in this transaction) in a
// program at `now` and adds its changes to `changes`.
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

// Writes the enrolments as an operation of their own, published to the read side (outbox), in
// the transaction that decided them. Nothing when there are none.
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

absl::Status ValidateProgramIds(const v1::CreateMemberRequest& request) {
  if (request.program_ids_size() > kMaxProgramsPerMember) {
    return InvalidField("program_ids", absl::StrCat("holds more than ", kMaxProgramsPerMember,
                                                    " programs"));
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

absl::Status GetMember(const store::Context& context, const v1::GetMemberRequest& request,
                       v1::Member* response) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("member_id", request.member_id()));
  const absl::Time now = context.clock->Now();
  return RunRead(context, [&](pg::Transaction& tx) {
    response->Clear();
    return LoadMemberInto(tx, request.org_id(), request.member_id(), now, response);
  });
}

absl::Status SetMemberStatus(const store::Context& context,
                             const v1::SetMemberStatusRequest& request, v1::Member* response) {
  LOYALTY_RETURN_IF_ERROR(ValidateMemberTarget(request));
  LOYALTY_ASSIGN_OR_RETURN(const std::string status, MemberStatusText(request.status()));
  const absl::Time now = context.clock->Now();
  return store::RunCommand(
      context, "AdminService/SetMemberStatus", request.org_id(), request.idempotency_key(), request,
      response, [&](pg::Transaction& tx) -> absl::Status {
        LOYALTY_ASSIGN_OR_RETURN(
            const bool updated,
            store::SetMemberStatus(tx, request.org_id(), request.member_id(), status));
        if (!updated) return NotFound("member", request.member_id());
        return LoadMemberInto(tx, request.org_id(), request.member_id(), now, response);
      });
}

absl::Status EnrolMember(const store::Context& context, const v1::EnrolMemberRequest& request,
                         v1::Member* response) {
  LOYALTY_RETURN_IF_ERROR(ValidateMemberTarget(request));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("program_id", request.program_id()));
  const absl::Time now = context.clock->Now();
  return store::RunCommand(
      context, "AdminService/EnrolMember", request.org_id(), request.idempotency_key(), request,
      response, [&](pg::Transaction& tx) -> absl::Status {
        LOYALTY_RETURN_IF_ERROR(store::LockMembers(tx, request.org_id(), {request.member_id()}));
        ledger::ChangeSet enrolments;
        LOYALTY_RETURN_IF_ERROR(Enrol(tx, request.org_id(), request.member_id(),
                                      request.program_id(), ledger::ClosedProgram::kRefuse, now,
                                      &enrolments));
        LOYALTY_RETURN_IF_ERROR(WriteEnrolments(tx, request.org_id(), context, now, enrolments));
        return LoadMemberInto(tx, request.org_id(), request.member_id(), now, response);
      });
}

}  // namespace loyalty::command
