#include "services/query/query_service.h"

#include <chrono>

#include "services/query/queries.h"

namespace loyalty::query {
namespace {

absl::Time DeadlineOf(const grpc::ServerContext* server_context) {
  const auto deadline = server_context->deadline();
  // No deadline (or a far one): the wait is bounded by QueryContext::max_wait anyway.
  if (deadline > std::chrono::system_clock::now() + std::chrono::hours(24)) {
    return absl::InfiniteFuture();
  }
  return absl::FromChrono(deadline);
}

}  // namespace

grpc::Status QueryService::GetBalances(grpc::ServerContext* server_context,
                                       const v1::GetBalancesRequest* request,
                                       v1::GetBalancesResponse* response) {
  return metrics_.Observe("GetBalances", [&] {
    return query::GetBalances(context_, *request, DeadlineOf(server_context), response);
  });
}

grpc::Status QueryService::ListRedemptions(grpc::ServerContext* server_context,
                                           const v1::ListRedemptionsRequest* request,
                                           v1::ListRedemptionsResponse* response) {
  return metrics_.Observe("ListRedemptions", [&] {
    return query::ListRedemptions(context_, *request, DeadlineOf(server_context), response);
  });
}

grpc::Status QueryService::GetTierProgress(grpc::ServerContext* server_context,
                                           const v1::GetTierProgressRequest* request,
                                           v1::GetTierProgressResponse* response) {
  return metrics_.Observe("GetTierProgress", [&] {
    return query::GetTierProgress(context_, *request, DeadlineOf(server_context), response);
  });
}

grpc::Status QueryService::ListLedgerEntries(grpc::ServerContext* server_context,
                                             const v1::ListLedgerEntriesRequest* request,
                                             v1::ListLedgerEntriesResponse* response) {
  return metrics_.Observe("ListLedgerEntries", [&] {
    return query::ListLedgerEntries(context_, *request, DeadlineOf(server_context), response);
  });
}

grpc::Status QueryService::GetHousehold(grpc::ServerContext* server_context,
                                        const v1::GetHouseholdRequest* request,
                                        v1::GetHouseholdResponse* response) {
  return metrics_.Observe("GetHousehold", [&] {
    return query::GetHousehold(context_, *request, DeadlineOf(server_context), response);
  });
}

}  // namespace loyalty::query
