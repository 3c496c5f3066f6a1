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

// The lowest tier whose threshold is above `qualifying` (the next one to reach), or nullopt.
std::optional<Tier> NextTier(std::span<const Tier> tiers, Points qualifying);

}  // namespace loyalty::ledger
