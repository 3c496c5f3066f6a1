#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/node_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/pg/pool.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace loyalty::rpc {

// grpc::StatusCode runs 0 (OK) .. 16 (UNAUTHENTICATED).
inline constexpr int kGrpcCodes = 17;

// The standard gRPC server metrics, under go-grpc-prometheus' names (docs/operations.md):
// grpc_server_started_total, grpc_server_handled_total (by grpc_code, Go's code names) and the
// grpc_server_handling_seconds histogram, all by grpc_type, grpc_service and grpc_method, plus
// the calls in flight and each call queue's depth. The interceptor that StartServer installs
// (ServerOptions::metrics) records every call the server receives, those refused before a
// handler included; no handler records its own. A method's series exist, at 0, from the moment
// it is declared; a call of a method not declared (one the server does not serve) is recorded
// as grpc_service and grpc_method "unknown", so that no caller can add series.
class RpcMetrics final {
 public:
  // The series of one method: its counters by code (indexed by grpc::StatusCode), and gauges.
  struct Series {
    prometheus::Counter* started = nullptr;
    prometheus::Gauge* in_flight = nullptr;
    prometheus::Histogram* seconds = nullptr;
    std::array<prometheus::Counter*, kGrpcCodes> handled{};
  };

  explicit RpcMetrics(prometheus::Registry& registry);

  // Creates the series of "/<service>/<method>" of `type` (grpc::internal::RpcMethod::RpcType),
  // each at 0. Declaring a method again changes nothing.
  void Declare(absl::string_view service, absl::string_view method, int type);
  // The series of a call of `path` ("/loyalty.v1.CommandService/Accrue"; null: unknown), or of
  // the unknown method of `type` when `path` was not declared.
  const Series& SeriesOf(const char* path, int type);

  // The calls of every method started and not yet answered (the in-flight gauges' sum).
  int64_t CallsInFlight();

  // The gauges of `service`'s call queue (QueuedCalls): calls waiting for a worker, and its
  // capacity.
  prometheus::Gauge& QueueDepth(absl::string_view service);
  prometheus::Gauge& QueueCapacity(absl::string_view service);

 private:
  Series& Create(const std::string& service, const std::string& method, int type)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& seconds_;
  prometheus::Family<prometheus::Gauge>& in_flight_;
  prometheus::Family<prometheus::Gauge>& queue_depth_;
  prometheus::Family<prometheus::Gauge>& queue_capacity_;
  absl::Mutex mutex_;
  // By path ("/<service>/<method>"), and the unknown methods' by "unknown/<type>"; node-based:
  // the references stay valid.
  absl::node_hash_map<std::string, Series> series_ ABSL_GUARDED_BY(mutex_);
};

// Go's names of the gRPC codes ("OK", "InvalidArgument", "ResourceExhausted", ...), as
// go-grpc-prometheus labels grpc_code; "Unknown" for a number outside 0..16.
absl::string_view GrpcCodeName(int code);

// Connection pool usage, waits, transaction retries and round trips to the database.
class PoolMetrics final : public pg::PoolObserver {
 public:
  PoolMetrics(prometheus::Registry& registry, absl::string_view pool_name);

  void OnAcquire(absl::Duration waited) override;
  void OnInUseChanged(int in_use, int size) override;
  void OnRetry(std::string_view sqlstate) override;
  void OnRoundTrips(int64_t count) override;

 private:
  prometheus::Gauge& in_use_;
  prometheus::Gauge& size_;
  prometheus::Histogram& wait_;
  prometheus::Family<prometheus::Counter>& retries_;
  prometheus::Counter& round_trips_;
  std::string pool_name_;
};

}  // namespace loyalty::rpc
