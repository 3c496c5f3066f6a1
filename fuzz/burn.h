#pragma once

#include <optional>

#include "fuzz/ledger_state.h"

namespace loyalty::fuzz {

// What services/command/burn.cc's PlanBurn decides for a burn of `points` by the member of
// `state`, from the same ledger functions, with every invariant checked: the program's
// validations (when `validate_redemption`), the lots of the scope (program p0, or every program
// for a group burn) closest expiry first, the balance and overdraft check (overdraft only when
// `overdraft` and the state allows it), the value at the program's ratio. nullopt when refused;
// else the plan, with `state`'s lots and p0's debt changed as the burn leaves them.
std::optional<ledger::ConsumptionPlan> CheckBurn(LedgerState& state, ledger::Points points,
                                                 bool group, bool validate_redemption,
                                                 bool overdraft);

}  // namespace loyalty::fuzz
