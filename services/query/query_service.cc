#include "services/query/query_service.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "services/query/queries.h"

namespace loyalty::query {
namespace {

absl::Time DeadlineOf(const grpc::CallbackServerContext* server_context) {
  const auto deadline = server_context->deadline();
  // No deadline (or a far one): the wait is bounded by QueryContext::max_wait anyway.
  if (deadline > std::chrono::system_clock::now() + std::chrono::hours(24)) {
    return absl::InfiniteFuture();
  }
  return absl::FromChrono(deadline);
}

}  // namespace

template <typename Request, typename Response>
grpc::ServerUnaryReactor* QueryService::Queue(
    absl::string_view method, grpc::CallbackServerContext* server_context,
    absl::Status (*use_case)(const QueryContext&, const Request&, absl::Time, Response*),
    const Request* request, Response* response) {
  grpc::ServerUnaryReactor* reactor = server_context->DefaultReactor();
  const absl::Time arrived = absl::Now();
  const absl::Time deadline = DeadlineOf(server_context);
  const bool queued = calls_.TrySubmit([=, this] {
    reactor->Finish(metrics_.Observe(
        method,
        [&]() -> absl::Status {
          // Its client has given up: no use reading the views for it.
          if (absl::Now() >= deadline) {
            return absl::DeadlineExceededError("the call's deadline passed while it was queued");
          }
          return use_case(context_, *request, deadline, response);
        },
        arrived));
  });
  if (!queued) {
    reactor->Finish(metrics_.Observe(method, [this] {
      return absl::ResourceExhaustedError(absl::StrCat(
          "the query service is busy: its call queue (capacity ", calls_.capacity(), ") is full"));
    }));
  }
  return reactor;
}

grpc::ServerUnaryReactor* QueryService::GetBalances(grpc::CallbackServerContext* server_context,
                                                    const v1::GetBalancesRequest* request,
                                                    v1::GetBalancesResponse* response) {
  return Queue("GetBalances", server_context, &query::GetBalances, request, response);
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
