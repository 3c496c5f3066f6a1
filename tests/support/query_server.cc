#include "tests/support/query_server.h"

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "libs/base/check.h"

namespace loyalty::testing {

QueryServer::QueryServer(const std::string& database_url, const Clock* clock, bool project,
                         int pool_size)
    : database_url_(database_url),
      rpc_metrics_(registry_),
      pool_metrics_(registry_, "query"),
      projector_metrics_(registry_),
      pool_(std::make_unique<pg::Pool>(
          pg::PoolOptions{database_url_, pool_size, absl::Seconds(10)}, &pool_metrics_)) {
  service_ = std::make_unique<query::QueryService>(
      query::QueryContext{pool_.get(), clock, &watch_}, rpc_metrics_);
  absl::StatusOr<rpc::RunningServer> server =
      rpc::StartServer({"127.0.0.1:0", 4 * 1024 * 1024, 64}, {service_.get()});
  LOYALTY_CHECK(server.ok());
  server_ = std::move(*server);
  if (project) {
    projector_ = NewProjector();
    projector_thread_ = std::jthread([this](std::stop_token stop) { projector_->Run(stop); });
  }
}

QueryServer::~QueryServer() {
  if (projector_thread_.joinable()) {
    projector_thread_.request_stop();
    projector_thread_.join();
  }
  server_.server->Shutdown();
}

std::shared_ptr<grpc::Channel> QueryServer::Channel() const {
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_.port),
                             grpc::InsecureChannelCredentials());
}

std::unique_ptr<query::Projector> QueryServer::NewProjector(int batch_size) {
  query::ProjectorOptions options;
  options.database_url = database_url_;
  options.batch_size = batch_size;
  absl::StatusOr<std::unique_ptr<query::Projector>> projector =
      query::Projector::Open(options, &projector_metrics_, &watch_);
  LOYALTY_CHECK(projector.ok());
  return std::move(*projector);
}

}  // namespace loyalty::testing
