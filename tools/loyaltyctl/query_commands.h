#pragma once

#include "absl/status/statusor.h"
#include "tools/loyaltyctl/session.h"

namespace loyalty::ctl {

// balances, tier, redemptions, history and partner programs (QueryService at --query_target).
absl::StatusOr<int> QueryBalances(Session& session);
absl::StatusOr<int> QueryTier(Session& session);
absl::StatusOr<int> QueryRedemptions(Session& session);
absl::StatusOr<int> QueryHistory(Session& session);
// partners, conversions and vouchers (docs/partners.md).
absl::StatusOr<int> QueryPartners(Session& session);
absl::StatusOr<int> QueryConversions(Session& session);
absl::StatusOr<int> QueryVouchers(Session& session);

}  // namespace loyalty::ctl
