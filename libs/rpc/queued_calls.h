#pragma once

#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "libs/rpc/call_queue.h"
#include "libs/rpc/metrics.h"

namespace loyalty::rpc {

// How many calls a callback service runs at once and how many wait (the services' --workers
// and --max_queued_calls). The defaults are loyalty-command's: a worker for each connection of
// its default --pool_size, so that a running call does not wait for a connection.
struct CallLimits {
  int workers = 16;
  int max_queued = 1024;
};

// The error naming the flag out of range (workers 1..1024, max_queued 1..100000), or OK.
absl::Status CheckCallLimits(const CallLimits& limits);

// The call's deadline, or absl::InfiniteFuture() when it has none (or one over a day away).
absl::Time DeadlineOf(const grpc::CallbackServerContext& server_context);

// The unary calls of a callback service: gRPC's threads only hand each call's body to a
// CallQueue (a fixed set of workers behind a bounded queue) and return its reactor, which a
// worker finishes. A call that finds the queue full is refused at once with RESOURCE_EXHAUSTED
// (OVERLOADED); one whose deadline passed while it was queued gets DEADLINE_EXCEEDED without
// running. Every call is recorded in RpcMetrics from its arrival, so the time queued counts.
// Shut the gRPC server down before destroying it.
class QueuedCalls final {
 public:
  // `service` names the service in the refusal ("the query service is busy: ...").
  QueuedCalls(std::string service, RpcMetrics& metrics, CallLimits limits)
      : service_(std::move(service)),
        metrics_(metrics),
        calls_(limits.workers, limits.max_queued) {}

  // As Run, but `at_once()` first, on gRPC's own thread: when it returns a status (having
  // filled the response), the call is answered with it there and then, without a worker. It must
  // never wait (a cache hit, a refused argument); nullopt: `body` is queued as by Run.
  template <typename AtOnce, typename Body>
  grpc::ServerUnaryReactor* RunUnlessAnswered(absl::string_view method,
                                              grpc::CallbackServerContext* server_context,
                                              AtOnce at_once, Body body) {
    const absl::Time arrived = absl::Now();
    std::optional<absl::Status> answered = at_once();
    if (!answered.has_value()) return Run(method, server_context, std::move(body));
    grpc::ServerUnaryReactor* reactor = server_context->DefaultReactor();
    reactor->Finish(metrics_.Observe(method, [&] { return *std::move(answered); }, arrived));
    return reactor;
  }

  // `body(deadline)` returns the call's absl::Status and fills its response.
  template <typename Body>
  grpc::ServerUnaryReactor* Run(absl::string_view method,
                                grpc::CallbackServerContext* server_context, Body body) {
    grpc::ServerUnaryReactor* reactor = server_context->DefaultReactor();
    const absl::Time arrived = absl::Now();
    const absl::Time deadline = DeadlineOf(*server_context);
    const bool queued = calls_.TrySubmit([=, this, body = std::move(body)]() mutable {
      reactor->Finish(metrics_.Observe(
          method,
          [&]() -> absl::Status {
            // Its client has given up: no use running it.
            if (absl::Now() >= deadline) {
              return absl::DeadlineExceededError("the call's deadline passed while it was queued");
            }
            return body(deadline);
          },
          arrived));
    });
    if (!queued) {
      reactor->Finish(metrics_.Observe(method, [this] {
        return absl::ResourceExhaustedError(absl::StrCat("the ", service_,
                                                         " service is busy: its call queue "
                                                         "(capacity ",
                                                         calls_.capacity(), ") is full"));
      }));
    }
    return reactor;
  }

 private:
  const std::string service_;
  RpcMetrics& metrics_;
  CallQueue calls_;
};

}  // namespace loyalty::rpc
