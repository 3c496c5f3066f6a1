#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/ledger/household.h"
#include "libs/ledger/program.h"
#include "libs/pg/transaction.h"
#include "libs/store/operation.h"

namespace loyalty::command {

// Rolls `delta` qualifying points of `point_type` of the individual of `rollup` in `program` up
// to its household: loads the household (the caller holds its lock), tracks it, and writes
// ledger::DecideRollUp's changes (see there). Nothing when `delta` is zero.
absl::Status RollUpQualifying(pg::Transaction& tx, store::Operation& operation,
                              const ledger::ProgramConfig& program,
                              const ledger::HouseholdRollup& rollup, const std::string& point_type,
                              ledger::Points delta, const std::string& order_ref = "");

}  // namespace loyalty::command
