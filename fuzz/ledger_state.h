#pragma once

#include <fuzzer/FuzzedDataProvider.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "libs/ledger/balances.h"
#include "libs/ledger/consumption.h"
#include "libs/ledger/dates.h"
#include "libs/ledger/earn.h"
#include "libs/ledger/redemption_rules.h"
#include "libs/ledger/tiers.h"
#include "libs/ledger/types.h"

namespace loyalty::fuzz {

// The programs and point types fuzz-chosen state uses ("p0" is the pricing program).
inline constexpr const char* kPrograms[] = {"p0", "p1"};
inline constexpr const char* kPointTypes[] = {"base", "bonus"};
inline constexpr size_t kMaxLots = 16;

// A member and its program, as the platform can hold them: every value within the bounds the
// AdminService and CommandService enforce (libs/ledger/limits.h, services/command/
// admin/program_rules.cc), every lot within 0 <= held <= remaining <= amount, the lots of one
// member summing to at most kMaxBalancePoints.
struct LedgerState {
  absl::Time now;
  std::vector<ledger::Lot> lots;
  std::vector<ledger::PointTotals> totals;
  std::vector<ledger::ProgramDebt> debts;
  std::vector<ledger::Tier> tiers;
  std::string current_tier;
  bool reached_this_period = false;
  ledger::EarnRate earn_rate;
  ledger::RedemptionRatio ratio;
  ledger::RedemptionRules rules;
  bool overdraft_allowed = false;
  ledger::Points overdraft_limit = 0;
  int32_t hold_days = 0;
  ledger::ExpiryPolicy expiry;
  ledger::Points action_points = 1;

  ledger::Points DebtOf(const std::string& program_id) const;
};

LedgerState ConsumeState(FuzzedDataProvider& data);

// A time within the years 1970..9999, as a validated Timestamp can hold.
absl::Time ConsumeTime(FuzzedDataProvider& data);

// Checks a consumption plan of `points` over `lots` at `now`: every take > 0 and within its
// lot's free points, each lot taken at most once and only when spendable, takes + shortfall ==
// points, closest expiry first (never-expiring last), and a shortfall only when every spendable
// lot was emptied.
void CheckPlan(const std::vector<ledger::Lot>& lots, const ledger::ConsumptionPlan& plan,
               ledger::Points points, absl::Time now);

// The lots after the plan's takes.
std::vector<ledger::Lot> ApplyPlan(std::vector<ledger::Lot> lots,
                                   const ledger::ConsumptionPlan& plan);

// ComputeBalances, checked against a plain recount of the lots and totals: per program and
// point type, available is the free points of spendable lots, pending the remaining of lots not
// yet available, and the program's available the types' sum minus its debt.
std::vector<ledger::ProgramBalance> CheckedBalances(const LedgerState& state,
                                                    const std::vector<ledger::Lot>& lots);

// The lots of `program_id` (every program when empty).
std::vector<ledger::Lot> LotsOf(const std::vector<ledger::Lot>& lots,
                                const std::string& program_id);

}  // namespace loyalty::fuzz
