#pragma once

#include "absl/status/statusor.h"
#include "tools/loyaltyctl/session.h"

namespace loyalty::ctl {

// member and household commands (AdminService).
absl::StatusOr<int> MemberCreate(Session& session);
absl::StatusOr<int> MemberShow(Session& session);
absl::StatusOr<int> MemberStatusSet(Session& session);
absl::StatusOr<int> MemberEnrol(Session& session);
absl::StatusOr<int> HouseholdJoin(Session& session);
absl::StatusOr<int> HouseholdLeave(Session& session);
absl::StatusOr<int> HouseholdRollup(Session& session);

}  // namespace loyalty::ctl
