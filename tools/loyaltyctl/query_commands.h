#pragma once

#include "absl/status/statusor.h"
#include "tools/loyaltyctl/session.h"

namespace loyalty::ctl {

// balances, tier, redemptions and history (QueryService at --query_target).
absl::StatusOr<int> QueryBalances(Session& session);
absl::StatusOr<int> QueryTier(Session& session);
absl::StatusOr<int> QueryRedemptions(Session& session);
absl::StatusOr<int> QueryHistory(Session& session);

}  // namespace loyalty::ctl
