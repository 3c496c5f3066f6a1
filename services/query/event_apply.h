#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "libs/pg/transaction.h"
#include "loyalty/v1/events.pb.h"

namespace loyalty::query {

// Applies one outbox event to the view tables inside `tx`: upserts the absolute states of its
// lots, totals and enrolments, inserts its ledger entries and redemption (nothing when already
// there) and marks a cancelled redemption. Idempotent: applying an event twice changes nothing.
// Table names are unqualified, so a rebuild can aim the same statements at scratch tables.
// The writes are deferred (pg::Transaction::Defer): they run with the transaction's next round
// trip.
void ApplyEvent(pg::Transaction& tx, int64_t position, const v1::LedgerEvent& event);

}  // namespace loyalty::query
