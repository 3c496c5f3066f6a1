// The worked examples of docs/api.md (docs/examples/python/walkthrough.py and
// docs/examples/node/walkthrough.js) run against the real loyalty-command and loyalty-query
// binaries over mutual TLS, and print what the document says they print.

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/mtls_services.h"
#include "tests/support/shell.h"

namespace loyalty::testing {
namespace {

using ::testing::HasSubstr;

class DocsExamplesTest : public MtlsServicesTest {
 protected:
  // The flags both examples take, for a new member `member`.
  std::string Flags(const std::string& member) const {
    return absl::StrCat(" --command=", command_target(), " --query=", query_target(),
                        " --org=", kOrg, " --member=", member, " --ca=", crm_.ca,
                        " --cert=", crm_.cert, " --key=", crm_.key, " --server_name=localhost");
  }

  static void ExpectTheWalkthrough(const std::string& output, const std::string& member) {
    EXPECT_THAT(output, HasSubstr(absl::StrCat("member ", member, " enrolled in shop\n")));
    EXPECT_THAT(output, HasSubstr("earned 250 points at ledger position "));
    EXPECT_THAT(output, HasSubstr("shop available 250\n"));
    EXPECT_THAT(output, HasSubstr("redeemed 100 points (redemption "));
    EXPECT_THAT(output, HasSubstr("ledger entry LEDGER_ENTRY_KIND_ACCRUAL +250\n"));
    EXPECT_THAT(output, HasSubstr("ledger entry LEDGER_ENTRY_KIND_REDEMPTION -100\n"));
    EXPECT_THAT(output, HasSubstr("refused: FAILED_PRECONDITION INSUFFICIENT_POINTS\n"));
  }
};

TEST_F(DocsExamplesTest, ThePythonWalkthroughRunsAsDocumented) {
  const std::string gen = pki_.Path("python-gen");
  const std::string protoc =
      absl::StrCat("mkdir -p ", gen, " && protoc --proto_path=", LOYALTY_SOURCE_DIR, "/protos",
                   " --python_out=", gen, " --grpc_python_out=", gen,
                   " --plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin",
                   " loyalty/v1/common.proto loyalty/v1/partner.proto loyalty/v1/badge.proto",
                   " loyalty/v1/admin.proto",
                   " loyalty/v1/command.proto loyalty/v1/query.proto && protoc --proto_path=",
                   LOYALTY_GOOGLEAPIS_DIR, " --python_out=", gen,
                   " google/rpc/status.proto google/rpc/error_details.proto");
  ASSERT_EQ(RunShell(protoc).exit_code, 0);
  const ShellResult run =
      RunShell(absl::StrCat("PYTHONPATH=", gen, " /usr/bin/python3 ", LOYALTY_SOURCE_DIR,
                            "/docs/examples/python/walkthrough.py", Flags("py-ann")));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  ExpectTheWalkthrough(run.output, "py-ann");
}

TEST_F(DocsExamplesTest, TheNodeWalkthroughRunsAsDocumented) {
  const ShellResult run = RunShell(absl::StrCat(
      "NODE_PATH=", LOYALTY_SOURCE_DIR, "/tests/e2e/node/node_modules node ", LOYALTY_SOURCE_DIR,
      "/docs/examples/node/walkthrough.js --protos=", LOYALTY_SOURCE_DIR,
      "/protos --googleapis=", LOYALTY_GOOGLEAPIS_DIR, Flags("node-ann")));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  ExpectTheWalkthrough(run.output, "node-ann");
}

}  // namespace
}  // namespace loyalty::testing
