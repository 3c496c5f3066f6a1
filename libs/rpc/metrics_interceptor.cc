#include "libs/rpc/metrics_interceptor.h"

#include "absl/time/clock.h"

namespace loyalty::rpc {
namespace {

using grpc::experimental::InterceptionHookPoints;

class MetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit MetricsInterceptor(const RpcMetrics::Series& series)
      : series_(series), started_(absl::Now()) {
    series_.started->Increment();
    series_.in_flight->Increment();
  }

  ~MetricsInterceptor() override {
    if (!answered_) Answered(grpc::StatusCode::CANCELLED);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (!answered_ &&
        methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      Answered(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  void Answered(grpc::StatusCode code) {
    answered_ = true;
    series_.in_flight->Decrement();
    const int index = static_cast<int>(code);
    series_.handled[static_cast<size_t>(index >= 0 && index < kGrpcCodes ? index : 2)]->Increment();
    series_.seconds->Observe(absl::ToDoubleSeconds(absl::Now() - started_));
  }

  const RpcMetrics::Series& series_;
  const absl::Time started_;
  bool answered_ = false;
};

}  // namespace

grpc::experimental::Interceptor* MetricsInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new MetricsInterceptor(metrics_.SeriesOf(info->method(), static_cast<int>(info->type())));
}

}  // namespace loyalty::rpc
