#include "libs/rpc/server.h"

#include <malloc.h>
#include <signal.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/server_builder.h"
#include "libs/rpc/metrics_interceptor.h"
#include "libs/rpc/unary_service.h"

namespace loyalty::rpc {

absl::StatusOr<RunningServer> StartServer(const ServerOptions& options,
                                          const std::vector<grpc::Service*>& services) {
  LimitProtobufLogs();
  grpc::EnableDefaultHealthCheckService(/*enable=*/true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  RunningServer running;
  builder.AddListeningPort(
      options.listen_address,
      options.credentials ? options.credentials : grpc::InsecureServerCredentials(),
      &running.port);
  // gRPC sets SO_REUSEPORT by default, so a second process on a busy port would silently share
  // its calls with the first; a port in use must be an error instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  grpc::ResourceQuota quota("loyalty");
  quota.SetMaxThreads(options.max_threads);
  builder.SetResourceQuota(quota);
  // The sync server keeps at most MAX_POLLERS idle threads and ends the rest; its default (2)
  // makes it start and end a thread for almost every call under load. Idle threads are kept.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
                              options.max_threads);
  if (options.metrics != nullptr) {
    options.metrics->Declare("grpc.health.v1.Health", "Check",
                             grpc::internal::RpcMethod::NORMAL_RPC);
    options.metrics->Declare("grpc.health.v1.Health", "Watch",
                             grpc::internal::RpcMethod::SERVER_STREAMING);
    options.metrics->Declare("grpc.reflection.v1alpha.ServerReflection", "ServerReflectionInfo",
                             grpc::internal::RpcMethod::BIDI_STREAMING);
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
    creators.push_back(std::make_unique<MetricsInterceptorFactory>(*options.metrics));
    builder.experimental().SetInterceptorCreators(std::move(creators));
  }
  for (grpc::Service* service : services) builder.RegisterService(service);
  running.server = builder.BuildAndStart();
  if (running.server == nullptr || running.port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options.listen_address));
  }
  for (grpc::Service* service : services) {
    if (const auto* unary = dynamic_cast<const UnaryService*>(service)) {
      running.services.push_back(unary->service_name());
      running.server->GetHealthCheckService()->SetServingStatus(unary->service_name(), true);
    }
  }
  running.server->GetHealthCheckService()->SetServingStatus(/*serving=*/true);
  return running;
}

namespace {
sigset_t ShutdownSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  return signals;
}
}  // namespace

void PrepareServerProcess() {
  sigset_t signals = ShutdownSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  if (std::getenv("MALLOC_ARENA_MAX") == nullptr) mallopt(M_ARENA_MAX, kMallocArenas);
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

int WaitForShutdownSignal() {
  sigset_t signals = ShutdownSignals();
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  return signal_number;
}

}  // namespace loyalty::rpc
