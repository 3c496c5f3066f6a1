#pragma once

#include "absl/status/statusor.h"
#include "tools/loyaltyctl/session.h"

namespace loyalty::ctl {

// points commands (CommandService).
absl::StatusOr<int> PointsAccrue(Session& session);
absl::StatusOr<int> PointsAdjust(Session& session);
absl::StatusOr<int> PointsReverse(Session& session);
absl::StatusOr<int> PointsRedeem(Session& session);
absl::StatusOr<int> PointsTransfer(Session& session);
absl::StatusOr<int> PointsReserve(Session& session);
absl::StatusOr<int> PointsCapture(Session& session);
absl::StatusOr<int> PointsVoid(Session& session);
absl::StatusOr<int> PointsCancel(Session& session);

}  // namespace loyalty::ctl
