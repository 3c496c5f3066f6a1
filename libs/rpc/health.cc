#include "libs/rpc/health.h"

#include "absl/strings/str_cat.h"
#include "grpcpp/health_check_service_interface.h"
#include "libs/base/log.h"
#include "libs/base/sleep.h"
#include "libs/pg/connection.h"

namespace loyalty::rpc {

absl::Status CheckDatabase(const std::string& url, int schema_version) {
  absl::StatusOr<std::unique_ptr<pg::Connection>> connection = pg::Connection::Open(url);
  if (!connection.ok()) {
    return absl::UnavailableError(absl::StrCat("the database does not answer: ",
                                               connection.status().message()));
  }
  absl::StatusOr<pg::Result> version = (*connection)->ExecuteText(
      "SET statement_timeout = '2s'; "
      "SELECT coalesce(max(version), 0) FROM schema_migrations");
  if (!version.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot read the schema version: ", version.status().message()));
  }
  const int64_t applied = version->Int64(0, 0);
  if (applied < schema_version) {
    return absl::UnavailableError(absl::StrCat("the schema is at migration ", applied,
                                               ", this binary needs ", schema_version,
                                               ": run loyalty-command migrate"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Health>> Health::Start(const HealthOptions& options,
                                                      std::vector<grpc::Server*> servers) {
  std::erase(servers, nullptr);
  const bool ready = CheckDatabase(options.database_url, options.schema_version).ok();
  RunningServer listener;
  if (!options.health_listen.empty()) {
    absl::StatusOr<RunningServer> started = StartServer({options.health_listen}, {});
    if (!started.ok()) return started.status();
    listener = *std::move(started);
    servers.push_back(listener.server.get());
  }
  return std::unique_ptr<Health>(
      new Health(options, std::move(servers), std::move(listener), ready));
}

Health::Health(HealthOptions options, std::vector<grpc::Server*> servers, RunningServer listener,
               bool ready)
    : options_(std::move(options)), servers_(std::move(servers)), listener_(std::move(listener)) {
  Report(ready);
  checker_ = std::jthread([this, ready](std::stop_token stop) { Run(ready, stop); });
}

Health::~Health() {
  StopChecking();
  if (listener_.server) listener_.server->Shutdown();
}

void Health::Drain() {
  StopChecking();
  Report(/*ready=*/false);
}

void Health::StopChecking() {
  if (!checker_.joinable()) return;
  checker_.request_stop();
  checker_.join();
}

void Health::Report(bool ready) {
  for (grpc::Server* server : servers_) {
    grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
    health->SetServingStatus(ready);
    health->SetServingStatus(kReadinessService, ready);
    health->SetServingStatus(kLivenessService, /*serving=*/true);
  }
}

void Health::Run(bool was_ready, std::stop_token stop) {
  while (!SleepUnlessStopped(stop, options_.interval)) {
    const absl::Status checked = CheckDatabase(options_.database_url, options_.schema_version);
    if (checked.ok() != was_ready) {
      if (checked.ok()) {
        LogInfo("ready: the database answers and holds this binary's schema");
      } else {
        LogWarning(absl::StrCat("not ready: ", checked.message()));
      }
      was_ready = checked.ok();
    }
    Report(checked.ok());
  }
}

}  // namespace loyalty::rpc
