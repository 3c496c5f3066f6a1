#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "libs/ledger/types.h"

namespace loyalty::ledger {

// Running totals kept per (member, program, point type), changed by the same SQL transaction as
// the lots: they cannot be derived from the remaining lots alone.
struct PointTotals {
  std::string program_id;
  std::string point_type;
  Points lifetime = 0;    // all awarded, pending included, minus reversals
  Points qualifying = 0;  // tier-counting points of the current period, net of reversals
};

struct ExpiringSoon {
  absl::Time at;       // the earliest expires_at > now among lots with remaining points
  Points points = 0;   // remaining that expires then
};

struct PointTypeBalance {
  std::string point_type;
  Points available = 0;  // free points of spendable lots (see IsSpendable)
  Points held = 0;       // held by open reservations, in lots not yet expired
  Points pending = 0;    // remaining of lots with available_at > now
  Points lifetime = 0;
  Points qualifying = 0;
  std::optional<ExpiringSoon> expiring;
};

struct ProgramBalance {
  std::string program_id;
  Points available = 0;  // sum of the types' available minus debt (may be negative)
  Points held = 0;
  Points pending = 0;
  Points lifetime = 0;
  Points qualifying = 0;
  Points debt = 0;       // outstanding negative balance, >= 0
  std::optional<ExpiringSoon> expiring;  // over all types
  std::vector<PointTypeBalance> point_types;  // sorted by point_type
};

struct ProgramDebt {
  std::string program_id;
  Points debt = 0;
};

// Balances at `now`, one per program present in `lots`, `totals` or `debts`, sorted by
// program id; within each, one row per point type present in `lots` or `totals`.
std::vector<ProgramBalance> ComputeBalances(std::span<const Lot> lots,
                                            std::span<const PointTotals> totals,
                                            std::span<const ProgramDebt> debts, absl::Time now);

// The group balance: the sum of the programs' available points (SPEC 2.1).
Points GroupAvailable(std::span<const ProgramBalance> programs);

}  // namespace loyalty::ledger
