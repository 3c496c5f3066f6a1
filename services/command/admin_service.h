#pragma once

#include "libs/rpc/metrics.h"
#include "libs/rpc/queued_calls.h"
#include "libs/store/context.h"
#include "services/command/context_service.h"

namespace loyalty::command {

// gRPC handlers of loyalty.v1.AdminService: each runs its use case (admin/rpcs.h, one file each in
// admin/) and maps its status. As
// CommandService, each call runs on its own bounded rpc::QueuedCalls (`limits`, loyalty-command's
// --workers and --max_queued_calls; past it, RESOURCE_EXHAUSTED OVERLOADED) with its deadline.
// Shut the gRPC server down before destroying the service.
class AdminService final : public ContextService {
 public:
  // `access` checks every call (null: none, over plaintext).
  AdminService(const store::Context& context, rpc::RpcMetrics& metrics, rpc::CallLimits limits = {},
               rpc::AccessControl* access = nullptr);
};

}  // namespace loyalty::command
