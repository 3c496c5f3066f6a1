#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "libs/ledger/change_set.h"
#include "libs/ledger/types.h"
#include "loyalty/internal/v1/events.pb.h"

namespace loyalty::wire {

// The published kind of a ledger entry.
v1::LedgerEntryKind ToEntryKind(ledger::EntryKind kind);

// "accrual", ... as stored in ledger_entries.kind, and back.
const char* EntryKindName(v1::LedgerEntryKind kind);
v1::LedgerEntryKind EntryKindFromName(absl::string_view name);

// A lot's state as an event records it.
void ToLotState(const std::string& member_id, const ledger::Lot& lot, internal::v1::LotState* out);

// A household contribution as an event records it: the membership's, in the program and period
// of `added`, with `qualifying` its total after the change.
void ToContributionState(const ledger::ContributionAdded& added, ledger::Points qualifying,
                         internal::v1::ContributionState* out);

}  // namespace loyalty::wire
