#pragma once

#include <cstdint>

#include "libs/ledger/types.h"

namespace loyalty::ledger {

// Points to take back, in total so far, once `cumulative_returned_minor` of an order of
// `original_amount_minor` has been returned: floor(original_points * cumulative / original),
// exact, with cumulative capped at the original amount. The points of one more partial return are
// this value minus what earlier returns already took, so repeated returns never drift and a full
// return takes exactly original_points. Requires original_amount_minor > 0.
Points CumulativeClawback(Points original_points, int64_t original_amount_minor,
                          int64_t cumulative_returned_minor);

}  // namespace loyalty::ledger
