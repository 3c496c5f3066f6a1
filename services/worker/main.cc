// loyalty-worker: the batch jobs that happen with time (expiry, reservation timeouts, tier
// re-qualification, idempotency retention, partner conversions, voucher expiry). Several replicas
// may run at once.

#include <memory>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "libs/base/clock.h"
#include "libs/base/command_line.h"
#include "libs/base/log.h"
#include "libs/partner/gateway_flags.h"
#include "libs/pg/pool.h"
#include "libs/rpc/health.h"
#include "libs/rpc/lifecycle_flags.h"
#include "libs/rpc/metrics.h"
#include "libs/rpc/metrics_endpoint.h"
#include "libs/rpc/server.h"
#include "libs/store/context.h"
#include "libs/store/migrations.h"
#include "prometheus/registry.h"
#include "services/worker/worker.h"
#include "services/worker/worker_config.h"

ABSL_FLAG(std::string, database_url, loyalty::worker::Config{}.database_url,
          "libpq connection string of the command database");
ABSL_FLAG(std::string, metrics_listen, loyalty::worker::Config{}.metrics_listen,
          "Prometheus /metrics listen address; empty disables it");
ABSL_FLAG(std::string, health_listen, "",
          "a plaintext listen address serving only the gRPC health service, for kubelet's probes; "
          "empty: none");
ABSL_FLAG(int, pool_size, loyalty::worker::Config{}.pool_size, "database connections (1..64)");
ABSL_FLAG(int, batch, loyalty::worker::Config{}.batch,
          "members or records per job call (1..10000)");
ABSL_FLAG(int, interval_ms, loyalty::worker::Config{}.interval_ms,
          "pause between rounds without work (10..3600000)");
ABSL_FLAG(int, conversion_attempts, loyalty::worker::Config{}.conversion_attempts,
          "calls to a partner for one conversion before its points are given back (1..100)");
ABSL_FLAG(int, conversion_retry_ms, loyalty::worker::Config{}.conversion_retry_ms,
          "wait before a conversion's second call, doubling after, at most an hour or this "
          "(10..86400000)");
ABSL_FLAG(int, idempotency_retention_days, loyalty::worker::Config{}.idempotency_retention_days,
          "keep idempotency records this long (1..3650)");

int main(int argc, char** argv) {
  loyalty::rpc::PrepareServerProcess();
  loyalty::ParseFlags(argc, argv, "loyalty-worker",
                      "the batch jobs that happen with time (expiry, reservation "
                      "timeouts, tier re-qualification, idempotency retention).\n"
                      "usage: loyalty-worker --database_url=... [flags]");
  loyalty::worker::Config config;
  config.database_url = absl::GetFlag(FLAGS_database_url);
  config.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  config.health_listen = absl::GetFlag(FLAGS_health_listen);
  config.pool_size = absl::GetFlag(FLAGS_pool_size);
  config.batch = absl::GetFlag(FLAGS_batch);
  config.interval_ms = absl::GetFlag(FLAGS_interval_ms);
  config.idempotency_retention_days = absl::GetFlag(FLAGS_idempotency_retention_days);
  config.conversion_attempts = absl::GetFlag(FLAGS_conversion_attempts);
  config.conversion_retry_ms = absl::GetFlag(FLAGS_conversion_retry_ms);
  if (absl::Status valid = loyalty::worker::Validate(config); !valid.ok()) {
    loyalty::LogError(std::string(valid.message()));
    return 2;
  }
  absl::StatusOr<loyalty::rpc::Lifecycle> lifecycle = loyalty::rpc::LifecycleFromFlags();
  if (!lifecycle.ok()) {
    loyalty::LogError(std::string(lifecycle.status().message()));
    return 2;
  }
  auto registry = std::make_shared<prometheus::Registry>();
  loyalty::rpc::PoolMetrics pool_metrics(*registry, "worker");
  loyalty::pg::Pool pool({config.database_url, config.pool_size, absl::Seconds(10)}, &pool_metrics);
  loyalty::SystemClock clock;
  const loyalty::store::Context context{&pool, &clock, loyalty::pg::RetryPolicy{}};
  absl::StatusOr<loyalty::partner::GatewayOptions> gateway_options =
      loyalty::partner::GatewayOptionsFromFlags();
  if (!gateway_options.ok()) {
    loyalty::LogError(std::string(gateway_options.status().message()));
    return 2;
  }
  loyalty::partner::Gateways gateways(*gateway_options, *registry);
  loyalty::worker::Worker worker(context, gateways, config.ToWorkerOptions(), *registry);
  absl::StatusOr<std::unique_ptr<prometheus::Exposer>> exposer =
      loyalty::rpc::ServeMetrics(config.metrics_listen, registry);
  if (!exposer.ok()) {
    loyalty::LogError(exposer.status().ToString());
    return 1;
  }
  absl::StatusOr<std::unique_ptr<loyalty::rpc::Health>> health =
      loyalty::rpc::Health::Start({config.database_url, loyalty::store::Migrations().back().version,
                                   config.health_listen, lifecycle->health_interval},
                                  {});
  if (!health.ok()) {
    loyalty::LogError(health.status().ToString());
    return 1;
  }
  absl::Notification rounds_ended;
  std::thread rounds([&] {
    worker.Run();
    rounds_ended.Notify();
  });
  loyalty::LogInfo("loyalty-worker running");
  const int signal_number = loyalty::rpc::WaitForShutdownSignal();
  loyalty::LogInfo(absl::StrCat("signal ", signal_number, ": stopping after the current round"));
  (*health)->Drain();
  worker.Stop();
  if (!rounds_ended.WaitForNotificationWithTimeout(lifecycle->shutdown_grace)) {
    loyalty::LogWarning("the shutdown grace has passed: cancelling the round's SQL");
    pool.CancelRunning();
  }
  rounds.join();
  return 0;
}
