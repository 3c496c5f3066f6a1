#include "services/command/admin_households.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/rpc/validate.h"
#include "libs/store/idempotency.h"
#include "libs/store/member_repository.h"
#include "libs/wire/time.h"
#include "services/command/admin_shared.h"

namespace loyalty::command {
namespace {

constexpr pg::Statement kSelectMemberKind{
    "admin_select_member_kind",
    "SELECT kind FROM members WHERE org_id = $1 AND member_id = $2"};

// A membership that is open at $3 (now) or overlaps [$4, $5) (NULL $5: open-ended).
constexpr pg::Statement kSelectHouseholdConflict{
    "admin_select_household_conflict",
    "SELECT household_id FROM household_memberships WHERE org_id = $1 AND member_id = $2"
    " AND (end_at IS NULL OR end_at > $3::timestamptz"
    "  OR (start_at < coalesce($5::timestamptz, 'infinity') AND end_at > $4::timestamptz))"
    " LIMIT 1"};

constexpr pg::Statement kInsertHouseholdMembership{
    "admin_insert_household_membership",
    "INSERT INTO household_memberships (org_id, member_id, household_id, start_at, end_at,"
    " rollup) VALUES ($1, $2, $3, $4, $5, $6)"};

// Leaving ends a started membership now and drops one that has not started yet.
constexpr pg::Statement kEndHouseholdMembership{
    "admin_end_household_membership",
    "UPDATE household_memberships SET end_at = $3 WHERE org_id = $1 AND member_id = $2"
    " AND start_at < $3 AND (end_at IS NULL OR end_at > $3) RETURNING 1"};

constexpr pg::Statement kDropHouseholdMembership{
    "admin_drop_household_membership",
    "DELETE FROM household_memberships WHERE org_id = $1 AND member_id = $2 AND start_at >= $3"
    " RETURNING 1"};

constexpr pg::Statement kSetHouseholdRollup{
    "admin_set_household_rollup",
    "UPDATE household_memberships SET rollup = $4 WHERE org_id = $1 AND member_id = $2"
    " AND (end_at IS NULL OR end_at > $3) RETURNING 1"};

}  // namespace

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
        LOYALTY_ASSIGN_OR_RETURN(pg::Result member,
                         tx.Execute(kSelectMemberKind, pg::Params().Add(org_id).Add(member_id)));
        if (member.Text(0, 0) != kIndividual) {
          return InvalidField("member_id", "is a household; only individuals join households");
        }
        LOYALTY_ASSIGN_OR_RETURN(pg::Result household, tx.Execute(kSelectMemberKind,
                                                          pg::Params().Add(org_id).Add(
                                                              household_id)));
        if (household.Rows() == 0) return NotFound("member", household_id);
        if (household.Text(0, 0) != kHousehold) {
          return InvalidField("household_id", "is not a member of kind household");
        }
        pg::Params conflict;
        conflict.Add(org_id).Add(member_id).Add(now).Add(start).Add(end);
        LOYALTY_ASSIGN_OR_RETURN(pg::Result current,
                                 tx.Execute(kSelectHouseholdConflict, conflict));
        if (current.Rows() > 0) {
          return Refused(kAlreadyInHousehold,
                         absl::StrCat("member '", member_id, "' already belongs to household '",
                                      std::string(current.Text(0, 0)), "' at that time"));
        }
        pg::Params params;
        params.Add(org_id).Add(member_id).Add(household_id).Add(start).Add(end)
            .Add(request.rollup());
        LOYALTY_RETURN_IF_ERROR(tx.Execute(kInsertHouseholdMembership, params).status());
        return LoadMemberInto(tx, org_id, member_id, now, response);
      });
}

absl::Status LeaveHousehold(const store::Context& context, const v1::LeaveHouseholdRequest& request,
                            v1::Member* response) {
  LOYALTY_RETURN_IF_ERROR(ValidateMemberTarget(request));
  const absl::Time now = context.clock->Now();
  return store::RunCommand(
      context, "AdminService/LeaveHousehold", request.org_id(), request.idempotency_key(), request,
      response, [&](pg::Transaction& tx) -> absl::Status {
        LOYALTY_RETURN_IF_ERROR(store::LockMembers(tx, request.org_id(), {request.member_id()}));
        pg::Params params;
        params.Add(request.org_id()).Add(request.member_id()).Add(now);
        LOYALTY_ASSIGN_OR_RETURN(pg::Result ended, tx.Execute(kEndHouseholdMembership, params));
        LOYALTY_ASSIGN_OR_RETURN(pg::Result dropped, tx.Execute(kDropHouseholdMembership, params));
        if (ended.Rows() + dropped.Rows() == 0) {
          return Refused(kNotInHousehold, absl::StrCat("member '", request.member_id(),
                                                       "' is not in a household"));
        }
        return LoadMemberInto(tx, request.org_id(), request.member_id(), now, response);
      });
}

absl::Status SetHouseholdRollup(const store::Context& context,
                                const v1::SetHouseholdRollupRequest& request,
                                v1::Member* response) {
  LOYALTY_RETURN_IF_ERROR(ValidateMemberTarget(request));
  const absl::Time now = context.clock->Now();
  return store::RunCommand(
      context, "AdminService/SetHouseholdRollup", request.org_id(), request.idempotency_key(),
      request, response, [&](pg::Transaction& tx) -> absl::Status {
        LOYALTY_RETURN_IF_ERROR(store::LockMembers(tx, request.org_id(), {request.member_id()}));
        pg::Params params;
        params.Add(request.org_id()).Add(request.member_id()).Add(now).Add(request.rollup());
        LOYALTY_ASSIGN_OR_RETURN(pg::Result updated, tx.Execute(kSetHouseholdRollup, params));
        if (updated.Rows() == 0) {
          return Refused(kNotInHousehold, absl::StrCat("member '", request.member_id(),
                                                       "' is not in a household"));
        }
        return LoadMemberInto(tx, request.org_id(), request.member_id(), now, response);
      });
}

}  // namespace loyalty::command
