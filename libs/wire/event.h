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

// What a purchase, a return or an action added to the member's badge measures.
void ToMeasureDelta(const ledger::PurchaseRecorded& purchase, absl::Time at,
                    internal::v1::MeasureDelta* out);
void ToMeasureDelta(const ledger::PurchaseReturned& returned, internal::v1::MeasureDelta* out);
void ToMeasureDelta(const ledger::ActionCounted& action, internal::v1::MeasureDelta* out);

}  // namespace loyalty::wire
