#include "services/query/query_service.h"

#include "services/query/queries.h"

namespace loyalty::query {

QueryService::QueryService(const QueryContext& context, rpc::RpcMetrics& metrics,
                           rpc::CallLimits limits, rpc::AccessControl* access)
    : rpc::UnaryService("loyalty.v1.QueryService", "query", metrics, limits, access),
      context_(context) {
  // A cache hit is answered on gRPC's thread: no handoff to a worker, no wait in the queue.
  Handle<v1::GetBalancesRequest, v1::GetBalancesResponse>(
      "GetBalances",
      [this](const v1::GetBalancesRequest& request, v1::GetBalancesResponse* response) {
        return query::GetBalancesAtOnce(context_, request, response);
      },
      [this](const v1::GetBalancesRequest& request, const rpc::CallInfo& call,
             v1::GetBalancesResponse* response) {
        return query::GetBalances(context_, request, call.deadline, response);
      });
  Serve("ListRedemptions", &query::ListRedemptions);
  Serve("GetTierProgress", &query::GetTierProgress);
  Serve("ListLedgerEntries", &query::ListLedgerEntries);
  Serve("GetHousehold", &query::GetHousehold);
  Serve("GetPartnerSummary", &query::GetPartnerSummary);
  Serve("ListConversions", &query::ListConversions);
  Serve("ListVouchers", &query::ListVouchers);
  Serve("GetMemberBadges", &query::GetMemberBadges);
  Serve("ListBadges", &query::ListBadges);
}

}  // namespace loyalty::query
