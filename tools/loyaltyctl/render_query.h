#pragma once

#include <ostream>

#include "loyalty/v1/query.pb.h"

namespace loyalty::ctl {

void RenderGetBalances(const v1::GetBalancesResponse& response, std::ostream& out);
void RenderTierProgress(const v1::GetTierProgressResponse& response, std::ostream& out);
void RenderRedemptions(const v1::ListRedemptionsResponse& response, std::ostream& out);
void RenderHistory(const v1::ListLedgerEntriesResponse& response, std::ostream& out);
void RenderPartnerSummary(const v1::GetPartnerSummaryResponse& response, std::ostream& out);
void RenderConversions(const v1::ListConversionsResponse& response, std::ostream& out);
void RenderVouchers(const v1::ListVouchersResponse& response, std::ostream& out);

}  // namespace loyalty::ctl
