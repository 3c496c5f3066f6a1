#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/ledger/consumption.h"
#include "libs/ledger/member.h"
#include "libs/ledger/program.h"
#include "libs/ledger/types.h"

namespace loyalty::ledger {

// Where a burn may take points from, and whose rules price it: one program, or all programs of
// the org priced by the default (group) program.
struct BurnScope {
  std::vector<ProgramConfig> programs;  // programs whose lots may be spent (active ones)
  ProgramConfig pricing;                // the program whose ratio and validations apply
  bool group = false;
};

struct BurnRules {
  bool validate_redemption = true;  // program min / max / multiple-of (redemptions only)
  bool allow_overdraft = false;     // the pricing program's overdraft rule may apply
};

// Points of a burn in one program.
struct ProgramPoints {
  std::string program_id;
  Points points = 0;

  bool operator==(const ProgramPoints&) const = default;
};

struct BurnPlan {
  ConsumptionPlan consumption;         // lots to take; shortfall becomes debt (overdraft)
  std::vector<ProgramPoints> breakup;  // by program id; the shortfall charged to pricing's
  int64_t value_minor = 0;             // value of the points at the pricing ratio
};

// Points by program (by program id): the lots taken, and the shortfall charged to
// `charged_program_id`.
std::vector<ProgramPoints> BreakupByProgram(const ConsumptionPlan& consumption,
                                            const std::string& charged_program_id);

// Decides a burn of `points` by `member` at `now`: validations, then closest-expiry-first lot
// order across the scope, then the balance check (INSUFFICIENT_POINTS unless an allowed overdraft
// covers it), then the value (POINTS_LIMIT_EXCEEDED past the money bound).
absl::StatusOr<BurnPlan> PlanBurn(const BurnScope& scope, const MemberState& member, Points points,
                                  absl::Time now, const BurnRules& rules);

}  // namespace loyalty::ledger
