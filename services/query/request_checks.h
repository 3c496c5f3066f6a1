#pragma once

#include "absl/status/status.h"
#include "loyalty/v1/query.pb.h"

namespace loyalty::query {

// The checks of every QueryService request that need nothing but the request itself (ids,
// min_position, page size and token, kind filters): INVALID_ARGUMENT naming the field, before
// any wait or read. Pure functions, so the fuzz targets (fuzz/) run them as the handlers do.
absl::Status CheckRequest(const v1::GetBalancesRequest& request);
absl::Status CheckRequest(const v1::ListRedemptionsRequest& request);
absl::Status CheckRequest(const v1::ListLedgerEntriesRequest& request);
absl::Status CheckRequest(const v1::GetTierProgressRequest& request);
absl::Status CheckRequest(const v1::GetHouseholdRequest& request);
absl::Status CheckRequest(const v1::GetPartnerSummaryRequest& request);
absl::Status CheckRequest(const v1::ListConversionsRequest& request);
absl::Status CheckRequest(const v1::ListVouchersRequest& request);
absl::Status CheckRequest(const v1::GetMemberBadgesRequest& request);
absl::Status CheckRequest(const v1::ListBadgesRequest& request);

// At most this many kinds in ListLedgerEntriesRequest.kinds.
inline constexpr int kMaxKindFilters = 16;

}  // namespace loyalty::query
