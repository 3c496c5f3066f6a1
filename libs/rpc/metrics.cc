#include "libs/rpc/metrics.h"

#include "absl/strings/str_cat.h"
#include "grpcpp/impl/rpc_method.h"

namespace loyalty::rpc {
namespace {

// Fine below a millisecond, where most calls end, up to a minute: a call may wait in the database
// as long as its deadline, which the services do not cap (docs/operations.md).
const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const prometheus::Histogram::BucketBoundaries buckets = {
      0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.0025, 0.003, 0.005, 0.01,
      0.025,  0.05,    0.1,    0.25,    0.5,   1,      2.5,   5,      10,    30,    60};
  return buckets;
}

// go-grpc-prometheus' grpc_type of a grpc::internal::RpcMethod::RpcType.
std::string TypeName(int type) {
  switch (type) {
    case grpc::internal::RpcMethod::NORMAL_RPC:
      return "unary";
    case grpc::internal::RpcMethod::CLIENT_STREAMING:
      return "client_stream";
    case grpc::internal::RpcMethod::SERVER_STREAMING:
      return "server_stream";
    default:
      return "bidi_stream";
  }
}

constexpr char kUnknown[] = "unknown";

}  // namespace

absl::string_view GrpcCodeName(int code) {
  static constexpr std::array<absl::string_view, kGrpcCodes> kNames = {
      "OK",       "Canceled",       "Unknown",          "InvalidArgument",   "DeadlineExceeded",
      "NotFound", "AlreadyExists",  "PermissionDenied", "ResourceExhausted", "FailedPrecondition",
      "Aborted",  "OutOfRange",     "Unimplemented",    "Internal",          "Unavailable",
      "DataLoss", "Unauthenticated"};
  if (code < 0 || code >= kGrpcCodes) return "Unknown";
  return kNames[static_cast<size_t>(code)];
}

RpcMetrics::RpcMetrics(prometheus::Registry& registry)
    : started_(prometheus::BuildCounter()
                   .Name("grpc_server_started_total")
                   .Help("Total number of RPCs started on the server.")
                   .Register(registry)),
      handled_(prometheus::BuildCounter()
                   .Name("grpc_server_handled_total")
                   .Help("Total number of RPCs completed on the server, regardless of success or "
                         "failure.")
                   .Register(registry)),
      seconds_(prometheus::BuildHistogram()
                   .Name("grpc_server_handling_seconds")
                   .Help("Histogram of response latency (seconds) of gRPC that had been "
                         "application-level handled by the server.")
                   .Register(registry)),
      in_flight_(prometheus::BuildGauge()
                     .Name("loyalty_rpc_calls_in_flight")
                     .Help("Calls started and not yet answered, by method")
                     .Register(registry)),
      queue_depth_(prometheus::BuildGauge()
                       .Name("loyalty_rpc_call_queue_depth")
                       .Help("Calls waiting in a service's call queue for a worker")
                       .Register(registry)),
      queue_capacity_(prometheus::BuildGauge()
                          .Name("loyalty_rpc_call_queue_capacity")
                          .Help("Calls a service's call queue holds; past it RESOURCE_EXHAUSTED")
                          .Register(registry)) {}

RpcMetrics::Series& RpcMetrics::Create(const std::string& service, const std::string& method,
                                       int type) {
  const prometheus::Labels labels{
      {"grpc_type", TypeName(type)}, {"grpc_service", service}, {"grpc_method", method}};
  Series series;
  series.started = &started_.Add(labels);
  series.in_flight = &in_flight_.Add(labels);
  series.seconds = &seconds_.Add(labels, LatencyBuckets());
  for (int code = 0; code < kGrpcCodes; ++code) {
    prometheus::Labels with_code = labels;
    with_code.emplace("grpc_code", std::string(GrpcCodeName(code)));
    series.handled[static_cast<size_t>(code)] = &handled_.Add(with_code);
  }
  const std::string key = service == kUnknown ? absl::StrCat(kUnknown, "/", type)
                                              : absl::StrCat("/", service, "/", method);
  return series_.try_emplace(key, series).first->second;
}

void RpcMetrics::Declare(absl::string_view service, absl::string_view method, int type) {
  absl::MutexLock lock(&mutex_);
  if (series_.contains(absl::StrCat("/", service, "/", method))) return;
  Create(std::string(service), std::string(method), type);
}

int64_t RpcMetrics::CallsInFlight() {
  absl::ReaderMutexLock lock(&mutex_);
  double calls = 0;
  for (const auto& [path, series] : series_) calls += series.in_flight->Value();
  return static_cast<int64_t>(calls);
}

const RpcMetrics::Series& RpcMetrics::SeriesOf(const char* path, int type) {
  {
    absl::ReaderMutexLock lock(&mutex_);
    if (path != nullptr) {
      auto found = series_.find(absl::string_view(path));
      if (found != series_.end()) return found->second;
    }
  }
  const std::string unknown = absl::StrCat(kUnknown, "/", type);
  absl::MutexLock lock(&mutex_);
  auto found = series_.find(unknown);
  if (found != series_.end()) return found->second;
  return Create(kUnknown, kUnknown, type);
}

prometheus::Gauge& RpcMetrics::QueueDepth(absl::string_view service) {
  return queue_depth_.Add({{"grpc_service", std::string(service)}});
}

prometheus::Gauge& RpcMetrics::QueueCapacity(absl::string_view service) {
  return queue_capacity_.Add({{"grpc_service", std::string(service)}});
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
      pool_name_(pool_name) {
  // The SQLSTATEs retried (pg::IsRetryable), at 0 from the start.
  for (const char* sqlstate : {"40001", "40P01"}) {
    retries_.Add({{"pool", pool_name_}, {"sqlstate", sqlstate}});
  }
}

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
