#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/time/time.h"

namespace loyalty::testing {

// A service binary (loyalty-command, loyalty-query) run as a child process serving gRPC on a
// loopback port: started, killed and started again on the same port, and stopped with its exit
// status checked. Its stdout and stderr are appended to a log file. Not thread-safe.
class ServiceProcess final {
 public:
  // `args` follow the binary; `grpc_port` is the port its --listen names.
  ServiceProcess(std::string binary, std::vector<std::string> args, int grpc_port,
                 std::string log_path);
  // Kills a process still running (a test that failed before Stop).
  ~ServiceProcess();
  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;

  // Spawns the binary and waits, at most `timeout`, until its gRPC port accepts connections.
  // False when it cannot be spawned, exits meanwhile, or does not listen in time.
  bool Start(absl::Duration timeout);
  // kill -9 and reap. False when it was not running (it had died by itself).
  bool Kill();
  // True while the current process runs; reaps it (an unexpected exit) when it has ended.
  bool Running();
  // SIGTERM, then waits at most `timeout` for it to end: its wait status, or -1 when it was not
  // running or did not end in time (it is then killed).
  int Stop(absl::Duration timeout);

  // Exits that no Kill or Stop caused, with their wait statuses described.
  const std::vector<std::string>& unexpected_exits() const { return unexpected_exits_; }
  int kills() const { return kills_; }
  // The last `bytes` of the log, for failure messages.
  std::string LogTail(size_t bytes = 4000) const;

 private:
  // Waits, at most `timeout`, for the process to end; true when it has (status_ set).
  bool Reap(absl::Duration timeout);

  const std::string binary_;
  const std::vector<std::string> args_;
  const int grpc_port_;
  const std::string log_path_;
  pid_t pid_ = 0;  // 0 when not running
  int status_ = 0;  // wait status of the last process that ended
  int kills_ = 0;
  std::vector<std::string> unexpected_exits_;
};

// GET http://127.0.0.1:port/path over HTTP/1.0 (the server closes when done), each read and
// write bounded by 2 s: the whole answer, headers included, or "" when nothing answers.
std::string HttpGet(int port, const std::string& path);

// HttpGet of /metrics (Prometheus' text format).
std::string HttpGetMetrics(int port);

// "exited with status N" or "killed by signal N".
std::string DescribeWaitStatus(int status);

}  // namespace loyalty::testing
