#pragma once

#include "libs/rpc/metrics.h"
#include "libs/rpc/queued_calls.h"
#include "libs/store/context.h"
#include "services/command/context_service.h"

namespace loyalty::command {

// gRPC handlers of loyalty.v1.CommandService: each runs one use case and maps its status. Each
// call runs on rpc::QueuedCalls (a fixed set of workers behind a bounded queue; past it,
// RESOURCE_EXHAUSTED OVERLOADED) with its deadline; a request that does not parse is
// INVALID_ARGUMENT (rpc::UnaryService). Shut the gRPC server down before destroying the service.
class CommandService final : public ContextService {
 public:
  // `access` checks every call (null: none, over plaintext); `gateways` reach the partners
  // (LinkPartnerAccount).
  CommandService(const store::Context& context, partner::Gateways& gateways,
                 rpc::RpcMetrics& metrics, rpc::CallLimits limits = {},
                 rpc::AccessControl* access = nullptr);
};

// gRPC handlers of loyalty.v1.PartnerService (partners' calls, role `partner`), served beside
// CommandService on its port and its queue limits.
class PartnerService final : public ContextService {
 public:
  PartnerService(const store::Context& context, rpc::RpcMetrics& metrics,
                 rpc::CallLimits limits = {}, rpc::AccessControl* access = nullptr);
};

}  // namespace loyalty::command
