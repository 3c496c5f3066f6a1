#include "libs/base/status_macros.h"
#include "libs/ledger/enrolment.h"
#include "libs/rpc/validate.h"
#include "libs/store/idempotency.h"
#include "libs/store/member_repository.h"
#include "services/command/admin/rpcs.h"
#include "services/command/admin/shared.h"

namespace loyalty::command {

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
