#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/ledger/change_set.h"
#include "libs/ledger/member.h"
#include "libs/ledger/program.h"
#include "libs/ledger/types.h"

namespace loyalty::ledger {

// Reason code of a second cancellation of a redemption.
inline constexpr char kAlreadyCancelled[] = "ALREADY_CANCELLED";

// A redemption as read for its cancellation.
struct RedemptionRecord {
  std::string program_id;  // the pricing program
  Points points = 0;
  Points overdraft_points = 0;
  bool cancelled = false;
  std::vector<LotTake> lots;  // what it took from each lot, by lot id, with the lot's expiry
};

struct Cancellation {
  Points points_restored = 0;  // given back to lots that have not expired, and the overdraft
  Points points_expired = 0;   // given back to lots that expired since: expired at once
  // The lots restored, one cancellation entry per program and point type restored, then per
  // type expired a cancellation and an expiry entry (net zero); the overdraft given back (debt
  // repaid first, the rest a new lot); the member marked active where lots were restored; the
  // redemption marked cancelled.
  ChangeSet changes;
};

// Decides the cancellation of redemption `redemption_id` (`redemption`: as read, nullopt when
// the member has none: NOT_FOUND; ALREADY_CANCELLED once cancelled) of `member`, read under its
// lock, in `program` (the redemption's pricing program) at `now`.
absl::StatusOr<Cancellation> DecideCancel(int64_t redemption_id,
                                          const std::optional<RedemptionRecord>& redemption,
                                          const ProgramConfig& program, const MemberState& member,
                                          absl::Time now);

}  // namespace loyalty::ledger
