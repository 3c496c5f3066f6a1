// loyalty-command: the command and admin gRPC services.
//   loyalty-command migrate --database_url=...   apply schema migrations and exit
//   loyalty-command serve   --database_url=...   migrate, then serve until SIGTERM / SIGINT

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "libs/base/clock.h"
#include "libs/base/command_line.h"
#include "libs/base/log.h"
#include "libs/partner/gateway_flags.h"
#include "libs/pg/migrate.h"
#include "libs/pg/pool.h"
#include "libs/rpc/health.h"
#include "libs/rpc/lifecycle_flags.h"
#include "libs/rpc/metrics.h"
#include "libs/rpc/metrics_endpoint.h"
#include "libs/rpc/queued_calls.h"
#include "libs/rpc/server.h"
#include "libs/rpc/server_security.h"
#include "libs/rpc/shutdown.h"
#include "libs/store/batch_metrics.h"
#include "libs/store/context.h"
#include "libs/store/migrations.h"
#include "prometheus/registry.h"
#include "services/command/admin_service.h"
#include "services/command/command_config.h"
#include "services/command/command_service.h"

ABSL_FLAG(std::string, database_url, loyalty::command::Config{}.database_url,
          "libpq connection string of the command database");
ABSL_FLAG(std::string, listen, loyalty::command::Config{}.listen,
          "gRPC listen address (host:port)");
ABSL_FLAG(std::string, admin_listen, "",
          "a listen address of its own for AdminService (host:port); empty: it shares --listen");
ABSL_FLAG(std::string, metrics_listen, loyalty::command::Config{}.metrics_listen,
          "Prometheus /metrics listen address; empty disables it");
ABSL_FLAG(std::string, health_listen, "",
          "a plaintext listen address serving only the gRPC health service, for kubelet's probes; "
          "empty: none");
ABSL_FLAG(int, pool_size, loyalty::command::Config{}.pool_size, "database connections (1..256)");
ABSL_FLAG(int, acquire_timeout_ms, loyalty::command::Config{}.acquire_timeout_ms,
          "wait for a free connection before RESOURCE_EXHAUSTED (0..600000)");
ABSL_FLAG(int, max_threads, loyalty::command::Config{}.max_threads,
          "gRPC server threads of the health and reflection services (4..1024)");
ABSL_FLAG(int, workers, loyalty::command::Config{}.limits.workers,
          "threads that run the command calls; the admin calls have as many (1..1024)");
ABSL_FLAG(int, max_queued_calls, loyalty::command::Config{}.limits.max_queued,
          "calls that wait for a worker; past it RESOURCE_EXHAUSTED (1..100000)");
ABSL_FLAG(int, max_attempts, loyalty::command::Config{}.max_attempts,
          "attempts of a transaction on serialization failure (1..32)");

