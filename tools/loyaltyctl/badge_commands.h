#pragma once

#include "absl/status/statusor.h"
#include "tools/loyaltyctl/session.h"

namespace loyalty::ctl {

// Badges (docs/badges.md): definitions (AdminService) and the list of a program's badges
// (QueryService). A member's badges are part of `member show`.
absl::StatusOr<int> BadgeDefine(Session& session);
absl::StatusOr<int> BadgeShow(Session& session);
absl::StatusOr<int> BadgeList(Session& session);

}  // namespace loyalty::ctl
