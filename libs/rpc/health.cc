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

absl::StatusOr<std::unique_ptr<Health>> Health::Start(
    const HealthOptions& options, const std::vector<const RunningServer*>& servers) {
  std::vector<Target> targets;
  std::vector<std::string> all_services;
  for (const RunningServer* running : servers) {
    if (running == nullptr || running->server == nullptr) continue;
    targets.push_back({running->server.get(), running->services});
    all_services.insert(all_services.end(), running->services.begin(), running->services.end());
  }
  const bool ready = CheckDatabase(options.database_url, options.schema_version).ok();
  RunningServer listener;
  if (!options.health_listen.empty()) {
    absl::StatusOr<RunningServer> started = StartServer({options.health_listen}, {});
    if (!started.ok()) return started.status();
    listener = *std::move(started);
    targets.push_back({listener.server.get(), std::move(all_services)});
  }
  return std::unique_ptr<Health>(
      new Health(options, std::move(targets), std::move(listener), ready));
}

Health::Health(HealthOptions options, std::vector<Target> targets, RunningServer listener,
               bool ready)
    : options_(std::move(options)), targets_(std::move(targets)), listener_(std::move(listener)) {
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
  // Name by name: the bulk SetServingStatus(bool) would turn "liveness" too.
  for (const Target& target : targets_) {
    grpc::HealthCheckServiceInterface* health = target.server->GetHealthCheckService();
    health->SetServingStatus("", ready);
    health->SetServingStatus(kReadinessService, ready);
    for (const std::string& service : target.services) health->SetServingStatus(service, ready);
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
