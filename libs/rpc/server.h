#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/support/config.h"
#include "libs/rpc/metrics.h"

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
  // The listener's credentials (MutualTlsServerCredentials); null: plaintext.
  std::shared_ptr<grpc::ServerCredentials> credentials{};
  // Records every call (MetricsInterceptorFactory); null: none. The services' methods are
  // declared in it by rpc::UnaryService, the health and reflection services' by StartServer.
  RpcMetrics* metrics = nullptr;
};

// A started gRPC server with the standard health service (SERVING for "" and each registered
// service's name; rpc::Health then reports readiness on them) and server reflection.
struct RunningServer {
  std::unique_ptr<grpc::Server> server;
  int port = 0;
  std::vector<std::string> services;  // the full names of its services (UnaryService's)
};

absl::StatusOr<RunningServer> StartServer(const ServerOptions& options,
                                          const std::vector<grpc::Service*>& services);

// glibc's malloc arenas a server process keeps unless MALLOC_ARENA_MAX says otherwise. With
// glibc's own default (8 per core) each new thread gets an arena of its own until there are
// that many, and a burst of calls on many threads leaves their memory resident
// (docs/operations.md).
inline constexpr int kMallocArenas = 2;

// Call first thing in a server's main, before other threads start. Blocks SIGINT and SIGTERM
// (the threads inherit the mask; WaitForShutdownSignal then waits for one), caps malloc's arenas
// at kMallocArenas unless the environment sets MALLOC_ARENA_MAX, and turns off absl::Mutex's
// deadlock detection, which Debian's Abseil leaves on: it updates one global lock graph on every
// lock. The tests keep it.
void PrepareServerProcess();
int WaitForShutdownSignal();

}  // namespace loyalty::rpc
