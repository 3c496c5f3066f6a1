#pragma once

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/server.h"
#include "libs/rpc/server.h"

namespace loyalty::rpc {

// The health service names every server of a process answers (grpc.health.v1.Health):
// "liveness" is SERVING while the process runs; "readiness", "" and each service's name
// ("loyalty.v1.CommandService", ...) are SERVING while the database answers and holds the schema
// this binary was built for (docs/operations.md, docs/deploy.md).
inline constexpr char kLivenessService[] = "liveness";
inline constexpr char kReadinessService[] = "readiness";

// OK when the database at `url` answers (within its connect timeout and 2 s a statement) and its
// schema_migrations has reached `schema_version`; else UNAVAILABLE saying which.
absl::Status CheckDatabase(const std::string& url, int schema_version);

struct HealthOptions {
  std::string database_url;
  int schema_version = 0;  // the newest migration the binary knows
  std::string health_listen;  // a plaintext listener of the health service alone; empty: none
  absl::Duration interval = absl::Seconds(1);  // between checks (--health_interval_ms)
};

// A process's health: CheckDatabase every `interval` in a thread of its own, reported on the
// health service of `servers` (each under its own services' names) and of the plaintext health
// listener (under all of them), which kubelet's gRPC probes can reach (they cannot speak mutual
// TLS; the listener serves nothing else). Stops when destroyed; destroy it before the servers.
class Health final {
 public:
  // Servers without a grpc::Server (an optional listener not started) are skipped.
  static absl::StatusOr<std::unique_ptr<Health>> Start(
      const HealthOptions& options, const std::vector<const RunningServer*>& servers);
  ~Health();
  int health_port() const { return listener_.port; }

  // NOT_SERVING for readiness from now on (on SIGTERM: no new calls are routed here while the
  // running ones drain).
  void Drain();

 private:
  // A server and the names of its services.
  struct Target {
    grpc::Server* server;
    std::vector<std::string> services;
  };

  // `ready`: the first check's outcome.
  Health(HealthOptions options, std::vector<Target> targets, RunningServer listener, bool ready);
  void Report(bool ready);
  void StopChecking();
  // Checks every interval until stopped; `was_ready`: the first check's outcome.
  void Run(bool was_ready, std::stop_token stop);

  const HealthOptions options_;
  std::vector<Target> targets_;
  RunningServer listener_;
  std::jthread checker_;
};

}  // namespace loyalty::rpc
