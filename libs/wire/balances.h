#pragma once

#include <string>

#include "absl/time/time.h"
#include "libs/ledger/member.h"
#include "libs/ledger/program.h"
#include "loyalty/v1/common.pb.h"

namespace loyalty::wire {

// The member's balances at `now`; the group value uses the default program's ratio and currency.
void ToBalances(const ledger::MemberState& member, absl::Time now,
                const ledger::GroupValuation& valuation, v1::Balances* balances);

// The member's tier in `program_id` as the balances show it ("" when not enrolled or no tiers).
std::string TierIn(const v1::Balances& balances, const std::string& program_id);

}  // namespace loyalty::wire
