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
#include "services/query/query_service.h"

namespace loyalty::testing {

// The query side in-process, as loyalty-query's main builds it, over the database of a
// CommandServer: a pool, the QueryService on a real gRPC server at 127.0.0.1:<free port>, and,
// when `project` is true, the projector running in a background thread (as --project=true).
class QueryServer final {
 public:
  QueryServer(const std::string& database_url, const Clock* clock, bool project,
              int pool_size = 8);
  ~QueryServer();

  std::shared_ptr<grpc::Channel> Channel() const;
  int port() const { return server_.port; }
  // A projector of its own for tests that drive rounds by hand (RunOnce).
  std::unique_ptr<query::Projector> NewProjector(int batch_size = 500);
  query::CheckpointWatch& watch() { return watch_; }
  query::ProjectorMetrics& projector_metrics() { return projector_metrics_; }
  prometheus::Registry& registry() { return registry_; }

 private:
  std::string database_url_;
  prometheus::Registry registry_;
  rpc::RpcMetrics rpc_metrics_;
  rpc::PoolMetrics pool_metrics_;
  query::ProjectorMetrics projector_metrics_;
  query::CheckpointWatch watch_;
  std::unique_ptr<pg::Pool> pool_;
  std::unique_ptr<query::QueryService> service_;
  rpc::RunningServer server_;
  std::unique_ptr<query::Projector> projector_;
  std::jthread projector_thread_;
};

}  // namespace loyalty::testing
