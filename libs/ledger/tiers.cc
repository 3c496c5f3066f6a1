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

std::optional<Tier> TierAtEnrolment(std::span<const Tier> tiers) { return TierFor(tiers, 0); }

std::optional<Tier> NextTier(std::span<const Tier> tiers, Points qualifying) {
  const Tier* next = nullptr;
  for (const Tier& tier : tiers) {
    if (tier.threshold <= qualifying) continue;
    if (next == nullptr || tier.threshold < next->threshold) next = &tier;
  }
  if (next == nullptr) return std::nullopt;
  return *next;
}

std::optional<std::string> TierAfterChange(std::span<const Tier> tiers, const std::string& current,
                                           Points qualifying, bool reached_this_period) {
  const Tier* current_tier = nullptr;
  for (const Tier& tier : tiers) {
    if (tier.code == current) current_tier = &tier;
  }
  const std::optional<Tier> met = TierFor(tiers, qualifying);
  const Points current_threshold = current_tier != nullptr ? current_tier->threshold : -1;
  if (met.has_value() && met->threshold > current_threshold) return met->code;
  const bool fell_below = current_tier != nullptr && qualifying < current_tier->threshold;
  if (fell_below && reached_this_period) return met.has_value() ? met->code : std::string();
  return std::nullopt;
}

}  // namespace loyalty::ledger
