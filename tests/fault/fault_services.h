#pragma once

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "loyalty/v1/query.grpc.pb.h"
#include "tests/fault/fault_load.h"
#include "tests/support/service_process.h"

namespace loyalty::testing {

// What a fault test's load runs against: the real loyalty-command and loyalty-query
// (LOYALTY_COMMAND_BINARY, LOYALTY_QUERY_BINARY: plaintext, no metrics) serving one database on
// free loopback ports, logging into a temporary directory, and the demo org of 8 members.
class FaultServices final {
 public:
  static constexpr absl::Duration kStartTimeout = absl::Seconds(30);
  static constexpr absl::Duration kStopTimeout = absl::Seconds(20);

  FaultServices(std::string command_binary, std::string query_binary);
  // Prints both logs when the test has failed; stops what still runs; removes the logs.
  ~FaultServices();
  FaultServices(const FaultServices&) = delete;
  FaultServices& operator=(const FaultServices&) = delete;

  // Starts both on `url` (a libpq URL; loyalty-command migrates the database before it
  // listens) and creates the org `org_id`. Fails the test (fatally) when one cannot start.
  void Start(const std::string& url, const std::string& org_id);

  ServiceProcess& command() { return *command_; }
  ServiceProcess& query() { return *query_; }
  v1::QueryService::Stub& queries() { return *queries_; }
  // The load's targets, org and members (the other options at their defaults).
  const LoadOptions& options() const { return options_; }

  // No process died but the ones a test killed: the last incarnations still run, and stop with
  // status 0.
  void ExpectRunningAndStopCleanly();

 private:
  std::unique_ptr<ServiceProcess> Service(const std::string& binary, const std::string& url,
                                          int port, int pool_size, const std::string& name) const;

  const std::string command_binary_;
  const std::string query_binary_;
  std::string log_dir_;
  std::unique_ptr<ServiceProcess> command_;
  std::unique_ptr<ServiceProcess> query_;
  std::unique_ptr<v1::QueryService::Stub> queries_;
  LoadOptions options_;
};

}  // namespace loyalty::testing
