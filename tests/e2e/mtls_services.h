#pragma once

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "libs/rpc/tls.h"
#include "tests/support/service_process.h"
#include "tests/support/test_pki.h"

namespace loyalty::testing {

// The real loyalty-command and loyalty-query binaries serving mutual TLS, for the clients written
// in other languages: certificates by TestPki (scripts/pki.sh), an access policy, a fresh
// database, and the demo org kOrg (tests/support/demo_org.h) with kMember enrolled, created by
// the operator (spiffe://loyalty.local/operator, every role on every organisation). Both export
// their metrics on free loopback ports. loyalty-command calls partners' gateways with mutual TLS
// as spiffe://loyalty.local/platform (a certificate of the same CA).
class MtlsServicesTest : public ::testing::Test {
 protected:
  static constexpr char kOrg[] = "e2e-org";
  static constexpr char kMember[] = "e2e-member";

  void SetUp() override;
  void TearDown() override;

  const std::string& command_target() const { return command_target_; }
  const std::string& query_target() const { return query_target_; }
  // Their Prometheus /metrics ports on 127.0.0.1.
  int command_metrics_port() const { return command_metrics_port_; }
  int query_metrics_port() const { return query_metrics_port_; }
  const std::string& database_url() const { return database_url_; }

  TestPki pki_;
  // spiffe://loyalty.local/shop/e2e: earn_burn and read on kOrg.
  const rpc::ClientTls shop_ = pki_.Issue("shop", "--spiffe=spiffe://loyalty.local/shop/e2e");
  // spiffe://loyalty.local/reader: read on kOrg.
  const rpc::ClientTls reader_ = pki_.Issue("reader", "--spiffe=spiffe://loyalty.local/reader");
  // spiffe://loyalty.local/crm: admin, earn_burn and read on kOrg.
  const rpc::ClientTls crm_ = pki_.Issue("crm", "--spiffe=spiffe://loyalty.local/crm");
  // spiffe://loyalty.local/partner/jetair: partner on kOrg (PartnerService).
  const rpc::ClientTls partner_ =
      pki_.Issue("partner", "--spiffe=spiffe://loyalty.local/partner/jetair");

 private:
  std::string command_target_;
  std::string query_target_;
  int command_metrics_port_ = 0;
  int query_metrics_port_ = 0;
  std::string database_url_;
  std::unique_ptr<ServiceProcess> command_;
  std::unique_ptr<ServiceProcess> query_;
};

// A client's TLS as the clients' flags: " --tls_ca=FILE", then " --tls_cert=FILE --tls_key=FILE"
// when it has a certificate.
std::string ClientTlsFlags(const rpc::ClientTls& tls);

// Runs `command` through the shell: true when it exits with status 0.
bool RunCommand(const std::string& command);

}  // namespace loyalty::testing
