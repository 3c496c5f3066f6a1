// The real loyalty-command binary: migrates, serves gRPC with health and reflection, exports
// Prometheus metrics, and stops cleanly on SIGTERM.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "loyalty/v1/admin.grpc.pb.h"
#include "loyalty/v1/command.grpc.pb.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/raw_call.h"
#include "tests/support/service_process.h"

extern char** environ;

namespace loyalty::testing {
namespace {

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

// Starts loyalty-command serve on the given ports with `flags`, after the words of `prefix` (a
// wrapper such as timeout(1)); its pid, or 0 when it cannot be spawned.
pid_t SpawnServe(const std::string& url, int grpc_port, int metrics_port, int pool_size,
                 std::vector<std::string> prefix = {},
                 const std::vector<std::string>& flags = {"--insecure_plaintext"}) {
  std::vector<std::string> args = std::move(prefix);
  args.insert(args.end(), {LOYALTY_COMMAND_BINARY, "serve", "--database_url=" + url,
                           absl::StrCat("--listen=127.0.0.1:", grpc_port),
                           absl::StrCat("--metrics_listen=127.0.0.1:", metrics_port),
                           absl::StrCat("--pool_size=", pool_size)});
  args.insert(args.end(), flags.begin(), flags.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return 0;
  return pid;
}

// The wait status of a serve that must exit by itself; timeout(1) kills it (and itself) with
// SIGKILL after 60 s.
int ServeUntilExit(const std::string& url, int grpc_port, int metrics_port,
                   const std::vector<std::string>& flags = {"--insecure_plaintext"}) {
  const pid_t pid =
      SpawnServe(url, grpc_port, metrics_port, 1, {"timeout", "-s", "KILL", "60"}, flags);
  int status = -1;
  if (pid != 0) waitpid(pid, &status, 0);
  return status;
}

// A channel to the serve on `port`, once it accepts connections (at most 30 s).
std::shared_ptr<grpc::Channel> ConnectedChannel(int port) {
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                                     grpc::InsecureChannelCredentials());
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(30))) {
    return nullptr;
  }
  return channel;
}

