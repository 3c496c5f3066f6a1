#include "libs/rpc/server_security.h"

#include <string>

#include "absl/flags/flag.h"
#include "libs/base/log.h"
#include "libs/rpc/tls.h"

ABSL_FLAG(std::string, tls_cert, "", "PEM file of the server's certificate chain");
ABSL_FLAG(std::string, tls_key, "", "PEM file of the server's private key");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM file of the CAs a client certificate must chain to");
ABSL_FLAG(std::string, access_policy, "",
          "the access policy file: identities to roles and organisations (.json: JSON, else "
          "protobuf text format); re-read when it changes");
ABSL_FLAG(int, max_calls_per_caller, loyalty::rpc::AccessOptions{}.max_calls_per_caller,
          "calls one caller identity may have in flight (queued or running) per service; past "
          "it RESOURCE_EXHAUSTED CALLER_OVERLOADED (1..100000; a grant may set its own)");
ABSL_FLAG(bool, insecure_plaintext, false,
          "serve plaintext without TLS or access control: every caller may do everything (local "
          "development only)");

namespace loyalty::rpc {

absl::StatusOr<ServerSecurity> ServerSecurityFromFlags(prometheus::Registry& registry) {
  const ServerTls tls{absl::GetFlag(FLAGS_tls_cert), absl::GetFlag(FLAGS_tls_key),
                      absl::GetFlag(FLAGS_tls_client_ca)};
  const std::string policy = absl::GetFlag(FLAGS_access_policy);
  ServerSecurity security;
  if (absl::GetFlag(FLAGS_insecure_plaintext)) {
    if (!tls.cert.empty() || !tls.key.empty() || !tls.client_ca.empty() || !policy.empty()) {
      return absl::InvalidArgumentError(
          "--insecure_plaintext goes with none of --tls_cert, --tls_key, --tls_client_ca and "
          "--access_policy");
    }
    LogWarning(
        "--insecure_plaintext: serving without TLS and without access control; any process that "
        "reaches the port may act on any organisation. For local development only.");
    return security;
  }
  if (absl::Status checked = CheckServerTls(tls); !checked.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        checked.message(), " (mutual TLS is the default; --insecure_plaintext opts out)"));
  }
  if (policy.empty()) return absl::InvalidArgumentError("--access_policy is required");
  absl::StatusOr<std::unique_ptr<AccessControl>> access = AccessControl::Open(
      {policy, absl::GetFlag(FLAGS_max_calls_per_caller)}, registry);
  if (!access.ok()) return access.status();
  security.access = *std::move(access);
  security.credentials = MutualTlsServerCredentials(tls);
  return security;
}

}  // namespace loyalty::rpc
