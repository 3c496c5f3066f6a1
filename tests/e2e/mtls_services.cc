#include "tests/e2e/mtls_services.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "loyalty/v1/admin.grpc.pb.h"
#include "tests/support/demo_org.h"
#include "tests/support/pg_cluster.h"

namespace loyalty::testing {
namespace {

constexpr absl::Duration kStartTimeout = absl::Seconds(30);
constexpr absl::Duration kStopTimeout = absl::Seconds(20);

// The access policy of the certificates the header names, on `org`.
std::string Policy(const std::string& org) {
  return absl::StrCat(
      R"({"grants": [
  {"identity": "spiffe://loyalty.local/operator", "roles": ["operator"], "all_orgs": true},
  {"identity_prefix": "spiffe://loyalty.local/shop/", "roles": ["earn_burn", "read"],
   "org_ids": [")",
      org, R"("]},
  {"identity": "spiffe://loyalty.local/reader", "roles": ["read"], "org_ids": [")",
      org,
      R"("]},
  {"identity": "spiffe://loyalty.local/crm", "roles": ["admin", "earn_burn", "read"],
   "org_ids": [")",
      org, R"("]},
  {"identity": "spiffe://loyalty.local/partner/jetair", "roles": ["partner"], "org_ids": [")",
      org, R"("]}]})");
}

}  // namespace

std::string ClientTlsFlags(const rpc::ClientTls& tls) {
  std::string flags = absl::StrCat(" --tls_ca=", tls.ca);
  if (!tls.cert.empty()) absl::StrAppend(&flags, " --tls_cert=", tls.cert, " --tls_key=", tls.key);
  return flags;
}

bool RunCommand(const std::string& command) { return std::system(command.c_str()) == 0; }

void MtlsServicesTest::SetUp() {
  const std::string policy = pki_.Path("access-policy.json");
  std::ofstream(policy) << Policy(kOrg);
  const rpc::ServerTls server = pki_.Server();
  database_url_ = SharedPgCluster().CreateDatabase();
  auto service = [&](const char* binary, const std::string& name, std::string* target,
                     int* metrics_port, std::vector<std::string> extra_flags) {
    const int port = FreeLoopbackPort();
    *target = absl::StrCat("127.0.0.1:", port);
    *metrics_port = FreeLoopbackPort();
    std::vector<std::string> flags{"serve",
                                   "--database_url=" + database_url_,
                                   "--listen=" + *target,
                                   absl::StrCat("--metrics_listen=127.0.0.1:", *metrics_port),
                                   "--pool_size=4",
                                   "--tls_cert=" + server.cert,
                                   "--tls_key=" + server.key,
                                   "--tls_client_ca=" + server.client_ca,
                                   "--access_policy=" + policy};
    flags.insert(flags.end(), extra_flags.begin(), extra_flags.end());
    return std::make_unique<ServiceProcess>(binary, std::move(flags), port,
                                            pki_.Path(name + ".log"));
  };
  // The command service calls partners' gateways with mutual TLS, as the platform.
  const rpc::ClientTls platform =
      pki_.Issue("platform", "--spiffe=spiffe://loyalty.local/platform");
  command_ =
      service(LOYALTY_COMMAND_BINARY, "loyalty-command", &command_target_, &command_metrics_port_,
              {"--partner_tls_cert=" + platform.cert, "--partner_tls_key=" + platform.key,
               "--partner_tls_ca=" + platform.ca});
  query_ = service(LOYALTY_QUERY_BINARY, "loyalty-query", &query_target_, &query_metrics_port_, {});
  ASSERT_TRUE(command_->Start(kStartTimeout)) << command_->LogTail();
  ASSERT_TRUE(query_->Start(kStartTimeout)) << query_->LogTail();

  const rpc::ClientTls operator_tls =
      pki_.Issue("operator", "--spiffe=spiffe://loyalty.local/operator");
  CreateDemoOrg(*v1::AdminService::NewStub(rpc::OpenChannel(command_target_, operator_tls)),
                kOrg, {kMember});
}

void MtlsServicesTest::TearDown() {
  for (std::unique_ptr<ServiceProcess>* process : {&command_, &query_}) {
    if (*process == nullptr) continue;
    const int status = (*process)->Stop(kStopTimeout);
    EXPECT_EQ(status, 0) << DescribeWaitStatus(status);
    if (HasFailure()) std::printf("--- service log:\n%s\n", (*process)->LogTail().c_str());
    process->reset();
  }
}

}  // namespace loyalty::testing
