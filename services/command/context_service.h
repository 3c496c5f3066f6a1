#pragma once

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/partner/gateway.h"
#include "libs/rpc/metrics.h"
#include "libs/rpc/queued_calls.h"
#include "libs/rpc/unary_service.h"
#include "libs/store/context.h"

namespace loyalty::command {

// A gRPC service of loyalty-command (rpc::UnaryService: parsed requests, a bounded call queue)
// whose methods each run one use case, on the Context with the call's deadline and caller.
class ContextService : public rpc::UnaryService {
 protected:
  ContextService(std::string service, std::string queue, const store::Context& context,
                 rpc::RpcMetrics& metrics, rpc::CallLimits limits, rpc::AccessControl* access)
      : rpc::UnaryService(std::move(service), std::move(queue), metrics, limits, access),
        context_(context) {}

  // Serves `method` with `use_case(context, request, &response)`.
  template <typename Request, typename Response>
  void Serve(absl::string_view method,
             absl::Status (*use_case)(const store::Context&, const Request&, Response*)) {
    Handle<Request, Response>(
        method,
        [this, use_case](const Request& request, const rpc::CallInfo& call, Response* response) {
          return use_case(CallContext(call), request, response);
        });
  }

  // Serves `method` with `use_case(context, gateways, request, &response)`: a use case that calls
  // partners.
  template <typename Request, typename Response>
  void Serve(absl::string_view method,
             absl::Status (*use_case)(const store::Context&, partner::Gateways&, const Request&,
                                      Response*),
             partner::Gateways& gateways) {
    Handle<Request, Response>(
        method, [this, use_case, &gateways](const Request& request, const rpc::CallInfo& call,
                                            Response* response) {
          return use_case(CallContext(call), gateways, request, response);
        });
  }

 private:
  // The service's context with the call's deadline, caller and trace id.
  store::Context CallContext(const rpc::CallInfo& call) const {
    store::Context context = context_;
    context.deadline = call.deadline;
    context.caller = call.caller;
    context.trace_id = call.trace_id;
    return context;
  }

  const store::Context& context_;
};

}  // namespace loyalty::command
