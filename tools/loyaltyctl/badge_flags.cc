#include "tools/loyaltyctl/badge_flags.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/base/status_macros.h"
#include "tools/loyaltyctl/format.h"

namespace loyalty::ctl {
namespace {

absl::Status Usage(absl::string_view message) { return absl::InvalidArgumentError(message); }

absl::Status LevelError(absl::string_view text, absl::string_view problem) {
  return Usage(
      absl::StrCat("--level '", text, "': ", problem, " (the format is ", kBadgeLevelFormat, ")"));
}

// Exactly one criterion; --window_days and --claw_back only with a spend one.
absl::Status ApplyCriterion(const Flags& flags, v1::BadgeCriterion& criterion) {
  const bool spend_amount = flags.Bool("spend_amount");
  const bool spend_points = flags.Bool("spend_points");
  const bool tenure = flags.Bool("tenure");
  const bool advocacy = flags.Has("advocacy");
  if (static_cast<int>(spend_amount) + static_cast<int>(spend_points) + static_cast<int>(tenure) +
          static_cast<int>(advocacy) !=
      1) {
    return Usage(
        "give exactly one criterion: --spend_amount, --spend_points, --tenure or "
        "--advocacy=ACTION");
  }
  const bool spend = spend_amount || spend_points;
  if (!spend && flags.Has("window_days")) {
    return Usage("--window_days goes with --spend_amount or --spend_points");
  }
  if (!spend && flags.Bool("claw_back")) {
    return Usage(
        "--claw_back goes with --spend_amount or --spend_points (only a return takes back a "
        "level's bonus points)");
  }
  if (spend) {
    v1::SpendCriterion* measure = criterion.mutable_spend();
    measure->set_measure(spend_amount ? v1::SPEND_MEASURE_AMOUNT : v1::SPEND_MEASURE_POINTS);
    measure->set_window_days(flags.Int32("window_days"));
  } else if (tenure) {
    criterion.mutable_tenure();
  } else {
    criterion.mutable_advocacy()->set_action_code(flags.String("advocacy"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::BadgeLevel> ParseBadgeLevel(absl::string_view text) {
  const std::vector<absl::string_view> parts = absl::StrSplit(text, absl::MaxSplits(':', 3));
  if (parts.size() < 2) return LevelError(text, "no THRESHOLD");
  if (parts[0].empty()) return LevelError(text, "the level CODE is empty");
  v1::BadgeLevel level;
  level.set_code(std::string(parts[0]));
  int64_t threshold = 0;
  if (!absl::SimpleAtoi(parts[1], &threshold)) {
    return LevelError(text, absl::StrCat("THRESHOLD must be an integer, got '", parts[1], "'",
                                         parts.size() > 2 ? "; a level CODE cannot hold ':'" : ""));
  }
  level.set_threshold(threshold);
  if (parts.size() > 2 && !parts[2].empty()) {
    int64_t bonus_points = 0;
    if (!absl::SimpleAtoi(parts[2], &bonus_points)) {
      return LevelError(text,
                        absl::StrCat("BONUS_POINTS must be an integer, got '", parts[2], "'"));
    }
    level.mutable_benefit()->set_bonus_points(bonus_points);
  }
  if (parts.size() > 3) level.mutable_benefit()->set_benefit_code(std::string(parts[3]));
  return level;
}

absl::StatusOr<v1::BadgeDefinition> BadgeFromFlags(const Flags& flags) {
  v1::BadgeDefinition badge;
  badge.set_badge_id(flags.String("badge"));
  badge.set_name(flags.String("name"));
  LOYALTY_RETURN_IF_ERROR(ApplyCriterion(flags, *badge.mutable_criterion()));
  const bool claw_back = flags.Bool("claw_back");
  for (const std::string& text : flags.Strings("level")) {
    LOYALTY_ASSIGN_OR_RETURN(v1::BadgeLevel level, ParseBadgeLevel(text));
    if (claw_back) level.mutable_benefit()->set_claw_back_on_reversal(true);
    *badge.add_levels() = std::move(level);
  }
  if (flags.Has("active_from")) {
    LOYALTY_ASSIGN_OR_RETURN(*badge.mutable_active_from(),
                             ParseTimestamp("active_from", flags.String("active_from")));
  }
  if (flags.Has("active_to")) {
    LOYALTY_ASSIGN_OR_RETURN(*badge.mutable_active_to(),
                             ParseTimestamp("active_to", flags.String("active_to")));
  }
  return badge;
}

}  // namespace loyalty::ctl
