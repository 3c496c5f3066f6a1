// loyalty-worker: the batch jobs that happen with time (expiry, reservation timeouts, tier
// re-qualification, idempotency retention). Several replicas may run at once.

#include <memory>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "libs/base/clock.h"
#include "libs/base/log.h"
#include "libs/pg/pool.h"
#include "libs/rpc/health.h"
#include "libs/rpc/metrics.h"
#include "libs/rpc/metrics_endpoint.h"
#include "libs/rpc/server.h"
#include "libs/store/context.h"
#include "libs/store/migrations.h"
#include "prometheus/registry.h"
#include "services/worker/worker.h"

ABSL_FLAG(std::string, database_url, "postgresql://postgres@127.0.0.1:5432/loyalty",
          "libpq connection string of the command database");
ABSL_FLAG(std::string, metrics_listen, "127.0.0.1:9466",
          "Prometheus /metrics listen address; empty disables it");
ABSL_FLAG(std::string, health_listen, "",
          "a plaintext listen address serving only the gRPC health service, for kubelet's probes; "
          "empty: none");
ABSL_FLAG(int, pool_size, 4, "database connections (1..64)");
ABSL_FLAG(int, batch, 500, "members or records per job call (1..10000)");
ABSL_FLAG(int, interval_ms, 1000, "pause between rounds without work (10..3600000)");
ABSL_FLAG(int, idempotency_retention_days, 30, "keep idempotency records this long (1..3650)");

int main(int argc, char** argv) {
  loyalty::rpc::PrepareServerProcess();
  absl::ParseCommandLine(argc, argv);
  const int pool_size = absl::GetFlag(FLAGS_pool_size);
  const int batch = absl::GetFlag(FLAGS_batch);
  const int interval_ms = absl::GetFlag(FLAGS_interval_ms);
  const int retention_days = absl::GetFlag(FLAGS_idempotency_retention_days);
  if (pool_size < 1 || pool_size > 64 || batch < 1 || batch > 10000 || interval_ms < 10 ||
      interval_ms > 3600000 || retention_days < 1 || retention_days > 3650) {
    loyalty::LogError("a flag is out of range; see --help");
    return 2;
  }
  auto registry = std::make_shared<prometheus::Registry>();
  loyalty::rpc::PoolMetrics pool_metrics(*registry, "worker");
  loyalty::pg::Pool pool({absl::GetFlag(FLAGS_database_url), pool_size, absl::Seconds(10)},
                         &pool_metrics);
  loyalty::SystemClock clock;
  const loyalty::store::Context context{&pool, &clock, loyalty::pg::RetryPolicy{}};
  loyalty::worker::Worker worker(
      context,
      {batch, absl::Milliseconds(interval_ms), absl::Hours(24) * retention_days},
      *registry);
  const std::string metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  absl::StatusOr<std::unique_ptr<prometheus::Exposer>> exposer =
      loyalty::rpc::ServeMetrics(metrics_listen, registry);
  if (!exposer.ok()) {
    loyalty::LogError(exposer.status().ToString());
    return 1;
  }
  absl::StatusOr<std::unique_ptr<loyalty::rpc::Health>> health = loyalty::rpc::Health::Start(
      {absl::GetFlag(FLAGS_database_url), loyalty::store::Migrations().back().version,
       absl::GetFlag(FLAGS_health_listen)},
      {});
  if (!health.ok()) {
    loyalty::LogError(health.status().ToString());
    return 1;
  }
  std::thread rounds([&] { worker.Run(); });
  loyalty::LogInfo("loyalty-worker running");
  const int signal_number = loyalty::rpc::WaitForShutdownSignal();
  loyalty::LogInfo(absl::StrCat("signal ", signal_number, ": stopping after the current round"));
  (*health)->Drain();
  worker.Stop();
  rounds.join();
  return 0;
}
