#pragma once

#include <string>

#include "libs/ledger/burn.h"
#include "libs/ledger/change_set.h"

namespace loyalty::ledger {

// Adds the changes of a planned burn by `member_id`: the plan's lots consumed (in its order),
// one `kind` ledger entry per program and point type (by program id, then point type; the
// shortfall charged to the pricing program's default type), then per program of the breakup the
// enrolment marked active, the pricing program's owing the shortfall as debt.
void AddBurnChanges(const BurnScope& scope, const std::string& member_id, const BurnPlan& plan,
                    EntryKind kind, const std::string& order_ref, const std::string& description,
                    ChangeSet* changes);

}  // namespace loyalty::ledger
