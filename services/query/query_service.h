#pragma once

#include "libs/rpc/metrics.h"
#include "libs/rpc/queued_calls.h"
#include "libs/rpc/unary_service.h"
#include "loyalty/v1/query.pb.h"
#include "services/query/read_views.h"

namespace loyalty::query {

// loyalty-query's defaults: more workers than its 16 connections, since a call that waits for
// min_position holds its worker and no connection.
inline constexpr rpc::CallLimits kQueryCallLimits{.workers = 32, .max_queued = 1024};

// The QueryService RPCs: validate, wait for min_position, read the views, convert. Each call
// runs on rpc::QueuedCalls (a fixed set of workers behind a bounded queue; past it,
// RESOURCE_EXHAUSTED OVERLOADED); a request that does not parse is INVALID_ARGUMENT
// (rpc::UnaryService). Shut the gRPC server down before destroying the service.
class QueryService final : public rpc::UnaryService {
 public:
  // `access` checks every call (null: none, over plaintext).
  QueryService(const QueryContext& context, rpc::RpcMetrics& metrics,
               rpc::CallLimits limits = kQueryCallLimits, rpc::AccessControl* access = nullptr);

 private:
  // Serves `method` with `use_case(context_, request, deadline, &response)`.
  template <typename Request, typename Response>
  void Serve(absl::string_view method,
             absl::Status (*use_case)(const QueryContext&, const Request&, absl::Time,
                                      Response*)) {
    Handle<Request, Response>(method, [this, use_case](const Request& request,
                                                       const rpc::CallInfo& call,
                                                       Response* response) {
      return use_case(context_, request, call.deadline, response);
    });
  }

  const QueryContext context_;
};

}  // namespace loyalty::query