// SIGTERM, then the serve must exit with status 0.
void ExpectCleanStop(pid_t pid) {
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(BinaryTest, ServesHealthMetricsAndStopsOnSigterm) {
  const std::string url = SharedPgCluster().CreateDatabase();
  const int grpc_port = FreePort();
  const int metrics_port = FreePort();
  const pid_t pid = SpawnServe(url, grpc_port, metrics_port, 4);
  ASSERT_GT(pid, 0);

  const std::shared_ptr<grpc::Channel> channel = ConnectedChannel(grpc_port);
  ASSERT_NE(channel, nullptr);

  grpc::GenericStub generic(channel);
  std::string health;
  ASSERT_TRUE(RawCall(generic, "/grpc.health.v1.Health/Check", "", &health).ok());
  EXPECT_EQ(health, std::string("\x08\x01", 2));  // status: SERVING

  auto admin = v1::AdminService::NewStub(channel);
  v1::CreateOrganisationRequest request;
  request.set_idempotency_key("k1");
  request.set_org_id("binary-org");
  request.set_name("Binary Org");
  v1::Organisation organisation;
  grpc::ClientContext context;
  ASSERT_TRUE(admin->CreateOrganisation(&context, request, &organisation).ok());

  const std::string metrics = HttpGetMetrics(metrics_port);
  EXPECT_NE(metrics.find("grpc_server_handled_total"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("CreateOrganisation"), std::string::npos);
  EXPECT_NE(metrics.find("loyalty_db_pool_wait_seconds"), std::string::npos);

  ExpectCleanStop(pid);
}

TEST(BinaryTest, RefusesToStartOnAPortInUse) {
  const std::string url = SharedPgCluster().CreateDatabase();
  const int grpc_port = FreePort();
  const int metrics_port = FreePort();
  const pid_t pid = SpawnServe(url, grpc_port, metrics_port, 1);
  ASSERT_GT(pid, 0);
  const std::shared_ptr<grpc::Channel> channel = ConnectedChannel(grpc_port);
  ASSERT_NE(channel, nullptr);

  // A second instance on the same gRPC port would otherwise share it (SO_REUSEPORT) and serve.
  const int same_grpc = ServeUntilExit(url, grpc_port, FreePort());
  EXPECT_TRUE(WIFEXITED(same_grpc));
  EXPECT_EQ(WEXITSTATUS(same_grpc), 1);
  // The same metrics port: a clear exit, not an abort from an uncaught exception.
  const int same_metrics = ServeUntilExit(url, FreePort(), metrics_port);
  EXPECT_TRUE(WIFEXITED(same_metrics));
  EXPECT_EQ(WEXITSTATUS(same_metrics), 1);

  ExpectCleanStop(pid);
}

// Mutual TLS is the default: without its flags (or --insecure_plaintext), or with a policy that
// does not load, serve exits at once with status 1.
TEST(BinaryTest, RefusesToStartWithoutTlsOrAGoodPolicy) {
  const std::string url = SharedPgCluster().CreateDatabase();
  for (const std::vector<std::string>& flags :
       {std::vector<std::string>{},
        {"--tls_cert=/nonexistent.crt", "--tls_key=/nonexistent.key",
         "--tls_client_ca=/nonexistent-ca.crt", "--access_policy=/nonexistent.json"},
        {"--insecure_plaintext", "--access_policy=/nonexistent.json"}}) {
    const int status = ServeUntilExit(url, FreePort(), FreePort(), flags);
    EXPECT_TRUE(WIFEXITED(status)) << absl::StrJoin(flags, " ");
    EXPECT_EQ(WEXITSTATUS(status), 1) << absl::StrJoin(flags, " ");
  }
}

// --admin_listen serves AdminService on a listener of its own, and only there; health answers
// on both.
TEST(BinaryTest, ServesAdminOnItsOwnListener) {
  const std::string url = SharedPgCluster().CreateDatabase();
  const int grpc_port = FreePort();
  const int admin_port = FreePort();
  const pid_t pid =
      SpawnServe(url, grpc_port, FreePort(), 2, {},
                 {"--insecure_plaintext", absl::StrCat("--admin_listen=127.0.0.1:", admin_port)});
  ASSERT_GT(pid, 0);
  const std::shared_ptr<grpc::Channel> shop_channel = ConnectedChannel(grpc_port);
  const std::shared_ptr<grpc::Channel> admin_channel = ConnectedChannel(admin_port);
  ASSERT_NE(shop_channel, nullptr);
  ASSERT_NE(admin_channel, nullptr);

  v1::CreateOrganisationRequest request;
  request.set_idempotency_key("k1");
  request.set_org_id("separate-org");
  request.set_name("Separate Org");
  for (const auto& [channel, expected] :
       {std::pair{shop_channel, grpc::StatusCode::UNIMPLEMENTED},
        std::pair{admin_channel, grpc::StatusCode::OK}}) {
    v1::Organisation organisation;
    grpc::ClientContext context;
    EXPECT_EQ(v1::AdminService::NewStub(channel)
                  ->CreateOrganisation(&context, request, &organisation)
                  .error_code(),
              expected);
  }
  v1::IsRedeemableRequest is_redeemable;
  v1::IsRedeemableResponse answer;
  grpc::ClientContext context;
  EXPECT_EQ(v1::CommandService::NewStub(admin_channel)
                ->IsRedeemable(&context, is_redeemable, &answer)
                .error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  for (const auto& channel : {shop_channel, admin_channel}) {
    grpc::GenericStub generic(channel);
    std::string health;
    ASSERT_TRUE(RawCall(generic, "/grpc.health.v1.Health/Check", "", &health).ok());
    EXPECT_EQ(health, std::string("\x08\x01", 2));  // status: SERVING
  }
  ExpectCleanStop(pid);
}

TEST(BinaryTest, MigrateSubcommandIsSafeToRunTwice) {
  const std::string url = SharedPgCluster().CreateDatabase();
  const std::string command =
      absl::StrCat(LOYALTY_COMMAND_BINARY, " migrate --database_url='", url, "'");
  EXPECT_EQ(std::system(command.c_str()), 0);
  EXPECT_EQ(std::system(command.c_str()), 0);
  const std::string bad = absl::StrCat(LOYALTY_COMMAND_BINARY,
                                       " migrate --database_url='postgresql://127.0.0.1:1/x'");
  EXPECT_NE(std::system(bad.c_str()), 0);
}

}  // namespace
}  // namespace loyalty::testing