namespace loyalty::command {
namespace {

int Fail(const std::string& message) {
  LogError(message);
  return 1;
}

absl::Status MigrateDatabase(const std::string& url) {
  absl::StatusOr<std::unique_ptr<pg::Connection>> connection = pg::Connection::Open(url);
  if (!connection.ok()) return connection.status();
  return pg::Migrate(**connection, store::Migrations());
}

Config ConfigFromFlags() {
  Config config;
  config.database_url = absl::GetFlag(FLAGS_database_url);
  config.listen = absl::GetFlag(FLAGS_listen);
  config.admin_listen = absl::GetFlag(FLAGS_admin_listen);
  config.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  config.health_listen = absl::GetFlag(FLAGS_health_listen);
  config.pool_size = absl::GetFlag(FLAGS_pool_size);
  config.acquire_timeout_ms = absl::GetFlag(FLAGS_acquire_timeout_ms);
  config.max_threads = absl::GetFlag(FLAGS_max_threads);
  config.limits = {absl::GetFlag(FLAGS_workers), absl::GetFlag(FLAGS_max_queued_calls)};
  config.max_attempts = absl::GetFlag(FLAGS_max_attempts);
  return config;
}

int Serve(const Config& config) {
  if (absl::Status valid = Validate(config); !valid.ok()) return Fail(std::string(valid.message()));
  absl::StatusOr<rpc::Lifecycle> lifecycle = rpc::LifecycleFromFlags();
  if (!lifecycle.ok()) return Fail(std::string(lifecycle.status().message()));

  auto registry = std::make_shared<prometheus::Registry>();
  rpc::RpcMetrics rpc_metrics(*registry);
  rpc::PoolMetrics pool_metrics(*registry, "command");
  pg::Pool pool(
      {config.database_url, config.pool_size, absl::Milliseconds(config.acquire_timeout_ms)},
      &pool_metrics);
  SystemClock clock;
  pg::RetryPolicy retry;
  retry.max_attempts = config.max_attempts;
  store::ConfigCache config_cache;
  store::MemberCache member_cache;
  store::BatchMetrics batch_metrics(*registry);
  store::MemberBatcher member_batcher(pool, retry, &batch_metrics);
  absl::StatusOr<rpc::ServerSecurity> security = rpc::ServerSecurityFromFlags(*registry);
  if (!security.ok()) return Fail(std::string(security.status().message()));
  absl::StatusOr<partner::GatewayOptions> gateway_options = partner::GatewayOptionsFromFlags();
  if (!gateway_options.ok()) return Fail(std::string(gateway_options.status().message()));
  partner::Gateways gateways(*gateway_options, *registry);
  const store::Context context{&pool, &clock, retry, &config_cache, &member_cache, &member_batcher};
  CommandService commands(context, gateways, rpc_metrics, config.limits, security->access.get());
  PartnerService partners(context, rpc_metrics, config.limits, security->access.get());
  AdminService admin(context, rpc_metrics, config.limits, security->access.get());

  const std::string& metrics_listen = config.metrics_listen;
  absl::StatusOr<std::unique_ptr<prometheus::Exposer>> exposer =
      rpc::ServeMetrics(metrics_listen, registry);
  if (!exposer.ok()) return Fail(exposer.status().ToString());
  const std::string& admin_listen = config.admin_listen;
  const auto listener = [&](std::string address) {
    return rpc::ServerOptions{std::move(address), 4 * 1024 * 1024, config.max_threads,
                              security->credentials, &rpc_metrics};
  };
  std::vector<grpc::Service*> services{&commands, &partners};
  if (admin_listen.empty()) services.push_back(&admin);
  absl::StatusOr<rpc::RunningServer> server = rpc::StartServer(listener(config.listen), services);
  if (!server.ok()) return Fail(server.status().ToString());
  rpc::RunningServer admin_server;
  if (!admin_listen.empty()) {
    absl::StatusOr<rpc::RunningServer> started = rpc::StartServer(listener(admin_listen), {&admin});
    if (!started.ok()) return Fail(started.status().ToString());
    admin_server = *std::move(started);
  }
  absl::StatusOr<std::unique_ptr<rpc::Health>> health =
      rpc::Health::Start({config.database_url, store::Migrations().back().version,
                          config.health_listen, lifecycle->health_interval},
                         {&*server, &admin_server});
  if (!health.ok()) return Fail(health.status().ToString());
  LogInfo(absl::StrCat("loyalty-command serving gRPC on port ", server->port,
                       admin_listen.empty() ? "" : absl::StrCat(", admin on port ",
                                                                admin_server.port),
                       security->credentials ? " (mutual TLS)" : " (plaintext)",
                       metrics_listen.empty() ? "" : ", metrics on " + metrics_listen));
  const int signal_number = rpc::WaitForShutdownSignal();
  LogInfo(absl::StrCat("signal ", signal_number, ": draining and stopping"));
  (*health)->Drain();
  rpc::StopServers(
      {server->server.get(), admin_server.server.get()}, lifecycle->shutdown_grace,
      [&] { pool.CancelRunning(); }, &rpc_metrics);
  health->reset();
  return 0;
}

}  // namespace
}  // namespace loyalty::command

int main(int argc, char** argv) {
  loyalty::rpc::PrepareServerProcess();
  std::vector<char*> args = loyalty::ParseFlags(
      argc, argv, "loyalty-command",
      "the command and admin gRPC services.\n"
      "usage: loyalty-command [serve|migrate] --database_url=... [flags]\n"
      "  serve    apply the schema migrations, then serve until SIGTERM / SIGINT (default)\n"
      "  migrate  apply the schema migrations and exit");
  const std::string mode = args.size() > 1 ? args[1] : "serve";
  if (mode != "serve" && mode != "migrate") {
    std::fprintf(stderr, "usage: loyalty-command [serve|migrate] --database_url=...\n");
    return 2;
  }
  const loyalty::command::Config config = loyalty::command::ConfigFromFlags();
  const absl::Status migrated = loyalty::command::MigrateDatabase(config.database_url);
  if (!migrated.ok()) return loyalty::command::Fail("migration failed: " + migrated.ToString());
  if (mode == "migrate") {
    loyalty::LogInfo("schema is up to date");
    return 0;
  }
  return loyalty::command::Serve(config);
}
