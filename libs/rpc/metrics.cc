#include "libs/rpc/metrics.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"

namespace loyalty::rpc {
namespace {

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const prometheus::Histogram::BucketBoundaries buckets = {
      0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.0025, 0.003, 0.005, 0.01,
      0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
  return buckets;
}

std::string CodeName(absl::StatusCode code) {
  return absl::AsciiStrToUpper(absl::StatusCodeToString(code));
}

}  // namespace

RpcMetrics::RpcMetrics(prometheus::Registry& registry)
    : requests_(prometheus::BuildCounter()
                    .Name("loyalty_rpc_requests_total")
                    .Help("RPCs handled, by method and status code")
                    .Register(registry)),
      latency_(prometheus::BuildHistogram()
                   .Name("loyalty_rpc_duration_seconds")
                   .Help("Server-side RPC latency, by method")
                   .Register(registry)) {}

void RpcMetrics::Record(absl::string_view method, absl::StatusCode code, absl::Duration elapsed) {
  const std::string method_name(method);
  requests_.Add({{"method", method_name}, {"code", CodeName(code)}}).Increment();
  latency_.Add({{"method", method_name}}, LatencyBuckets())
      .Observe(absl::ToDoubleSeconds(elapsed));
}

PoolMetrics::PoolMetrics(prometheus::Registry& registry, absl::string_view pool_name)
    : in_use_(prometheus::BuildGauge()
                  .Name("loyalty_db_pool_in_use")
                  .Help("Database connections leased")
                  .Register(registry)
                  .Add({{"pool", std::string(pool_name)}})),
      size_(prometheus::BuildGauge()
                .Name("loyalty_db_pool_size")
                .Help("Database pool capacity")
                .Register(registry)
                .Add({{"pool", std::string(pool_name)}})),
      wait_(prometheus::BuildHistogram()
                .Name("loyalty_db_pool_wait_seconds")
                .Help("Time spent waiting for a database connection")
                .Register(registry)
                .Add({{"pool", std::string(pool_name)}}, LatencyBuckets())),
      retries_(prometheus::BuildCounter()
                   .Name("loyalty_db_retries_total")
                   .Help("SQL transactions retried after a conflict, by SQLSTATE")
                   .Register(registry)),
      round_trips_(prometheus::BuildCounter()
                       .Name("loyalty_db_round_trips_total")
                       .Help("Waits for the database server (one per statement, or per pipeline)")
                       .Register(registry)
                       .Add({{"pool", std::string(pool_name)}})),
      pool_name_(pool_name) {}

void PoolMetrics::OnAcquire(absl::Duration waited) {
  wait_.Observe(absl::ToDoubleSeconds(waited));
}

void PoolMetrics::OnInUseChanged(int in_use, int size) {
  in_use_.Set(in_use);
  size_.Set(size);
}

void PoolMetrics::OnRetry(std::string_view sqlstate) {
  retries_.Add({{"pool", pool_name_}, {"sqlstate", std::string(sqlstate)}}).Increment();
}

void PoolMetrics::OnRoundTrips(int64_t count) {
  round_trips_.Increment(static_cast<double>(count));
}

}  // namespace loyalty::rpc
