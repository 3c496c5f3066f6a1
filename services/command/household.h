#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/ledger/household.h"
#include "libs/ledger/program.h"
#include "libs/pg/transaction.h"
#include "libs/store/catalog.h"
#include "libs/store/operation.h"

namespace loyalty::command {

using HouseholdRollup = ledger::HouseholdRollup;

// The membership through which the member's qualifying points roll up at `now`: an open one
// (start <= now, no end or end > now) with roll-up on. nullopt otherwise.
absl::StatusOr<std::optional<HouseholdRollup>> RollupHouseholdOf(pg::Transaction& tx,
                                                                 const std::string& org_id,
                                                                 const std::string& member_id,
                                                                 absl::Time now);

// Locks the member (and its roll-up household, in the one lock order) for a command that may
// change qualifying points; returns the roll-up, re-checked under the lock. Raises `*now` as
// LockForCommand does (and so does LockMemberAndOrderHousehold).
absl::StatusOr<std::optional<HouseholdRollup>> LockMemberAndHousehold(
    pg::Transaction& tx, const std::string& org_id, const std::string& member_id,
    absl::Time* now);

// For a return of the member's order `order_ref` in `program_id`: locks the member and the
// household the order's qualifying points rolled up to (in the one lock order), and returns that
// roll-up, whether or not the membership still rolls up or is still open. nullopt when the order
// rolled up to no household (or is unknown).
absl::StatusOr<std::optional<HouseholdRollup>> LockMemberAndOrderHousehold(
    pg::Transaction& tx, const std::string& org_id, const std::string& member_id,
    const std::string& program_id, const std::string& order_ref, absl::Time* now);

// Declares LockMemberAndHousehold's statements for a member that has no roll-up household (the
// usual case) for the transaction's first round trip.
void PrefetchLockMemberAndHousehold(pg::Transaction& tx, const std::string& org_id,
                                    const std::string& member_id, absl::Time now);

// Declares LockMemberAndOrderHousehold's statements for an order that rolled up to no household
// (the usual case) for the transaction's first round trip.
void PrefetchLockMemberAndOrderHousehold(pg::Transaction& tx, const std::string& org_id,
                                         const std::string& member_id,
                                         const std::string& program_id,
                                         const std::string& order_ref, absl::Time now);

// Rolls `delta` qualifying points of `point_type` of the individual of `rollup` in `program` up
// to its household: loads the household (the caller holds its lock), tracks it, and writes
// ledger::DecideRollUp's changes (see there). Nothing when `delta` is zero.
absl::Status RollUpQualifying(pg::Transaction& tx, store::Operation& operation,
                              const ledger::ProgramConfig& program, const HouseholdRollup& rollup,
                              const std::string& point_type, ledger::Points delta,
                              const std::string& order_ref = "");

}  // namespace loyalty::command
