#pragma once

#include "libs/rpc/metrics.h"
#include "libs/rpc/queued_calls.h"
#include "loyalty/v1/query.grpc.pb.h"
#include "services/query/read_views.h"

namespace loyalty::query {

// loyalty-query's defaults: more workers than its 16 connections, since a call that waits for
// min_position holds its worker and no connection.
inline constexpr rpc::CallLimits kQueryCallLimits{.workers = 32, .max_queued = 1024};

// The QueryService RPCs: validate, wait for min_position, read the views, convert. Each call
// runs on rpc::QueuedCalls (a fixed set of workers behind a bounded queue; past it,
// RESOURCE_EXHAUSTED OVERLOADED). Shut the gRPC server down before destroying the service.
class QueryService final : public v1::QueryService::CallbackService {
 public:
  QueryService(const QueryContext& context, rpc::RpcMetrics& metrics,
               rpc::CallLimits limits = kQueryCallLimits)
      : context_(context), calls_("query", metrics, limits) {}

  grpc::ServerUnaryReactor* GetBalances(grpc::CallbackServerContext* server_context,
                                        const v1::GetBalancesRequest* request,
                                        v1::GetBalancesResponse* response) override;
  grpc::ServerUnaryReactor* ListRedemptions(grpc::CallbackServerContext* server_context,
                                            const v1::ListRedemptionsRequest* request,
                                            v1::ListRedemptionsResponse* response) override;
  grpc::ServerUnaryReactor* GetTierProgress(grpc::CallbackServerContext* server_context,
                                            const v1::GetTierProgressRequest* request,
                                            v1::GetTierProgressResponse* response) override;
  grpc::ServerUnaryReactor* ListLedgerEntries(grpc::CallbackServerContext* server_context,
                                              const v1::ListLedgerEntriesRequest* request,
                                              v1::ListLedgerEntriesResponse* response) override;
  grpc::ServerUnaryReactor* GetHousehold(grpc::CallbackServerContext* server_context,
                                         const v1::GetHouseholdRequest* request,
                                         v1::GetHouseholdResponse* response) override;

 private:
  // Queues `use_case(context_, *request, deadline, response)`.
  template <typename Request, typename Response>
  grpc::ServerUnaryReactor* Queue(absl::string_view method,
                                  grpc::CallbackServerContext* server_context,
                                  absl::Status (*use_case)(const QueryContext&, const Request&,
                                                           absl::Time, Response*),
                                  const Request* request, Response* response) {
    return calls_.Run(method, server_context, [=, this](absl::Time deadline) {
      return use_case(context_, *request, deadline, response);
    });
  }

  const QueryContext context_;
  rpc::QueuedCalls calls_;
};

}  // namespace loyalty::query
