#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "loyalty/v1/badge.pb.h"
#include "tools/loyaltyctl/arguments.h"

namespace loyalty::ctl {

// The --level format of `badge define`.
inline constexpr absl::string_view kBadgeLevelFormat =
    "CODE:THRESHOLD[:BONUS_POINTS[:BENEFIT_CODE]]";

// One --level value, CODE:THRESHOLD[:BONUS_POINTS[:BENEFIT_CODE]] ("gold:50000:500:LOUNGE"): the
// level code (no ':' in it; the benefit code, last, may hold ':'), its threshold, its bonus points
// (empty or absent: 0) and its benefit code (absent: none). A usage error naming --level
// otherwise. Whether the values are allowed (threshold > 0, codes' characters) is the platform's
// to say.
absl::StatusOr<v1::BadgeLevel> ParseBadgeLevel(absl::string_view text);

// The definition `badge define` sends: --badge, --name, exactly one criterion (--spend_amount or
// --spend_points [--window_days=N], --tenure, --advocacy=ACTION), the --level values in the order
// given, --claw_back on every level (spend badges only), --active_from, --active_to.
absl::StatusOr<v1::BadgeDefinition> BadgeFromFlags(const Flags& flags);

}  // namespace loyalty::ctl
