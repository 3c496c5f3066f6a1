#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/server.h"
#include "grpcpp/support/config.h"

namespace grpc {
class Service;
}

namespace loyalty::rpc {

// The sync server's thread quota of every binary (their --max_threads default).
inline constexpr int kDefaultMaxThreads = 256;

struct ServerOptions {
  std::string listen_address = "127.0.0.1:50051";  // port 0 picks a free one
  int max_message_bytes = 4 * 1024 * 1024;
  int max_threads = kDefaultMaxThreads;  // sync server threads, bounded by a resource quota
};

// A started gRPC server with the standard health service (SERVING for "" and each registered
// service) and server reflection.
struct RunningServer {
  std::unique_ptr<grpc::Server> server;
  int port = 0;
};

absl::StatusOr<RunningServer> StartServer(const ServerOptions& options,
                                          const std::vector<grpc::Service*>& services);

// Call first thing in a server's main, before other threads start. Blocks SIGINT and SIGTERM
// (the threads inherit the mask; WaitForShutdownSignal then waits for one) and turns off
// absl::Mutex's deadlock detection, which Debian's Abseil leaves on: it updates one global lock
// graph on every lock. The tests keep it.
void PrepareServerProcess();
int WaitForShutdownSignal();

}  // namespace loyalty::rpc
