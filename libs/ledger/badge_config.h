#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "libs/ledger/types.h"

namespace loyalty::ledger {

// A badge of a program (docs/badges.md), as ProgramConfig holds it: what it measures and its
// levels.

enum class BadgeCriterion { kSpendAmount, kSpendPoints, kTenure, kAdvocacy };
// As stored: "spend_amount", "spend_points", "tenure", "advocacy".
const char* BadgeCriterionName(BadgeCriterion criterion);
std::optional<BadgeCriterion> BadgeCriterionFromName(std::string_view name);

inline constexpr int32_t kMaxBadgeLevels = 20;
inline constexpr int32_t kMaxBadgeWindowDays = 366;
inline constexpr int32_t kMaxBadgesPerProgram = 100;
inline constexpr Points kMaxBadgeBonusPoints = 1'000'000'000;
inline constexpr int64_t kMaxTenureMonths = 1200;  // a tenure threshold: 100 years

struct BadgeLevel {
  std::string code;
  std::string name;
  int64_t threshold = 0;  // > 0, ascending across a badge's levels
  Points bonus_points = 0;
  std::string bonus_point_type;  // empty: the program's default
  std::string benefit_code;
  bool claw_back = false;  // spend badges: a return below the threshold takes the bonus back
};

struct Badge {
  std::string badge_id;
  std::string name;
  BadgeCriterion criterion = BadgeCriterion::kSpendAmount;
  int32_t window_days = 0;  // spend: 0 lifetime, else the last N UTC days (today included)
  std::string action_code;  // advocacy
  absl::Time active_from;
  std::optional<absl::Time> active_to;  // excluded
  int32_t version = 1;
  absl::Time updated_at;
  std::vector<BadgeLevel> levels;  // numbered from 1, by ascending threshold

  bool ActiveAt(absl::Time at) const;
  bool IsSpend() const;
};

}  // namespace loyalty::ledger
