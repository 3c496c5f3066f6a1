// A client generated from protos/ in another language (Python, Debian's python3-grpcio) calls the
// real command service end to end.

#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "loyalty/v1/admin.grpc.pb.h"
#include "tests/support/command_server.h"
#include "tests/support/demo_org.h"

namespace loyalty::testing {
namespace {

TEST(PythonClientTest, AccrueRedeemAndGroupRedeemThroughGeneratedPythonStubs) {
  CommandServer server;
  auto admin = v1::AdminService::NewStub(server.Channel());
  CreateDemoOrg(*admin, "pyorg", {"py-member"});
  const std::string command =
      absl::StrCat("/usr/bin/python3 ", LOYALTY_SOURCE_DIR, "/tests/e2e/python_client.py --protos ",
                   LOYALTY_SOURCE_DIR, "/protos --target 127.0.0.1:", server.port(),
                   " --org pyorg --member py-member");
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
}

}  // namespace
}  // namespace loyalty::testing
