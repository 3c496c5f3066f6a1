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
//
// Several replicas of the command side on one database, as several loyalty-command processes
// with one --database_url: the first is built as above, the others join it (Join). Each has what
// main() builds per process: its own pool, ConfigCache, MemberCache, MemberBatcher, metrics
// registry, partner gateways, services and gRPC server; they share only the database and the
// time (processes read one wall clock; here every replica reads the first one's ManualClock, so
// advancing it moves all of them at once).
class CommandServer final {
 public:
  // What a replica joins: another CommandServer's database_url() (already migrated: a replica
  // neither creates nor migrates a database) and clock(), which must outlive the replica (null:
  // a clock of its own). JoinThis() gives both.
  struct Join {
    std::string database_url;
    ManualClock* clock = nullptr;
  };

  explicit CommandServer(int pool_size = 8, rpc::CallLimits limits = {},
                         const rpc::ServerSecurity* security = nullptr);
  // Another replica of the command side whose database and clock `join` names.
  explicit CommandServer(Join join, int pool_size = 8, rpc::CallLimits limits = {},
                         const rpc::ServerSecurity* security = nullptr);
  ~CommandServer();

  std::shared_ptr<grpc::Channel> Channel() const;  // plaintext
  std::shared_ptr<grpc::Channel> Channel(const rpc::ClientTls& tls) const;
  int port() const { return server_.port; }
  // This server's clock: its own, or in a replica the one it joined.
  ManualClock& clock() { return *clock_; }
  // What another replica of this command side joins.
  Join JoinThis() { return {database_url_, clock_}; }
  pg::Pool& pool() { return *pool_; }
  const std::string& database_url() const { return database_url_; }
  prometheus::Registry& registry() { return registry_; }
  store::MemberCache& member_cache() { return member_cache_; }
  store::MemberBatcher& member_batcher() { return *member_batcher_; }
  partner::Gateways& gateways() { return *gateways_; }

 private:
  std::string database_url_;
  std::unique_ptr<ManualClock> own_clock_;  // null in a replica
  ManualClock* clock_;                      // own_clock_, or the clock a replica joined
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
