#pragma once

#include <span>
#include <string>

#include "libs/ledger/change_set.h"
#include "libs/ledger/types.h"

namespace loyalty::ledger {

// The expiry of the member's lots `expired`: those the store found expired at the job's time
// (past their expiry date, or of a type that expires on inactivity in a program the member has
// been inactive in for the type's days). Each lot's free points are consumed, in the order given
// (points held by a reservation expire once it is resolved), then one expiry ledger entry
// ("expired") per program and point type, by program id then point type.
ChangeSet DecideExpiry(const std::string& member_id, std::span<const Lot> expired);

}  // namespace loyalty::ledger
