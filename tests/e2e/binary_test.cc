// The real loyalty-command binary: migrates, serves gRPC with health and reflection, exports
// Prometheus metrics, and stops cleanly on SIGTERM.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "loyalty/v1/admin.grpc.pb.h"
#include "tests/support/pg_cluster.h"

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

// GET http://127.0.0.1:port/metrics, the whole answer.
std::string HttpGetMetrics(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return "";
  }
  const std::string request = "GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n";
  if (write(fd, request.data(), request.size()) < 0) return "";
  std::string answer;
  char buffer[4096];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof(buffer))) > 0) answer.append(buffer, static_cast<size_t>(n));
  close(fd);
  return answer;
}

// A unary call with raw bytes (for services whose stubs we do not generate).
grpc::Status RawCall(grpc::GenericStub& stub, const std::string& method, const std::string& body,
                     std::string* reply) {
  grpc::ByteBuffer request_buffer;
  grpc::Slice slice(body);
  request_buffer = grpc::ByteBuffer(&slice, 1);
  grpc::ByteBuffer reply_buffer;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  grpc::Status result;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request_buffer, &reply_buffer,
                 [&](grpc::Status status) {
                   std::lock_guard<std::mutex> lock(mutex);
                   result = status;
                   done = true;
                   done_cv.notify_one();
                 });
  std::unique_lock<std::mutex> lock(mutex);
  done_cv.wait(lock, [&] { return done; });
  std::vector<grpc::Slice> slices;
  reply_buffer.Dump(&slices);
  for (const grpc::Slice& s : slices) reply->append(reinterpret_cast<const char*>(s.begin()), s.size());
  return result;
}

TEST(BinaryTest, ServesHealthMetricsAndStopsOnSigterm) {
  const std::string url = SharedPgCluster().CreateDatabase();
  const int grpc_port = FreePort();
  const int metrics_port = FreePort();
  std::vector<std::string> args = {
      LOYALTY_COMMAND_BINARY, "serve", "--database_url=" + url,
      absl::StrCat("--listen=127.0.0.1:", grpc_port),
      absl::StrCat("--metrics_listen=127.0.0.1:", metrics_port), "--pool_size=4"};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, LOYALTY_COMMAND_BINARY, nullptr, nullptr, argv.data(), environ), 0);

  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", grpc_port),
                                     grpc::InsecureChannelCredentials());
  ASSERT_TRUE(channel->WaitForConnected(std::chrono::system_clock::now() +
                                        std::chrono::seconds(30)));

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
  EXPECT_NE(metrics.find("loyalty_rpc_requests_total"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("CreateOrganisation"), std::string::npos);
  EXPECT_NE(metrics.find("loyalty_db_pool_wait_seconds"), std::string::npos);

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
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
