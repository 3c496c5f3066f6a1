#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/ledger/household.h"
#include "libs/pg/transaction.h"

namespace loyalty::store {

// A member locked for a command that may change its qualifying points, with the household they
// roll up to (locked too, in the one lock order), and the raised `now` (see LockForCommand).
struct LockedMember {
  std::optional<ledger::HouseholdRollup> household;
  absl::Time now;
};

// Locks the member and the household its qualifying points roll up to at `now`: an open
// membership (start <= now, no end or end > now) with roll-up on, re-checked under the lock.
// A read (libs/store/read_plan.h), declared for a member of no household (the usual case).
struct HouseholdLock {
  using Value = LockedMember;
  const std::string& org_id;
  const std::string& member_id;
  absl::Time now;

  void Declare(pg::Transaction& tx) const;
  absl::StatusOr<LockedMember> Load(pg::Transaction& tx) const;
};

// For a return of the member's order `order_ref` in `program_id`: locks the member and the
// household the order's qualifying points rolled up to, whether or not the membership still
// rolls up or is still open (none when the order rolled up to no household, or is unknown).
// A read, declared for an order of no household (the usual case).
struct OrderHouseholdLock {
  using Value = LockedMember;
  const std::string& org_id;
  const std::string& member_id;
  const std::string& program_id;
  const std::string& order_ref;
  absl::Time now;

  void Declare(pg::Transaction& tx) const;
  absl::StatusOr<LockedMember> Load(pg::Transaction& tx) const;
};

// ---- memberships: the admin service's writes ----------------------------------------------

// The household of a membership of the member that is open at `now` (no end, or an end after it)
// or overlaps [start, end) (nullopt end: open-ended); nullopt when there is none.
absl::StatusOr<std::optional<std::string>> ConflictingHousehold(pg::Transaction& tx,
                                                                const std::string& org_id,
                                                                const std::string& member_id,
                                                                absl::Time now, absl::Time start,
                                                                std::optional<absl::Time> end);

absl::Status InsertMembership(pg::Transaction& tx, const std::string& org_id,
                              const std::string& member_id, const std::string& household_id,
                              absl::Time start, std::optional<absl::Time> end, bool rollup);

// Ends the member's started membership at `now` and drops one that has not started yet; false
// when the member had neither.
absl::StatusOr<bool> EndMembership(pg::Transaction& tx, const std::string& org_id,
                                   const std::string& member_id, absl::Time now);

// Turns roll-up on or off on the member's membership open at `now` or later; false when none.
absl::StatusOr<bool> SetMembershipRollup(pg::Transaction& tx, const std::string& org_id,
                                         const std::string& member_id, absl::Time now, bool rollup);

}  // namespace loyalty::store
