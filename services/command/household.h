#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "libs/pg/transaction.h"
#include "services/command/catalog.h"
#include "services/command/operation.h"

namespace loyalty::command {

// The household whose qualifying balance the member's qualifying points roll up to at `now`:
// an open membership (start <= now, no end or end > now) with roll-up on. nullopt otherwise.
absl::StatusOr<std::optional<std::string>> RollupHouseholdOf(pg::Transaction& tx,
                                                             const std::string& org_id,
                                                             const std::string& member_id,
                                                             absl::Time now);

// Locks the member (and its roll-up household, in the one lock order) for a command that may
// change qualifying points; returns the household, re-checked under the lock. Raises `*now` as
// LockForCommand does.
absl::StatusOr<std::optional<std::string>> LockMemberAndHousehold(pg::Transaction& tx,
                                                                  const std::string& org_id,
                                                                  const std::string& member_id,
                                                                  absl::Time* now);

// Declares LockMemberAndHousehold's statements for a member that has no roll-up household (the
// usual case) for the transaction's first round trip.
void PrefetchLockMemberAndHousehold(pg::Transaction& tx, const std::string& org_id,
                                    const std::string& member_id, absl::Time now);

// Adds `delta` qualifying points of `point_type` to the household's qualifying balance in
// `program` and moves its tier as for any member. Nothing when the household is not enrolled.
absl::Status RollUpQualifying(pg::Transaction& tx, Operation& operation,
                              const ProgramConfig& program, const std::string& household_id,
                              const std::string& point_type, ledger::Points delta);

}  // namespace loyalty::command
