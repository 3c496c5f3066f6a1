#pragma once

#include "grpcpp/support/server_interceptor.h"
#include "libs/rpc/metrics.h"

namespace loyalty::rpc {

// Creates, for every call a gRPC server receives, the interceptor that records it in
// RpcMetrics: started when the server creates the call, handled with the code of the status it
// sends and the time since it started, or Canceled when the call ends without one (its client
// gave up). The server installs it before any handler, so calls refused by the access control,
// by a full call queue, by a request that does not parse, or by gRPC itself (an unknown method,
// no thread free) are counted as the rest are.
class MetricsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(RpcMetrics& metrics) : metrics_(metrics) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  RpcMetrics& metrics_;
};

}  // namespace loyalty::rpc
