#include "libs/ledger/limits.h"

#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"

namespace loyalty::ledger {
namespace {

__extension__ typedef __int128 Int128;

struct ProgramSums {
  Int128 remaining = 0;
  Int128 lifetime = 0;
  Int128 qualifying = 0;
};

bool Within(Int128 value) { return value >= -kMaxBalancePoints && value <= kMaxBalancePoints; }

}  // namespace

absl::Status Exceeded(absl::string_view what, const std::string& program_id) {
  return Refused(kPointsLimitExceeded, absl::StrCat("the ", what, " in program '", program_id,
                                                    "' would pass ", kMaxBalancePoints,
                                                    " points"));
}

absl::Status CheckBalanceLimits(std::span<const Lot> lots, std::span<const PointTotals> totals,
                                std::span<const ProgramDebt> debts) {
  std::map<std::string, ProgramSums> programs;
  for (const Lot& lot : lots) programs[lot.program_id].remaining += lot.remaining;
  for (const PointTotals& total : totals) {
    if (!WithinBalanceLimit(total.lifetime)) return Exceeded("lifetime points", total.program_id);
    if (!WithinBalanceLimit(total.qualifying)) {
      return Exceeded("qualifying points", total.program_id);
    }
    ProgramSums& sums = programs[total.program_id];
    sums.lifetime += total.lifetime;
    sums.qualifying += total.qualifying;
  }
  for (const auto& [program_id, sums] : programs) {
    if (!Within(sums.remaining)) return Exceeded("balance", program_id);
    if (!Within(sums.lifetime)) return Exceeded("lifetime points", program_id);
    if (!Within(sums.qualifying)) return Exceeded("qualifying points", program_id);
  }
  for (const ProgramDebt& debt : debts) {
    if (!WithinBalanceLimit(debt.debt)) return Exceeded("debt", debt.program_id);
  }
  return absl::OkStatus();
}

}  // namespace loyalty::ledger
