#include "services/query/query_service.h"

#include "services/query/queries.h"

namespace loyalty::query {

grpc::ServerUnaryReactor* QueryService::GetBalances(grpc::CallbackServerContext* server_context,
                                                    const v1::GetBalancesRequest* request,
                                                    v1::GetBalancesResponse* response) {
  // A cache hit is answered on gRPC's thread: no handoff to a worker, no wait in the queue.
  return calls_.RunUnlessAnswered(
      "GetBalances", server_context,
      [=, this] { return query::GetBalancesAtOnce(context_, *request, response); },
      [=, this](absl::Time deadline) {
        return query::GetBalances(context_, *request, deadline, response);
      });
}

grpc::ServerUnaryReactor* QueryService::ListRedemptions(
    grpc::CallbackServerContext* server_context, const v1::ListRedemptionsRequest* request,
    v1::ListRedemptionsResponse* response) {
  return Queue("ListRedemptions", server_context, &query::ListRedemptions, request, response);
}

grpc::ServerUnaryReactor* QueryService::GetTierProgress(
    grpc::CallbackServerContext* server_context, const v1::GetTierProgressRequest* request,
    v1::GetTierProgressResponse* response) {
  return Queue("GetTierProgress", server_context, &query::GetTierProgress, request, response);
}

grpc::ServerUnaryReactor* QueryService::ListLedgerEntries(
    grpc::CallbackServerContext* server_context, const v1::ListLedgerEntriesRequest* request,
    v1::ListLedgerEntriesResponse* response) {
  return Queue("ListLedgerEntries", server_context, &query::ListLedgerEntries, request,
               response);
}

grpc::ServerUnaryReactor* QueryService::GetHousehold(grpc::CallbackServerContext* server_context,
                                                     const v1::GetHouseholdRequest* request,
                                                     v1::GetHouseholdResponse* response) {
  return Queue("GetHousehold", server_context, &query::GetHousehold, request, response);
}

}  // namespace loyalty::query
