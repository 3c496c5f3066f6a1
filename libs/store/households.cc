#include "libs/store/households.h"

#include <vector>

#include "libs/base/status_macros.h"
#include "libs/store/member_repository.h"

namespace loyalty::store {
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

using Rollup = std::optional<ledger::HouseholdRollup>;

pg::Params RollupParams(const HouseholdLock& lock) {
  return pg::Params().Add(lock.org_id).Add(lock.member_id).Add(lock.now);
}

pg::Params OrderParams(const OrderHouseholdLock& lock) {
  return pg::Params().Add(lock.org_id).Add(lock.member_id).Add(lock.program_id).Add(lock.order_ref);
}

absl::StatusOr<Rollup> RollupOf(pg::Transaction& tx, const pg::Statement& statement,
                                const pg::Params& params, const std::string& member_id) {
  LOYALTY_ASSIGN_OR_RETURN(pg::Result row, tx.Execute(statement, params));
  if (row.Rows() == 0 || row.IsNull(0, 0)) return std::nullopt;
  return ledger::HouseholdRollup{member_id, std::string(row.Text(0, 0)), row.Time(0, 1)};
}

// The household looked up before the lock and again under it, and the raised `now`.
struct LookedUp {
  Rollup before;
  Rollup locked;
  absl::Time now;
};

// Looks the household up, locks the member and that household in the one lock order, and looks
// it up again under the lock.
absl::StatusOr<LookedUp> LookUpAndLock(pg::Transaction& tx, const pg::Statement& look_up,
                                       const pg::Params& params, const std::string& org_id,
                                       const std::string& member_id, absl::Time now) {
  LookedUp result;
  LOYALTY_ASSIGN_OR_RETURN(result.before, RollupOf(tx, look_up, params, member_id));
  std::vector<std::string> members = {member_id};
  if (result.before.has_value()) members.push_back(result.before->household_id);
  LOYALTY_ASSIGN_OR_RETURN(result.now, (MemberLock{org_id, members, now}.Load(tx)));
  LOYALTY_ASSIGN_OR_RETURN(result.locked, RollupOf(tx, look_up, params, member_id));
  return result;
}

// The look-up, the lock, the look-up again under the lock: the statements of both locks.
void DeclareLookUpAndLock(pg::Transaction& tx, const pg::Statement& look_up,
                          const pg::Params& params, const std::string& org_id,
                          const std::string& member_id, absl::Time now) {
  tx.Prefetch(look_up, params);
  MemberLock{org_id, {member_id}, now}.Declare(tx);
  tx.Prefetch(look_up, params);
}

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

void HouseholdLock::Declare(pg::Transaction& tx) const {
  DeclareLookUpAndLock(tx, kSelectRollupHousehold, RollupParams(*this), org_id, member_id, now);
}

absl::StatusOr<LockedMember> HouseholdLock::Load(pg::Transaction& tx) const {
  LOYALTY_ASSIGN_OR_RETURN(
      const LookedUp household,
      LookUpAndLock(tx, kSelectRollupHousehold, RollupParams(*this), org_id, member_id, now));
  // Memberships change only under the member's lock, so `locked` is final. If it changed
  // between the look-up and the lock, the new household is not locked: roll up to none this
  // once rather than break the lock order (the membership changed at that very moment).
  if (household.locked != household.before) return LockedMember{std::nullopt, household.now};
  return LockedMember{household.locked, household.now};
}

void OrderHouseholdLock::Declare(pg::Transaction& tx) const {
  DeclareLookUpAndLock(tx, kSelectOrderHousehold, OrderParams(*this), org_id, member_id, now);
}

absl::StatusOr<LockedMember> OrderHouseholdLock::Load(pg::Transaction& tx) const {
  // An order's roll-up is written once, by its accrual, under the member's lock: looked up again
  // under it in case that accrual committed while this waited.
  LOYALTY_ASSIGN_OR_RETURN(
      const LookedUp household,
      LookUpAndLock(tx, kSelectOrderHousehold, OrderParams(*this), org_id, member_id, now));
  if (household.locked.has_value() && household.locked != household.before) {
    // Out of the lock order, at most once per order; a deadlock is retried as a conflict.
    LOYALTY_RETURN_IF_ERROR(LockMembers(tx, org_id, {household.locked->household_id}));
  }
  return LockedMember{household.locked, household.now};
}

absl::StatusOr<std::optional<std::string>> ConflictingHousehold(pg::Transaction& tx,
                                                                const std::string& org_id,
                                                                const std::string& member_id,
                                                                absl::Time now, absl::Time start,
                                                                std::optional<absl::Time> end) {
  pg::Params params;
  params.Add(org_id).Add(member_id).Add(now).Add(start).Add(end);
  LOYALTY_ASSIGN_OR_RETURN(pg::Result current, tx.Execute(kSelectHouseholdConflict, params));
  if (current.Rows() == 0) return std::nullopt;
  return std::string(current.Text(0, 0));
}

absl::Status InsertMembership(pg::Transaction& tx, const std::string& org_id,
                              const std::string& member_id, const std::string& household_id,
                              absl::Time start, std::optional<absl::Time> end, bool rollup) {
  pg::Params params;
  params.Add(org_id).Add(member_id).Add(household_id).Add(start).Add(end).Add(rollup);
  return tx.Execute(kInsertHouseholdMembership, params).status();
}

absl::StatusOr<bool> EndMembership(pg::Transaction& tx, const std::string& org_id,
                                   const std::string& member_id, absl::Time now) {
  pg::Params params;
  params.Add(org_id).Add(member_id).Add(now);
  LOYALTY_ASSIGN_OR_RETURN(pg::Result ended, tx.Execute(kEndHouseholdMembership, params));
  LOYALTY_ASSIGN_OR_RETURN(pg::Result dropped, tx.Execute(kDropHouseholdMembership, params));
  return ended.Rows() + dropped.Rows() > 0;
}

absl::StatusOr<bool> SetMembershipRollup(pg::Transaction& tx, const std::string& org_id,
                                         const std::string& member_id, absl::Time now,
                                         bool rollup) {
  pg::Params params;
  params.Add(org_id).Add(member_id).Add(now).Add(rollup);
  LOYALTY_ASSIGN_OR_RETURN(pg::Result updated, tx.Execute(kSetHouseholdRollup, params));
  return updated.Rows() > 0;
}

}  // namespace loyalty::store
