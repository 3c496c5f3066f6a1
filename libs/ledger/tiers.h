#pragma once

#include <optional>
#include <span>
#include <string>

#include "libs/ledger/types.h"

namespace loyalty::ledger {

struct Tier {
  std::string code;
  Points threshold = 0;  // qualifying points needed
  int32_t multiplier_permille = 1000;
  bool overdraft_allowed = false;
};

// The highest tier whose threshold `qualifying` meets, or nullopt when none does.
// `tiers` may come in any order.
std::optional<Tier> TierFor(std::span<const Tier> tiers, Points qualifying);

// The tier a member starts in when enrolled: the highest whose threshold zero qualifying points
// meet (the tier of threshold 0), or nullopt (no tier) when every tier asks for more.
std::optional<Tier> TierAtEnrolment(std::span<const Tier> tiers);

// The lowest tier whose threshold is above `qualifying` (the next one to reach), or nullopt.
std::optional<Tier> NextTier(std::span<const Tier> tiers, Points qualifying);

// The tier after this period's qualifying points changed to `qualifying`, or nullopt when it
// stays `current` (a tier code; empty for none). Moves up at once to the highest tier met. Moves
// down only when `current` was reached in this period and `qualifying` fell below its threshold:
// then to the highest tier still met (empty when none). A tier carried over from an earlier
// period never moves down here; the period-end job does that.
std::optional<std::string> TierAfterChange(std::span<const Tier> tiers, const std::string& current,
                                           Points qualifying, bool reached_this_period);

}  // namespace loyalty::ledger
