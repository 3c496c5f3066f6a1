#pragma once

#include <optional>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "loyalty/v1/query.pb.h"
#include "services/query/read_views.h"

namespace loyalty::query {

// The use cases behind the RPCs. Each validates its request (INVALID_ARGUMENT naming the field),
// waits for min_position until `deadline`, and reads the views in one transaction.
absl::Status GetBalances(const QueryContext& context, const v1::GetBalancesRequest& request,
                         absl::Time deadline, v1::GetBalancesResponse* response);
// GetBalances' answer when it needs neither a wait nor the database: a refused request, or a
// balance cache hit at min_position. Never blocks, so gRPC's own thread may call it; nullopt
// when GetBalances must run.
std::optional<absl::Status> GetBalancesAtOnce(const QueryContext& context,
                                              const v1::GetBalancesRequest& request,
                                              v1::GetBalancesResponse* response);
absl::Status ListRedemptions(const QueryContext& context,
                             const v1::ListRedemptionsRequest& request, absl::Time deadline,
                             v1::ListRedemptionsResponse* response);
absl::Status ListLedgerEntries(const QueryContext& context,
                               const v1::ListLedgerEntriesRequest& request, absl::Time deadline,
                               v1::ListLedgerEntriesResponse* response);
absl::Status GetTierProgress(const QueryContext& context,
                             const v1::GetTierProgressRequest& request, absl::Time deadline,
                             v1::GetTierProgressResponse* response);
absl::Status GetHousehold(const QueryContext& context, const v1::GetHouseholdRequest& request,
                          absl::Time deadline, v1::GetHouseholdResponse* response);
// Partner programs (partner_query.cc; docs/partners.md).
absl::Status GetPartnerSummary(const QueryContext& context,
                               const v1::GetPartnerSummaryRequest& request, absl::Time deadline,
                               v1::GetPartnerSummaryResponse* response);
absl::Status ListConversions(const QueryContext& context, const v1::ListConversionsRequest& request,
                             absl::Time deadline, v1::ListConversionsResponse* response);
absl::Status ListVouchers(const QueryContext& context, const v1::ListVouchersRequest& request,
                          absl::Time deadline, v1::ListVouchersResponse* response);

// Badges (badge_query.cc; docs/badges.md).
absl::Status GetMemberBadges(const QueryContext& context, const v1::GetMemberBadgesRequest& request,
                             absl::Time deadline, v1::GetMemberBadgesResponse* response);
absl::Status ListBadges(const QueryContext& context, const v1::ListBadgesRequest& request,
                        absl::Time deadline, v1::ListBadgesResponse* response);

}  // namespace loyalty::query
