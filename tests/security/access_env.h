#pragma once

#include <memory>
#include <string>
#include <vector>

#include "grpcpp/channel.h"
#include "libs/rpc/server_security.h"
#include "libs/rpc/tls.h"
#include "tests/support/command_server.h"
#include "tests/support/query_server.h"
#include "tests/support/test_pki.h"

namespace loyalty::testing {

// The callers' organisation, another that exists, and one that does not.
inline constexpr char kOrg[] = "acme";
inline constexpr char kOtherOrg[] = "globex";
inline constexpr char kMissingOrg[] = "initech";

// The platform over real mutual TLS: a throwaway CA, the command and query services in-process
// with an access policy file, the demo org `acme` and the org `globex`, and the callers:
//   op        spiffe://test.loyalty/operator   operator, every organisation
//   acme_op   spiffe://test.loyalty/acme-op    operator on acme
//   shop      spiffe://test.loyalty/shop       earn_burn on acme (also a DNS SAN, ignored)
//   admin     admin.test.loyalty (DNS SAN)     admin on acme
//   reader    crm-reader (common name only)    read on acme
//   partner   spiffe://test.loyalty/partner/jetair  partner on acme
//   app       spiffe://test.loyalty/apps/m1    read on acme, by the prefix
//   spiffe://test.loyalty/apps/ anonymous no certificate expired   op's identity, expired untrusted
//   op's identity, signed by another CA
class AccessEnv final {
 public:
  // `max_calls_per_caller`: the services' --max_calls_per_caller.
  explicit AccessEnv(int max_calls_per_caller = 64);

  TestPki& pki() { return pki_; }
  const std::string& policy_path() const { return policy_path_; }
  CommandServer& command() { return *command_; }
  QueryServer& query() { return *query_; }
  const rpc::ServerSecurity& command_security() const { return command_security_; }
  const rpc::ServerSecurity& query_security() const { return query_security_; }
  prometheus::Registry& command_registry() { return command_registry_; }
  prometheus::Registry& query_registry() { return query_registry_; }

  // Replaces the policy file (by rename) with `json`.
  void WritePolicy(const std::string& json) const;

  // Swaps the files the servers read (their directory is a symlink, replaced by rename, as a
  // Kubernetes secret volume does): the certificate and key NAME.crt and NAME.key of the PKI
  // directory, and a client CA bundle of the CAs named.
  void InstallServerFiles(const std::string& name, const std::vector<std::string>& client_cas);

  rpc::ClientTls op, acme_op, shop, admin, reader, partner, app, anonymous, expired, untrusted;

 private:
  TestPki pki_;
  std::string policy_path_;
  int generation_ = 0;  // of the server's files
  rpc::ServerSecurity command_security_;
  rpc::ServerSecurity query_security_;
  prometheus::Registry command_registry_;  // the access control's metrics, per service
  prometheus::Registry query_registry_;
  std::unique_ptr<CommandServer> command_;
  std::unique_ptr<QueryServer> query_;
};

// The policy AccessEnv starts with.
std::string DefaultPolicyJson();

// A fingerprint of every row of every table of the command side (all but the projector's view_*
// tables, which follow the outbox): equal before and after means that nothing was written.
std::string DatabaseFingerprint(const std::string& url);

// The sum of the values of metric `name` whose labels include `label` = `value` (any when
// `label` is empty).
double MetricValue(prometheus::Registry& registry, const std::string& name,
                   const std::string& label = "", const std::string& value = "");

}  // namespace loyalty::testing
