// A Node.js client (@grpc/grpc-js with @grpc/proto-loader, tests/e2e/node/) calls the real
// loyalty-command and loyalty-query binaries end to end over mutual TLS.

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/e2e/mtls_services.h"

namespace loyalty::testing {
namespace {

class NodeClientTest : public MtlsServicesTest {
 protected:
  // node/client.js with `flags` added: true when it passes.
  bool RunClient(const std::string& flags) const {
    const std::string command = absl::StrCat(
        "node ", LOYALTY_SOURCE_DIR, "/tests/e2e/node/client.js --protos=", LOYALTY_SOURCE_DIR,
        "/protos --googleapis=", LOYALTY_GOOGLEAPIS_DIR, " --target=", command_target(),
        " --query_target=", query_target(), " --org=", kOrg, " --member=", kMember,
        " --tls_server_name=localhost", flags);
    return RunCommand(command);
  }
};

TEST_F(NodeClientTest, AccrueAndReadTheBalanceOverMutualTls) {
  // Refused first: the run below starts from an empty member, so it wrote nothing.
  EXPECT_TRUE(RunClient(ClientTlsFlags(pki_.Anonymous()) + " --expect_code=UNAUTHENTICATED"));
  EXPECT_TRUE(RunClient(ClientTlsFlags(shop_)));
}

}  // namespace
}  // namespace loyalty::testing
