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

struct ServerOptions {
  std::string listen_address = "127.0.0.1:50051";  // port 0 picks a free one
  int max_message_bytes = 4 * 1024 * 1024;
  int max_threads = 256;  // sync server threads, bounded by a resource quota
};

// A started gRPC server with the standard health service (SERVING for "" and each registered
// service) and server reflection.
struct RunningServer {
  std::unique_ptr<grpc::Server> server;
  int port = 0;
};

absl::StatusOr<RunningServer> StartServer(const ServerOptions& options,
                                          const std::vector<grpc::Service*>& services);

// Blocks SIGINT and SIGTERM in the calling thread (call it first thing in main, before other
// threads start, so they inherit the mask) and returns; WaitForShutdownSignal then waits for one.
void BlockShutdownSignals();
int WaitForShutdownSignal();

}  // namespace loyalty::rpc
