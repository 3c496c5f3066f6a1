#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "loyalty/v1/query.grpc.pb.h"
#include "tests/fault/fault_load.h"
#include "tests/support/service_process.h"

namespace loyalty::testing {

// What a fault test's load runs against: the real binaries, plaintext and without metrics,
// serving one database on free loopback ports and logging into a temporary directory: three
// loyalty-command replicas (each with its own pool, caches and member batcher; the load spreads
// over them) and one loyalty-query; and the demo org of 8 members.
class FaultServices final {
 public:
  static constexpr absl::Duration kStartTimeout = absl::Seconds(30);
  static constexpr absl::Duration kStopTimeout = absl::Seconds(20);
  static constexpr int kCommandReplicas = 3;

  FaultServices(std::string command_binary, std::string query_binary);
  // Prints the logs when the test has failed; stops what still runs; removes the logs.
  ~FaultServices();
  FaultServices(const FaultServices&) = delete;
  FaultServices& operator=(const FaultServices&) = delete;

  // Starts them on `url` (a libpq URL; loyalty-command migrates the database before it listens)
  // and creates the org `org_id`. Fails the test (fatally) when one cannot start.
  void Start(const std::string& url, const std::string& org_id);

  ServiceProcess& command(int replica = 0) { return *commands_[static_cast<size_t>(replica)]; }
  ServiceProcess& query() { return *query_; }
  v1::QueryService::Stub& queries() { return *queries_; }
  // The load's targets, org and members (the other options at their defaults).
  const LoadOptions& options() const { return options_; }

  // No process died but the ones a test killed: the last incarnations of all still run, and
  // stop with status 0.
  void ExpectRunningAndStopCleanly();

 private:
  std::unique_ptr<ServiceProcess> Service(const std::string& binary, const std::string& url,
                                          int port, int pool_size, const std::string& name) const;

  const std::string command_binary_;
  const std::string query_binary_;
  std::string log_dir_;
  std::vector<std::unique_ptr<ServiceProcess>> commands_;
  std::unique_ptr<ServiceProcess> query_;
  std::unique_ptr<v1::QueryService::Stub> queries_;
  LoadOptions options_;
};

}  // namespace loyalty::testing
