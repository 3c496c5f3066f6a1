#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/ledger/change_set.h"
#include "libs/ledger/member.h"
#include "libs/ledger/program.h"
#include "libs/ledger/types.h"

namespace loyalty::ledger {

// Points to take back, in total so far, once `cumulative_returned_minor` of an order of
// `original_amount_minor` has been returned: floor(original_points * cumulative / original),
// exact, with cumulative capped at the original amount. The points of one more partial return are
// this value minus what earlier returns already took, so repeated returns never drift and a full
// return takes exactly original_points. Requires original_amount_minor > 0.
Points CumulativeClawback(Points original_points, int64_t original_amount_minor,
                          int64_t cumulative_returned_minor);

// An order as it earned, and what its returns took back so far.
struct PurchaseRecord {
  std::string point_type;
  int64_t amount_minor = 0;
  std::string currency;
  Points points = 0;
  int64_t returned_minor = 0;
  Points reversed_points = 0;
  absl::Time recorded_at;  // when the order earned
};

// A return of an order: an amount returned now, or nullopt for the whole order.
struct ReturnCommand {
  std::string order_ref;
  std::optional<int64_t> returned_minor;
  std::string currency;  // of returned_minor
};

// Free points of one of the order's own lots, in lot id order.
struct OrderLot {
  int64_t lot_id = 0;
  Points free = 0;
};

struct Reversal {
  int64_t cumulative_returned_minor = 0;
  Points points = 0;           // taken back now (the ledger entry's points are -(taken + debt))
  std::vector<LotTake> takes;  // from the order's own lots, free points only
  Points taken = 0;
  Points debt = 0;                  // what the lots no longer hold (redeemable types only)
  Points qualifying = 0;            // this period's qualifying points added (<= 0)
  std::optional<std::string> tier;  // the member's tier when it moves
  // The lots taken, then (points > 0) the reversal entry and the totals lowered, the debt and
  // tier, and the order's cumulative return.
  ChangeSet changes;
};

// Decides a return of `purchase` (nullopt: the member's order is unknown, NOT_FOUND) by `member`
// (read under its lock; NOT_ENROLLED unless enrolled in `program`):
// CumulativeClawback of the cumulative amount returned, minus what earlier returns took; the
// order's own lots give their free points first, what they lack becomes debt (qualifying-only
// points are never spent, so nothing is owed for them); a tier reached this period may move down.
// INVALID_ARGUMENT on returned_amount.currency when it is not the order's.
absl::StatusOr<Reversal> DecideReversal(const ProgramConfig& program, const MemberState& member,
                                        const std::optional<PurchaseRecord>& purchase,
                                        const ReturnCommand& command,
                                        const std::vector<OrderLot>& order_lots);

}  // namespace loyalty::ledger
