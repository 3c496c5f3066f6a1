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
#include "libs/rpc/status.h"
#include "libs/rpc/trace_context.h"
#include "prometheus/gauge.h"

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
// running. The calls waiting are the service's loyalty_rpc_call_queue_depth (RpcMetrics; the
// server's interceptor records the calls themselves). Shut the gRPC server down before
// destroying it.
class QueuedCalls final {
 public:
  // `grpc_service` ("loyalty.v1.QueryService") labels the queue's gauges; `name` names the
  // service in the refusal ("the query service is busy: ...").
  QueuedCalls(absl::string_view grpc_service, std::string name, RpcMetrics& metrics,
              CallLimits limits)
      : name_(std::move(name)),
        depth_(metrics.QueueDepth(grpc_service)),
        calls_(limits.workers, limits.max_queued) {
    metrics.QueueCapacity(grpc_service).Set(limits.max_queued);
  }

  // As Run, but `at_once()` first, on gRPC's own thread: when it returns a status (having
  // filled the response), the call is answered with it there and then, without a worker. It must
  // never wait (a cache hit, a refused argument); nullopt: `body` is queued as by Run.
  template <typename AtOnce, typename Body>
  grpc::ServerUnaryReactor* RunUnlessAnswered(grpc::CallbackServerContext* server_context,
                                              AtOnce at_once, Body body) {
    std::optional<absl::Status> answered = at_once();
    if (!answered.has_value()) return Run(server_context, std::move(body));
    grpc::ServerUnaryReactor* reactor = server_context->DefaultReactor();
    reactor->Finish(ToGrpcStatus(*answered, CallTraceId(*server_context)));
    return reactor;
  }

  // `body(deadline)` returns the call's absl::Status and fills its response.
  template <typename Body>
  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* server_context, Body body) {
    grpc::ServerUnaryReactor* reactor = server_context->DefaultReactor();
    const absl::Time deadline = DeadlineOf(*server_context);
    const std::string trace_id = CallTraceId(*server_context);  // for the log, with a request id
    depth_.Increment();
    const bool queued = calls_.TrySubmit([=, this, body = std::move(body)]() mutable {
      depth_.Decrement();
      // Its client has given up: no use running it.
      reactor->Finish(ToGrpcStatus(
          absl::Now() >= deadline
              ? absl::DeadlineExceededError("the call's deadline passed while it was queued")
              : body(deadline),
          trace_id));
    });
    if (!queued) {
      depth_.Decrement();
      reactor->Finish(ToGrpcStatus(absl::ResourceExhaustedError(absl::StrCat(
                                       "the ", name_, " service is busy: its call queue (capacity ",
                                       calls_.capacity(), ") is full")),
                                   trace_id));
    }
    return reactor;
  }

 private:
  const std::string name_;
  prometheus::Gauge& depth_;
  CallQueue calls_;
};

}  // namespace loyalty::rpc
