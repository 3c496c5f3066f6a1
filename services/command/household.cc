#include "services/command/household.h"

#include <string>
#include <vector>

#include "libs/base/status_macros.h"
#include "libs/ledger/household.h"
#include "libs/ledger/member.h"
#include "libs/ledger/program.h"
#include "libs/store/member_repository.h"

namespace loyalty::command {
namespace {

constexpr pg::Statement kSelectRollupHousehold{
    "household_select_rollup",
    "SELECT household_id, start_at FROM household_memberships WHERE org_id = $1"
    " AND member_id = $2 AND start_at <= $3 AND (end_at IS NULL OR end_at > $3) AND rollup"
    " ORDER BY start_at DESC LIMIT 1"};

// The membership an order's qualifying points rolled up through (NULLs when none).
constexpr pg::Statement kSelectOrderHousehold{
    "household_select_order_rollup",
    "SELECT rollup_household_id, rollup_membership_start FROM purchases WHERE org_id = $1"
    " AND member_id = $2 AND program_id = $3 AND order_ref = $4"};

std::optional<HouseholdRollup> RollupOf(const pg::Result& row, const std::string& member_id) {
  if (row.Rows() == 0 || row.IsNull(0, 0)) return std::nullopt;
  return HouseholdRollup{member_id, std::string(row.Text(0, 0)), row.Time(0, 1)};
}

pg::Params OrderParams(const std::string& org_id, const std::string& member_id,
                       const std::string& program_id, const std::string& order_ref) {
  return pg::Params().Add(org_id).Add(member_id).Add(program_id).Add(order_ref);
}

absl::StatusOr<std::optional<HouseholdRollup>> OrderHouseholdOf(
    pg::Transaction& tx, const std::string& org_id, const std::string& member_id,
    const std::string& program_id, const std::string& order_ref) {
  LOYALTY_ASSIGN_OR_RETURN(
      pg::Result row,
      tx.Execute(kSelectOrderHousehold, OrderParams(org_id, member_id, program_id, order_ref)));
  return RollupOf(row, member_id);
}

// Locks the member and the household of `rollup` (none when nullopt) in the one lock order.
absl::Status LockWith(pg::Transaction& tx, const std::string& org_id,
                      const std::string& member_id, const std::optional<HouseholdRollup>& rollup,
                      absl::Time* now) {
  std::vector<std::string> members = {member_id};
  if (rollup.has_value()) members.push_back(rollup->household_id);
  return store::LockForCommand(tx, org_id, members, now);
}

}  // namespace

absl::StatusOr<std::optional<HouseholdRollup>> RollupHouseholdOf(pg::Transaction& tx,
                                                                 const std::string& org_id,
                                                                 const std::string& member_id,
                                                                 absl::Time now) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx.Execute(kSelectRollupHousehold,
                                              pg::Params().Add(org_id).Add(member_id).Add(now)));
  return RollupOf(row, member_id);
}

void PrefetchLockMemberAndHousehold(pg::Transaction& tx, const std::string& org_id,
                                    const std::string& member_id, absl::Time now) {
  const pg::Params household = pg::Params().Add(org_id).Add(member_id).Add(now);
  tx.Prefetch(kSelectRollupHousehold, household);
  store::PrefetchLockForCommand(tx, org_id, member_id, now);
  tx.Prefetch(kSelectRollupHousehold, household);
}

absl::StatusOr<std::optional<HouseholdRollup>> LockMemberAndHousehold(
    pg::Transaction& tx, const std::string& org_id, const std::string& member_id,
    absl::Time* now) {
  const absl::Time asked = *now;  // the time the statements were prefetched with
  LOYALTY_ASSIGN_OR_RETURN(std::optional<HouseholdRollup> household,
                   RollupHouseholdOf(tx, org_id, member_id, asked));
  LOYALTY_RETURN_IF_ERROR(LockWith(tx, org_id, member_id, household, now));
  LOYALTY_ASSIGN_OR_RETURN(std::optional<HouseholdRollup> locked,
                   RollupHouseholdOf(tx, org_id, member_id, asked));
  // Memberships change only under the member's lock, so `locked` is final. If it changed
  // between the look-up and the lock, the new household is not locked: roll up to none this
  // once rather than break the lock order (the membership changed at that very moment).
  if (locked != household) return std::nullopt;
  return locked;
}

void PrefetchLockMemberAndOrderHousehold(pg::Transaction& tx, const std::string& org_id,
                                         const std::string& member_id,
                                         const std::string& program_id,
                                         const std::string& order_ref, absl::Time now) {
  const pg::Params order = OrderParams(org_id, member_id, program_id, order_ref);
  tx.Prefetch(kSelectOrderHousehold, order);
  store::PrefetchLockForCommand(tx, org_id, member_id, now);
  tx.Prefetch(kSelectOrderHousehold, order);
}

absl::StatusOr<std::optional<HouseholdRollup>> LockMemberAndOrderHousehold(
    pg::Transaction& tx, const std::string& org_id, const std::string& member_id,
    const std::string& program_id, const std::string& order_ref, absl::Time* now) {
  LOYALTY_ASSIGN_OR_RETURN(std::optional<HouseholdRollup> household,
                   OrderHouseholdOf(tx, org_id, member_id, program_id, order_ref));
  LOYALTY_RETURN_IF_ERROR(LockWith(tx, org_id, member_id, household, now));
  // An order's roll-up is written once, by its accrual, under the member's lock: read again
  // under it in case that accrual committed while this waited.
  LOYALTY_ASSIGN_OR_RETURN(std::optional<HouseholdRollup> locked,
                   OrderHouseholdOf(tx, org_id, member_id, program_id, order_ref));
  if (locked.has_value() && locked != household) {
    // Out of the lock order, at most once per order; a deadlock is retried as a conflict.
    LOYALTY_RETURN_IF_ERROR(store::LockMembers(tx, org_id, {locked->household_id}));
  }
  return locked;
}

absl::Status RollUpQualifying(pg::Transaction& tx, store::Operation& operation,
                              const ledger::ProgramConfig& program, const HouseholdRollup& rollup,
                              const std::string& point_type, ledger::Points delta,
                              const std::string& order_ref) {
  if (delta == 0) return absl::OkStatus();
  LOYALTY_ASSIGN_OR_RETURN(ledger::MemberState household,
                           store::LoadMember(tx, program.org_id, rollup.household_id));
  operation.Track(household);
  return operation
      .Write(ledger::DecideRollUp(program, household, rollup, point_type, delta, order_ref))
      .status();
}

}  // namespace loyalty::command
