#pragma once

#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/time/time.h"
#include "grpcpp/server.h"
#include "libs/rpc/metrics.h"

namespace loyalty::rpc {

// How long StopServers gives the calls cancelled at the grace deadline to be answered before
// gRPC cancels them itself, and then the servers to stop before the process ends at once.
inline constexpr absl::Duration kShutdownAnswerTime = absl::Seconds(3);

// A bounded shutdown, on SIGTERM (docs/operations.md, "Shutdown"): `servers` (null ones skipped)
// stop taking calls at once, all together; the calls already taken get `grace` to finish. Once
// `metrics` (may be null) counts no call in flight, the clients' connections, idle, are closed
// at once: gRPC would otherwise wait for the clients to close them, until the grace. At the
// grace deadline, `cancel_running()` ends those still working (the pool's CancelRunning: their
// SQL is cancelled in the database, so that none commits after its client is answered), and
// they are answered UNAVAILABLE. Calls still unanswered kShutdownAnswerTime later are cancelled
// by gRPC; servers that still have not stopped kShutdownAnswerTime after that (a database that
// no longer answers at all) end the process at once with status 1. Returns when every server has
// stopped.
void StopServers(std::vector<grpc::Server*> servers, absl::Duration grace,
                 absl::FunctionRef<void()> cancel_running, RpcMetrics* metrics);

}  // namespace loyalty::rpc
