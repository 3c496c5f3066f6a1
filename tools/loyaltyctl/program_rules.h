#pragma once

#include "absl/status/status.h"
#include "loyalty/v1/admin.pb.h"
#include "tools/loyaltyctl/arguments.h"

namespace loyalty::ctl {

// The rule flags `program create` and `program rules` share.
bool HasRuleFlags(const Flags& flags);

// Overwrites the parts of `rules` the flags name and keeps the rest: --earn_points,
// --earn_per_minor, --ratio_points, --ratio_value_minor, --minimum, --maximum, --multiple_of,
// --overdraft, --overdraft_limit, --hold_days, --period, --period_months.
absl::Status ApplyRuleFlags(const Flags& flags, v1::ProgramRules& rules);

// Rules of a new program before the flags apply: 1 point per 100 minor units, 1 point = 1 minor
// unit, no validations, no overdraft, no hold, calendar-year qualification.
v1::ProgramRules DefaultRules();

}  // namespace loyalty::ctl
