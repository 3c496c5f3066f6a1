// A client generated from protos/ in another language (Python, Debian's python3-grpcio) calls the
// real loyalty-command binary end to end over mutual TLS.

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/rpc/tls.h"
#include "tests/e2e/mtls_services.h"
#include "tests/support/partner_simulator.h"

namespace loyalty::testing {
namespace {

class PythonClientTest : public MtlsServicesTest {
 protected:
  // python_client.py against the command service with `flags` added: true when it passes.
  bool RunClient(const std::string& flags) const {
    const std::string command = absl::StrCat(
        "/usr/bin/python3 ", LOYALTY_SOURCE_DIR, "/tests/e2e/python_client.py --protos ",
        LOYALTY_SOURCE_DIR, "/protos --googleapis ", LOYALTY_GOOGLEAPIS_DIR, " --target ",
        command_target(), " --org ", kOrg, " --member ", kMember, flags);
    return RunCommand(command);
  }
};

TEST_F(PythonClientTest, AccrueRedeemAndGroupRedeemOverMutualTls) {
  // Refused first: the full run below starts from an empty member, so they wrote nothing.
  EXPECT_TRUE(RunClient(ClientTlsFlags(pki_.Anonymous()) + " --expect_code UNAUTHENTICATED"));
  EXPECT_TRUE(RunClient(ClientTlsFlags(reader_) +
                        " --expect_code PERMISSION_DENIED --expect_reason CALLER_NOT_ALLOWED"));
  EXPECT_TRUE(RunClient(ClientTlsFlags(shop_)));
}

TEST_F(PythonClientTest, APartnerProgramThroughThePythonClient) {
  // The airline's gateway asks for mutual TLS, as a partner would: the platform's certificate.
  PartnerSimulator airline(rpc::MutualTlsServerCredentials(pki_.Server()));
  airline.AddAccount("FF-1", "Smith");
  const std::string command = absl::StrCat(
      "/usr/bin/python3 ", LOYALTY_SOURCE_DIR, "/tests/e2e/python_partner_client.py --protos ",
      LOYALTY_SOURCE_DIR, "/protos --googleapis ", LOYALTY_GOOGLEAPIS_DIR, " --target ",
      command_target(), " --org ", kOrg, " --member ", kMember, " --gateway ", airline.address(),
      " --tls_ca ", crm_.ca, " --crm_cert ", crm_.cert, " --crm_key ", crm_.key, " --partner_cert ",
      partner_.cert, " --partner_key ", partner_.key);
  EXPECT_TRUE(RunCommand(command));
  EXPECT_EQ(airline.calls("VerifyAccount"), 2);
}

TEST_F(PythonClientTest, BadgesThroughThePythonClient) {
  const std::string command = absl::StrCat(
      "/usr/bin/python3 ", LOYALTY_SOURCE_DIR, "/tests/e2e/python_badge_client.py --protos ",
      LOYALTY_SOURCE_DIR, "/protos --googleapis ", LOYALTY_GOOGLEAPIS_DIR, " --command ",
      command_target(), " --query ", query_target(), " --org ", kOrg, " --member ", kMember,
      " --tls_ca ", crm_.ca, " --crm_cert ", crm_.cert, " --crm_key ", crm_.key, " --reader_cert ",
      reader_.cert, " --reader_key ", reader_.key);
  EXPECT_TRUE(RunCommand(command));
}

}  // namespace
}  // namespace loyalty::testing
