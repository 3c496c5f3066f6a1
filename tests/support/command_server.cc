#include "tests/support/command_server.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "libs/base/check.h"
#include "libs/pg/migrate.h"
#include "libs/store/migrations.h"
#include "tests/support/pg_cluster.h"

namespace loyalty::testing {
namespace {

std::string MigratedDatabase() {
  std::string url = SharedPgCluster().CreateDatabase();
  auto connection = pg::Connection::Open(url);
  LOYALTY_CHECK(connection.ok());
  const absl::Status migrated = pg::Migrate(**connection, store::Migrations());
  if (!migrated.ok()) ADD_FAILURE() << "migration failed: " << migrated;
  LOYALTY_CHECK(migrated.ok());
  return url;
}

}  // namespace

partner::GatewayOptions TestGatewayOptions() {
  partner::GatewayOptions options;
  options.tls.insecure_plaintext = true;
  options.deadline = absl::Milliseconds(500);
  options.attempts = 2;
  options.backoff = absl::Milliseconds(10);
  options.breaker_failures = 3;
  options.breaker_open = absl::Milliseconds(300);
  return options;
}

CommandServer::CommandServer(int pool_size, rpc::CallLimits limits,
                             const rpc::ServerSecurity* security)
    : CommandServer(Join{MigratedDatabase(), nullptr}, pool_size, limits, security) {}

CommandServer::CommandServer(Join join, int pool_size, rpc::CallLimits limits,
                             const rpc::ServerSecurity* security)
    : database_url_(std::move(join.database_url)),
      own_clock_(join.clock != nullptr
                     ? nullptr
                     : std::make_unique<ManualClock>(absl::FromCivil(
                           absl::CivilSecond(2026, 3, 1, 0, 0, 0), absl::UTCTimeZone()))),
      clock_(join.clock != nullptr ? join.clock : own_clock_.get()),
      rpc_metrics_(registry_),
      pool_metrics_(registry_, "command"),
      pool_(std::make_unique<pg::Pool>(pg::PoolOptions{database_url_, pool_size, absl::Seconds(10)},
                                       &pool_metrics_)),
      batch_metrics_(registry_),
      context_{pool_.get(), clock_, pg::RetryPolicy{}, &config_cache_, &member_cache_} {
  context_.retry.max_attempts = 32;
  member_batcher_ = std::make_unique<store::MemberBatcher>(*pool_, context_.retry, &batch_metrics_);
  context_.member_batcher = member_batcher_.get();
  rpc::AccessControl* access = security == nullptr ? nullptr : security->access.get();
  gateways_ = std::make_unique<partner::Gateways>(TestGatewayOptions(), registry_);
  commands_ =
      std::make_unique<command::CommandService>(context_, *gateways_, rpc_metrics_, limits, access);
  partners_ = std::make_unique<command::PartnerService>(context_, rpc_metrics_, limits, access);
  admin_ = std::make_unique<command::AdminService>(context_, rpc_metrics_, limits, access);
  absl::StatusOr<rpc::RunningServer> server =
      rpc::StartServer({"127.0.0.1:0", 4 * 1024 * 1024, 128,
                        security == nullptr ? nullptr : security->credentials, &rpc_metrics_},
                       {commands_.get(), partners_.get(), admin_.get()});
  LOYALTY_CHECK(server.ok());
  server_ = std::move(*server);
}

CommandServer::~CommandServer() { server_.server->Shutdown(); }

std::shared_ptr<grpc::Channel> CommandServer::Channel() const {
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_.port),
                             grpc::InsecureChannelCredentials());
}

std::shared_ptr<grpc::Channel> CommandServer::Channel(const rpc::ClientTls& tls) const {
  return rpc::OpenChannel(absl::StrCat("127.0.0.1:", server_.port), tls);
}

}  // namespace loyalty::testing
