#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/rpc/validate.h"
#include "libs/store/households.h"
#include "libs/store/idempotency.h"
#include "libs/store/member_records.h"
#include "libs/store/member_repository.h"
#include "libs/wire/time.h"
#include "services/command/admin/rpcs.h"
#include "services/command/admin/shared.h"

namespace loyalty::command {

absl::Status JoinHousehold(const store::Context& context, const v1::JoinHouseholdRequest& request,
                           v1::Member* response) {
  LOYALTY_RETURN_IF_ERROR(ValidateMemberTarget(request));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("household_id", request.household_id()));
  const absl::Time now = context.clock->Now();
  absl::Time start = now;
  if (request.has_start()) {
    LOYALTY_RETURN_IF_ERROR(rpc::ValidateTimestamp("start", request.start()));
    start = wire::FromTimestamp(request.start());
  }
  std::optional<absl::Time> end;
  if (request.has_end()) {
    LOYALTY_RETURN_IF_ERROR(rpc::ValidateTimestamp("end", request.end()));
    end = wire::FromTimestamp(request.end());
    if (*end <= start) return InvalidField("end", "must be after start");
  }
  const std::string& org_id = request.org_id();
  const std::string& member_id = request.member_id();
  const std::string& household_id = request.household_id();
  return store::RunCommand(
      context, "AdminService/JoinHousehold", org_id, request.idempotency_key(), request, response,
      [&](pg::Transaction& tx) -> absl::Status {
        LOYALTY_RETURN_IF_ERROR(store::LockMembers(tx, org_id, {member_id}));
        LOYALTY_ASSIGN_OR_RETURN(const std::optional<std::string> member_kind,
                                 store::LoadMemberKind(tx, org_id, member_id));
        if (member_kind != kIndividual) {
          return InvalidField("member_id", "is a household; only individuals join households");
        }
        LOYALTY_ASSIGN_OR_RETURN(const std::optional<std::string> household_kind,
                                 store::LoadMemberKind(tx, org_id, household_id));
        if (!household_kind.has_value()) return NotFound("member", household_id);
        if (*household_kind != kHousehold) {
          return InvalidField("household_id", "is not a member of kind household");
        }
        LOYALTY_ASSIGN_OR_RETURN(
            const std::optional<std::string> current,
            store::ConflictingHousehold(tx, org_id, member_id, now, start, end));
        if (current.has_value()) {
          return Refused(kAlreadyInHousehold,
                         absl::StrCat("member '", member_id, "' already belongs to household '",
                                      *current, "' at that time"));
        }
        LOYALTY_RETURN_IF_ERROR(store::InsertMembership(tx, org_id, member_id, household_id, start,
                                                        end, request.rollup()));
        return LoadMemberInto(tx, org_id, member_id, now, response);
      });
}

}  // namespace loyalty::command
