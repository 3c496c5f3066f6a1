#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "grpcpp/support/status.h"
#include "libs/pg/pool.h"
#include "libs/rpc/status.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace loyalty::rpc {

// RPC counts by method and code, and latency histograms by method.
class RpcMetrics final {
 public:
  explicit RpcMetrics(prometheus::Registry& registry);

  void Record(absl::string_view method, absl::StatusCode code, absl::Duration elapsed);

  // Runs a handler body, records it with the time since `start` (a queued call's arrival), and
  // maps its status for the wire.
  template <typename Body>
  grpc::Status Observe(absl::string_view method, Body&& body, absl::Time start = absl::Now()) {
    const absl::Status status = body();
    Record(method, status.code(), absl::Now() - start);
    return ToGrpcStatus(status);
  }

 private:
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& latency_;
};

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
