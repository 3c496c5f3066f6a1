#include "tests/security/access_env.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/base/check.h"
#include "libs/pg/connection.h"
#include "tests/support/demo_org.h"

namespace loyalty::testing {
namespace {

rpc::ServerSecurity Security(const TestPki& pki, const std::string& policy, int max_calls,
                             prometheus::Registry& registry) {
  absl::StatusOr<std::unique_ptr<rpc::AccessControl>> access =
      rpc::AccessControl::Open({policy, max_calls, absl::Milliseconds(100)}, registry);
  LOYALTY_CHECK(access.ok());
  const std::string live = pki.Path("live/");
  return {rpc::MutualTlsServerCredentials(
              {live + "server.crt", live + "server.key", live + "client-ca.crt"}),
          *std::move(access)};
}

}  // namespace

std::string DefaultPolicyJson() {
  return R"({"grants": [
    {"identity": "spiffe://test.loyalty/operator", "roles": ["operator"], "all_orgs": true},
    {"identity": "spiffe://test.loyalty/acme-op", "roles": ["operator"], "org_ids": ["acme"]},
    {"identity": "spiffe://test.loyalty/shop", "roles": ["earn_burn"], "org_ids": ["acme"]},
    {"identity": "admin.test.loyalty", "roles": ["admin"], "org_ids": ["acme"]},
    {"identity": "crm-reader", "roles": ["read"], "org_ids": ["acme"]},
    {"identity": "spiffe://test.loyalty/partner/jetair", "roles": ["partner"], "org_ids": ["acme"]},
    {"identity_prefix": "spiffe://test.loyalty/apps/", "roles": ["read"], "org_ids": ["acme"]}
  ]})";
}

AccessEnv::AccessEnv(int max_calls_per_caller) : policy_path_(pki_.Path("policy.json")) {
  WritePolicy(DefaultPolicyJson());
  InstallServerFiles("server", {"ca"});
  op = pki_.Issue("op", "--spiffe=spiffe://test.loyalty/operator");
  acme_op = pki_.Issue("acme-op", "--spiffe=spiffe://test.loyalty/acme-op");
  shop = pki_.Issue("shop", "--spiffe=spiffe://test.loyalty/shop --dns=shop.test.loyalty");
  admin = pki_.Issue("admin", "--dns=admin.test.loyalty --cn=ignored-common-name");
  reader = pki_.Issue("reader", "--cn=crm-reader");
  partner = pki_.Issue("partner", "--spiffe=spiffe://test.loyalty/partner/jetair");
  app = pki_.Issue("app", "--spiffe=spiffe://test.loyalty/apps/m1");
  anonymous = pki_.Anonymous();
  expired = pki_.Issue("expired", "--spiffe=spiffe://test.loyalty/operator --days=-1");
  pki_.MakeCa("other-ca");
  untrusted = pki_.Issue("untrusted", "--ca=other-ca --spiffe=spiffe://test.loyalty/operator");
  command_security_ = Security(pki_, policy_path_, max_calls_per_caller, command_registry_);
  query_security_ = Security(pki_, policy_path_, max_calls_per_caller, query_registry_);
  command_ = std::make_unique<CommandServer>(8, rpc::CallLimits{}, &command_security_);
  query_ = std::make_unique<QueryServer>(command_->database_url(), &command_->clock(),
                                         /*project=*/true, 4, true, query::kQueryCallLimits,
                                         &query_security_);
  auto admin_stub = v1::AdminService::NewStub(command_->Channel(op));
  CreateDemoOrg(*admin_stub, kOrg, {"ann", "ben"});
  CreateDemoOrg(*admin_stub, kOtherOrg, {"zed"});
}

void AccessEnv::WritePolicy(const std::string& json) const {
  const std::string staged = policy_path_ + ".new";
  {
    std::ofstream file(staged, std::ios::trunc);
    file << json;
  }
  LOYALTY_CHECK(std::rename(staged.c_str(), policy_path_.c_str()) == 0);
}

void AccessEnv::InstallServerFiles(const std::string& name,
                                   const std::vector<std::string>& client_cas) {
  namespace fs = std::filesystem;
  const std::string generation = absl::StrCat("gen-", ++generation_);
  const fs::path dir = pki_.Path(generation);
  fs::create_directory(dir);
  fs::copy_file(pki_.Path(name + ".crt"), dir / "server.crt");
  fs::copy_file(pki_.Path(name + ".key"), dir / "server.key");
  std::ofstream bundle(dir / "client-ca.crt");
  for (const std::string& ca : client_cas) bundle << std::ifstream(pki_.Path(ca + ".crt")).rdbuf();
  bundle.close();
  const fs::path staged = pki_.Path("live.new");
  fs::create_directory_symlink(generation, staged);
  fs::rename(staged, pki_.Path("live"));
}

double MetricValue(prometheus::Registry& registry, const std::string& name,
                   const std::string& label, const std::string& value) {
  double total = 0;
  for (const prometheus::MetricFamily& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const prometheus::ClientMetric& metric : family.metric) {
      bool matches = label.empty();
      for (const prometheus::ClientMetric::Label& pair : metric.label) {
        matches = matches || (pair.name == label && pair.value == value);
      }
      if (matches) total += metric.counter.value + metric.gauge.value;
    }
  }
  return total;
}

std::string DatabaseFingerprint(const std::string& url) {
  auto connection = pg::Connection::Open(url);
  LOYALTY_CHECK(connection.ok());
  auto tables = (*connection)->ExecuteText(
      "SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables "
      "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', "
      "'information_schema') AND table_name NOT LIKE 'view\\_%' ORDER BY 1");
  LOYALTY_CHECK(tables.ok());
  std::string fingerprint;
  for (int row = 0; row < tables->Rows(); ++row) {
    const std::string table(tables->Text(row, 0));
    auto digest = (*connection)->ExecuteText(absl::StrCat(
        "SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM ", table,
        " t"));
    LOYALTY_CHECK(digest.ok());
    absl::StrAppend(&fingerprint, table, "=", std::string(digest->Text(0, 0)), "\n");
  }
  return fingerprint;
}

}  // namespace loyalty::testing
