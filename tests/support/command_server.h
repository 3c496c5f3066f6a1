#pragma once

#include <memory>
#include <string>

#include "grpcpp/channel.h"
#include "libs/base/clock.h"
#include "libs/partner/gateway.h"
#include "libs/pg/pool.h"
#include "libs/rpc/metrics.h"
#include "libs/rpc/server.h"
#include "libs/rpc/server_security.h"
#include "libs/rpc/tls.h"
#include "libs/store/batch_metrics.h"
#include "libs/store/context.h"
#include "prometheus/registry.h"
#include "services/command/admin_service.h"
#include "services/command/command_service.h"

namespace loyalty::testing {

// Calls to partners in tests: plaintext, 500 ms deadlines, 2 calls a request 10 ms apart, a
// breaker that opens after 3 failed calls for 300 ms.
partner::GatewayOptions TestGatewayOptions();

// The command side in-process, as main() builds it: a fresh migrated database in the shared test
// cluster, a pool, a manual clock (starting 2026-03-01T00:00:00Z), metrics, and the CommandService,
// PartnerService and AdminService on a real gRPC server at 127.0.0.1:<free port>. `limits` are
// loyalty-command's
// --workers and --max_queued_calls; `security` its mutual TLS and access control (null:
// --insecure_plaintext). Partners' gateways are called in plaintext (TestGatewayOptions).
class CommandServer final {
 public:
  explicit CommandServer(int pool_size = 8, rpc::CallLimits limits = {},
                         const rpc::ServerSecurity* security = nullptr);
  ~CommandServer();

  std::shared_ptr<grpc::Channel> Channel() const;  // plaintext
  std::shared_ptr<grpc::Channel> Channel(const rpc::ClientTls& tls) const;
  int port() const { return server_.port; }
  ManualClock& clock() { return clock_; }
  pg::Pool& pool() { return *pool_; }
  const std::string& database_url() const { return database_url_; }
  prometheus::Registry& registry() { return registry_; }
  store::MemberCache& member_cache() { return member_cache_; }
  store::MemberBatcher& member_batcher() { return *member_batcher_; }
  partner::Gateways& gateways() { return *gateways_; }

 private:
  std::string database_url_;
  ManualClock clock_;
  prometheus::Registry registry_;
  rpc::RpcMetrics rpc_metrics_;
  rpc::PoolMetrics pool_metrics_;
  std::unique_ptr<pg::Pool> pool_;
  store::ConfigCache config_cache_;
  store::MemberCache member_cache_;
  store::BatchMetrics batch_metrics_;
  std::unique_ptr<store::MemberBatcher> member_batcher_;
  store::Context context_;
  std::unique_ptr<partner::Gateways> gateways_;
  std::unique_ptr<command::CommandService> commands_;
  std::unique_ptr<command::PartnerService> partners_;
  std::unique_ptr<command::AdminService> admin_;
  rpc::RunningServer server_;
};

}  // namespace loyalty::testing
