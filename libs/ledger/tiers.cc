#include "libs/ledger/tiers.h"

namespace loyalty::ledger {

// On equal thresholds the first tier in `tiers` wins, in both functions.

std::optional<Tier> TierFor(std::span<const Tier> tiers, Points qualifying) {
  const Tier* best = nullptr;
  for (const Tier& tier : tiers) {
    if (tier.threshold > qualifying) continue;
    if (best == nullptr || tier.threshold > best->threshold) best = &tier;
  }
  if (best == nullptr) return std::nullopt;
  return *best;
}

std::optional<Tier> NextTier(std::span<const Tier> tiers, Points qualifying) {
  const Tier* next = nullptr;
  for (const Tier& tier : tiers) {
    if (tier.threshold <= qualifying) continue;
    if (next == nullptr || tier.threshold < next->threshold) next = &tier;
  }
  if (next == nullptr) return std::nullopt;
  return *next;
}

}  // namespace loyalty::ledger
