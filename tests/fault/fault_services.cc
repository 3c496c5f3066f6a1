#include "tests/fault/fault_services.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "loyalty/v1/admin.grpc.pb.h"
#include "tests/support/demo_org.h"
#include "tests/support/pg_cluster.h"

namespace loyalty::testing {
namespace {

std::string Loopback(int port) { return absl::StrCat("127.0.0.1:", port); }

}  // namespace

FaultServices::FaultServices(std::string command_binary, std::string query_binary)
    : command_binary_(std::move(command_binary)), query_binary_(std::move(query_binary)) {
  std::string logs = (std::filesystem::temp_directory_path() / "loyalty-fault-XXXXXX").string();
  if (::mkdtemp(logs.data()) == nullptr) std::abort();
  log_dir_ = logs;
}

FaultServices::~FaultServices() {
  if (::testing::Test::HasFailure()) {
    for (size_t replica = 0; replica < commands_.size(); ++replica) {
      std::printf("--- loyalty-command %zu log:\n%s\n", replica,
                  commands_[replica]->LogTail().c_str());
    }
    std::printf("--- loyalty-query log:\n%s\n", query_ ? query_->LogTail().c_str() : "");
  }
  commands_.clear();
  query_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(log_dir_, ignored);
}

std::unique_ptr<ServiceProcess> FaultServices::Service(const std::string& binary,
                                                       const std::string& url, int port,
                                                       int pool_size,
                                                       const std::string& name) const {
  return std::make_unique<ServiceProcess>(
      binary,
      std::vector<std::string>{"serve", "--database_url=" + url, "--listen=" + Loopback(port),
                               "--metrics_listen=", absl::StrCat("--pool_size=", pool_size),
                               "--insecure_plaintext"},
      port, absl::StrCat(log_dir_, "/", name, ".log"));
}

void FaultServices::Start(const std::string& url, const std::string& org_id) {
  for (int replica = 0; replica < kCommandReplicas; ++replica) {
    const int port = FreeLoopbackPort();
    commands_.push_back(
        Service(command_binary_, url, port, 8, absl::StrCat("loyalty-command-", replica)));
    ASSERT_TRUE(commands_.back()->Start(kStartTimeout)) << commands_.back()->LogTail();
    options_.command_targets.push_back(Loopback(port));
  }
  const int query_port = FreeLoopbackPort();
  query_ = Service(query_binary_, url, query_port, 4, "loyalty-query");
  ASSERT_TRUE(query_->Start(kStartTimeout)) << query_->LogTail();
  options_.query_target = Loopback(query_port);
  options_.org_id = org_id;
  for (int i = 0; i < 8; ++i) options_.members.push_back(absl::StrCat("member-", i));
  auto channel =
      grpc::CreateChannel(options_.command_targets[0], grpc::InsecureChannelCredentials());
  CreateDemoOrg(*v1::AdminService::NewStub(channel), org_id, options_.members);
  queries_ = v1::QueryService::NewStub(
      grpc::CreateChannel(options_.query_target, grpc::InsecureChannelCredentials()));
}

void FaultServices::ExpectRunningAndStopCleanly() {
  std::vector<ServiceProcess*> processes = {query_.get()};
  for (const auto& command : commands_) processes.push_back(command.get());
  for (ServiceProcess* process : processes) {
    EXPECT_TRUE(process->Running()) << process->LogTail();
    EXPECT_THAT(process->unexpected_exits(), ::testing::IsEmpty()) << process->LogTail();
    const int status = process->Stop(kStopTimeout);
    EXPECT_EQ(status, 0) << DescribeWaitStatus(status) << "\n" << process->LogTail();
  }
}

}  // namespace loyalty::testing
