#pragma once

#include "absl/status/statusor.h"
#include "tools/loyaltyctl/session.h"

namespace loyalty::ctl {

// org, program, point-type, subtype, tier and action commands (AdminService).
absl::StatusOr<int> OrgCreate(Session& session);
absl::StatusOr<int> OrgShow(Session& session);
absl::StatusOr<int> ProgramCreate(Session& session);
absl::StatusOr<int> ProgramShow(Session& session);
absl::StatusOr<int> ProgramList(Session& session);
absl::StatusOr<int> ProgramActivate(Session& session);
absl::StatusOr<int> ProgramClose(Session& session);
absl::StatusOr<int> ProgramSetDefault(Session& session);
absl::StatusOr<int> ProgramRulesUpdate(Session& session);
absl::StatusOr<int> PointTypeAdd(Session& session);
absl::StatusOr<int> SubtypeAdd(Session& session);
absl::StatusOr<int> TierAdd(Session& session);
absl::StatusOr<int> ActionAdd(Session& session);

}  // namespace loyalty::ctl
