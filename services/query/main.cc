// loyalty-query: the query service and, by default, the projector that maintains its views.
//   loyalty-query serve   --database_url=... [--projector_database_url=...] [--project=true]
//                         [--balance_cache_mib=32]
//   loyalty-query rebuild --database_url=...   replay the outbox into scratch views, compare with
//                                              the live ones; exit 1 when they differ

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "libs/base/clock.h"
#include "libs/base/command_line.h"
#include "libs/base/log.h"
#include "libs/pg/pool.h"
#include "libs/rpc/health.h"
#include "libs/rpc/lifecycle_flags.h"
#include "libs/rpc/metrics.h"
#include "libs/rpc/metrics_endpoint.h"
#include "libs/rpc/queued_calls.h"
#include "libs/rpc/server.h"
#include "libs/rpc/server_security.h"
#include "libs/rpc/shutdown.h"
#include "libs/store/migrations.h"
#include "prometheus/registry.h"
#include "services/query/projector.h"
#include "services/query/query_config.h"
#include "services/query/query_service.h"
#include "services/query/rebuild.h"
#include "services/query/view_listener.h"

ABSL_FLAG(std::string, database_url, loyalty::query::Config{}.database_url,
          "libpq connection string of the views (may be a streaming replica)");
ABSL_FLAG(std::string, projector_database_url, "",
          "libpq connection string of the primary the projector writes; empty: database_url");
ABSL_FLAG(std::string, listen, loyalty::query::Config{}.listen, "gRPC listen address (host:port)");
ABSL_FLAG(std::string, metrics_listen, loyalty::query::Config{}.metrics_listen,
          "Prometheus /metrics listen address; empty disables it");
ABSL_FLAG(std::string, health_listen, "",
          "a plaintext listen address serving only the gRPC health service, for kubelet's probes; "
          "empty: none");
ABSL_FLAG(int, pool_size, loyalty::query::Config{}.pool_size, "database connections (1..256)");
ABSL_FLAG(int, max_threads, loyalty::query::Config{}.max_threads,
          "gRPC server threads of the health and reflection services (4..1024)");
ABSL_FLAG(int, workers, loyalty::query::Config{}.limits.workers,
          "threads that run the query calls (1..1024)");
ABSL_FLAG(int, max_queued_calls, loyalty::query::Config{}.limits.max_queued,
          "calls that wait for a worker; past it RESOURCE_EXHAUSTED (1..100000)");
ABSL_FLAG(bool, project, loyalty::query::Config{}.project,
          "run the projector in this process (one leader at a time)");
ABSL_FLAG(int, batch_size, loyalty::query::Config{}.batch_size,
          "events per projector transaction (1..10000)");
ABSL_FLAG(int, balance_cache_mib, loyalty::query::Config{}.balance_cache_mib,
          "memory for GetBalances' members kept in memory, estimated; 0 turns the cache off"
          " (0..16384)");

