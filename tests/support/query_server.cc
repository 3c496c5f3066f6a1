#include "tests/support/query_server.h"

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "libs/base/check.h"

namespace loyalty::testing {

QueryServer::QueryServer(const std::string& database_url, const Clock* clock, bool project,
                         int pool_size, bool balance_cache, rpc::CallLimits limits,
                         const rpc::ServerSecurity* security)
    : database_url_(database_url),
      rpc_metrics_(registry_),
      pool_metrics_(registry_, "query"),
      projector_metrics_(registry_),
      balance_cache_(query::BalanceCacheOptions{}, &registry_),
      pool_(std::make_unique<pg::Pool>(
          pg::PoolOptions{database_url_, pool_size, absl::Seconds(10)}, &pool_metrics_)) {
  query::QueryContext context{pool_.get(), clock, &watch_};
  if (balance_cache) {
    listener_thread_ = std::jthread([this](std::stop_token stop) {
      query::ViewListener({database_url_}, &balance_cache_).Run(stop);
    });
    context.balance_cache = &balance_cache_;
  }
  service_ = std::make_unique<query::QueryService>(
      context, rpc_metrics_, limits, security == nullptr ? nullptr : security->access.get());
  absl::StatusOr<rpc::RunningServer> server =
      rpc::StartServer({"127.0.0.1:0", 4 * 1024 * 1024, 64,
                        security == nullptr ? nullptr : security->credentials, &rpc_metrics_},
                       {service_.get()});
  LOYALTY_CHECK(server.ok());
  server_ = std::move(*server);
  if (project) {
    projector_ = NewProjector();
    projector_thread_ = std::jthread([this](std::stop_token stop) { projector_->Run(stop); });
  }
}

QueryServer::~QueryServer() {
  for (std::jthread* thread : {&projector_thread_, &listener_thread_}) {
    if (!thread->joinable()) continue;
    thread->request_stop();
    thread->join();
  }
  server_.server->Shutdown();
}

void QueryServer::SyncBalanceCache() {
  LOYALTY_CHECK(balance_cache_.AwaitConfirmed(query::BalanceCache::Now(), absl::Seconds(30)));
}

std::shared_ptr<grpc::Channel> QueryServer::Channel() const {
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_.port),
                             grpc::InsecureChannelCredentials());
}

std::shared_ptr<grpc::Channel> QueryServer::Channel(const rpc::ClientTls& tls) const {
  return rpc::OpenChannel(absl::StrCat("127.0.0.1:", server_.port), tls);
}

std::unique_ptr<query::Projector> QueryServer::NewProjector(int batch_size) {
  query::ProjectorOptions options;
  options.batch_size = batch_size;
  return NewProjector(std::move(options));
}

std::unique_ptr<query::Projector> QueryServer::NewProjector(query::ProjectorOptions options) {
  options.database_url = database_url_;
  absl::StatusOr<std::unique_ptr<query::Projector>> projector =
      query::Projector::Open(options, &projector_metrics_, &watch_);
  LOYALTY_CHECK(projector.ok());
  return std::move(*projector);
}

}  // namespace loyalty::testing
