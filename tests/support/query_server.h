#pragma once

#include <memory>
#include <string>
#include <thread>

#include "grpcpp/channel.h"
#include "libs/base/clock.h"
#include "libs/pg/pool.h"
#include "libs/rpc/metrics.h"
#include "libs/rpc/server.h"
#include "prometheus/registry.h"
#include "services/query/checkpoint.h"
#include "services/query/projector.h"
#include "libs/rpc/server_security.h"
#include "libs/rpc/tls.h"
#include "services/query/query_service.h"
#include "services/query/view_listener.h"

namespace loyalty::testing {

// The query side in-process, as loyalty-query's main builds it, over the database of a
// CommandServer: a pool, the QueryService on a real gRPC server at 127.0.0.1:<free port>, and,
// when `project` is true, the projector running in a background thread (as --project=true). The
// balance cache and its listener run as with loyalty-query's default flags, unless
// `balance_cache` is false (as --balance_cache_mib=0); `limits` are --workers and
// --max_queued_calls; `security` its mutual TLS and access control (null: --insecure_plaintext).
class QueryServer final {
 public:
  QueryServer(const std::string& database_url, const Clock* clock, bool project,
              int pool_size = 8, bool balance_cache = true,
              rpc::CallLimits limits = query::kQueryCallLimits,
              const rpc::ServerSecurity* security = nullptr);
  ~QueryServer();

  std::shared_ptr<grpc::Channel> Channel() const;  // plaintext
  std::shared_ptr<grpc::Channel> Channel(const rpc::ClientTls& tls) const;
  int port() const { return server_.port; }
  // A projector of its own for tests that drive rounds by hand (RunOnce).
  std::unique_ptr<query::Projector> NewProjector(int batch_size = 500);
  // The same with its own options (database_url is this server's).
  std::unique_ptr<query::Projector> NewProjector(query::ProjectorOptions options);
  query::CheckpointWatch& watch() { return watch_; }
  query::ProjectorMetrics& projector_metrics() { return projector_metrics_; }
  prometheus::Registry& registry() { return registry_; }
  query::BalanceCache& balance_cache() { return balance_cache_; }
  // Returns once every announcement committed before the call has reached the balance cache.
  void SyncBalanceCache();

 private:
  std::string database_url_;
  prometheus::Registry registry_;
  rpc::RpcMetrics rpc_metrics_;
  rpc::PoolMetrics pool_metrics_;
  query::ProjectorMetrics projector_metrics_;
  query::CheckpointWatch watch_;
  query::BalanceCache balance_cache_;
  std::jthread listener_thread_;
  std::unique_ptr<pg::Pool> pool_;
  std::unique_ptr<query::QueryService> service_;
  rpc::RunningServer server_;
  std::unique_ptr<query::Projector> projector_;
  std::jthread projector_thread_;
};

}  // namespace loyalty::testing