namespace loyalty::query {
namespace {

int Fail(const std::string& message) {
  LogError(message);
  return 1;
}

Config ConfigFromFlags() {
  Config config;
  config.database_url = absl::GetFlag(FLAGS_database_url);
  config.projector_database_url = absl::GetFlag(FLAGS_projector_database_url);
  config.listen = absl::GetFlag(FLAGS_listen);
  config.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  config.health_listen = absl::GetFlag(FLAGS_health_listen);
  config.pool_size = absl::GetFlag(FLAGS_pool_size);
  config.max_threads = absl::GetFlag(FLAGS_max_threads);
  config.limits = {absl::GetFlag(FLAGS_workers), absl::GetFlag(FLAGS_max_queued_calls)};
  config.project = absl::GetFlag(FLAGS_project);
  config.batch_size = absl::GetFlag(FLAGS_batch_size);
  config.balance_cache_mib = absl::GetFlag(FLAGS_balance_cache_mib);
  return config;
}

int Rebuild(const Config& config) {
  absl::StatusOr<RebuildReport> report = RebuildAndCompare(config.ProjectorDatabaseUrl());
  if (!report.ok()) return Fail(report.status().ToString());
  for (const std::string& sample : report->samples) std::printf("%s\n", sample.c_str());
  std::printf("replayed %lld events up to position %lld: %lld differences\n",
              static_cast<long long>(report->events), static_cast<long long>(report->position),
              static_cast<long long>(report->differences));
  return report->differences == 0 ? 0 : 1;
}

int Serve(const Config& config) {
  if (absl::Status valid = Validate(config); !valid.ok()) return Fail(std::string(valid.message()));
  absl::StatusOr<rpc::Lifecycle> lifecycle = rpc::LifecycleFromFlags();
  if (!lifecycle.ok()) return Fail(std::string(lifecycle.status().message()));

  auto registry = std::make_shared<prometheus::Registry>();
  rpc::RpcMetrics rpc_metrics(*registry);
  rpc::PoolMetrics pool_metrics(*registry, "query");
  ProjectorMetrics projector_metrics(*registry);
  pg::Pool pool({config.database_url, config.pool_size, absl::Seconds(2)}, &pool_metrics);
  SystemClock clock;
  CheckpointWatch watch;
  QueryContext context{&pool, &clock, &watch};
  std::unique_ptr<BalanceCache> cache;
  std::jthread listener_thread;
  if (config.balance_cache_mib > 0) {
    BalanceCacheOptions options;
    options.max_bytes = int64_t{config.balance_cache_mib} << 20;
    cache = std::make_unique<BalanceCache>(options, registry.get());
    context.balance_cache = cache.get();
    listener_thread = std::jthread(
        [&](std::stop_token stop) { ViewListener({config.database_url}, cache.get()).Run(stop); });
  }
  absl::StatusOr<rpc::ServerSecurity> security = rpc::ServerSecurityFromFlags(*registry);
  if (!security.ok()) return Fail(std::string(security.status().message()));
  QueryService queries(context, rpc_metrics, config.limits, security->access.get());

  std::unique_ptr<Projector> projector;
  std::jthread projector_thread;
  if (config.project) {
    ProjectorOptions options;
    options.database_url = config.ProjectorDatabaseUrl();
    options.batch_size = config.batch_size;
    absl::StatusOr<std::unique_ptr<Projector>> opened =
        Projector::Open(options, &projector_metrics, &watch);
    if (!opened.ok()) return Fail(opened.status().ToString());
    projector = std::move(*opened);
    projector_thread = std::jthread([&](std::stop_token stop) { projector->Run(stop); });
  }

  const std::string& metrics_listen = config.metrics_listen;
  absl::StatusOr<std::unique_ptr<prometheus::Exposer>> exposer =
      rpc::ServeMetrics(metrics_listen, registry);
  if (!exposer.ok()) return Fail(exposer.status().ToString());
  absl::StatusOr<rpc::RunningServer> server = rpc::StartServer(
      {config.listen, 4 * 1024 * 1024, config.max_threads, security->credentials, &rpc_metrics},
      {&queries});
  if (!server.ok()) return Fail(server.status().ToString());
  absl::StatusOr<std::unique_ptr<rpc::Health>> health =
      rpc::Health::Start({config.database_url, store::Migrations().back().version,
                          config.health_listen, lifecycle->health_interval},
                         {&*server});
  if (!health.ok()) return Fail(health.status().ToString());
  LogInfo(absl::StrCat("loyalty-query serving gRPC on port ", server->port,
                       security->credentials ? " (mutual TLS)" : " (plaintext)",
                       projector ? ", projecting" : ", not projecting",
                       metrics_listen.empty() ? "" : ", metrics on " + metrics_listen));
  const int signal_number = rpc::WaitForShutdownSignal();
  LogInfo(absl::StrCat("signal ", signal_number, ": draining and stopping"));
  (*health)->Drain();
  rpc::StopServers(
      {server->server.get()}, lifecycle->shutdown_grace, [&] { pool.CancelRunning(); },
      &rpc_metrics);
  health->reset();
  for (std::jthread* thread : {&projector_thread, &listener_thread}) {
    if (!thread->joinable()) continue;
    thread->request_stop();
    thread->join();
  }
  return 0;
}

}  // namespace
}  // namespace loyalty::query

int main(int argc, char** argv) {
  loyalty::rpc::PrepareServerProcess();
  std::vector<char*> args = loyalty::ParseFlags(
      argc, argv, "loyalty-query",
      "the query service and the projector that maintains its views.\n"
      "usage: loyalty-query [serve|rebuild] --database_url=... [flags]\n"
      "  serve    serve until SIGTERM / SIGINT, projecting unless --project=false (default)\n"
      "  rebuild  replay the outbox into scratch views and compare them with the live ones;\n"
      "           exit 1 when they differ");
  const std::string mode = args.size() > 1 ? args[1] : "serve";
  const loyalty::query::Config config = loyalty::query::ConfigFromFlags();
  if (mode == "serve") return loyalty::query::Serve(config);
  if (mode == "rebuild") return loyalty::query::Rebuild(config);
  std::fprintf(stderr, "usage: loyalty-query [serve|rebuild] --database_url=...\n");
  return 2;
}
