#pragma once

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/rpc/call_queue.h"
#include "libs/rpc/metrics.h"
#include "loyalty/v1/query.grpc.pb.h"
#include "services/query/read_views.h"

namespace loyalty::query {

// How many calls the query service runs at once and how many wait (loyalty-query's --workers
// and --max_queued_calls).
struct CallLimits {
  int workers = 32;
  int max_queued = 1024;
};

// The QueryService RPCs: validate, wait for min_position, read the views, convert. gRPC's
// callback API takes each call; its body runs on one of a fixed set of workers behind a bounded
// queue, and a call that finds the queue full is refused at once with RESOURCE_EXHAUSTED
// (OVERLOADED). Shut the gRPC server down before destroying the service.
class QueryService final : public v1::QueryService::CallbackService {
 public:
  QueryService(const QueryContext& context, rpc::RpcMetrics& metrics, CallLimits limits = {})
      : context_(context), metrics_(metrics), calls_(limits.workers, limits.max_queued) {}

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
  // Queues `use_case(context_, *request, deadline, response)` and returns the call's reactor,
  // finished by a worker (or at once when the queue is full).
  template <typename Request, typename Response>
  grpc::ServerUnaryReactor* Queue(absl::string_view method,
                                  grpc::CallbackServerContext* server_context,
                                  absl::Status (*use_case)(const QueryContext&, const Request&,
                                                           absl::Time, Response*),
                                  const Request* request, Response* response);

  const QueryContext context_;
  rpc::RpcMetrics& metrics_;
  rpc::CallQueue calls_;
};

}  // namespace loyalty::query
