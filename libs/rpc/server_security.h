#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "grpcpp/security/server_credentials.h"
#include "libs/rpc/access_control.h"
#include "prometheus/registry.h"

namespace loyalty::rpc {

// How a server process's gRPC listeners are guarded (docs/security.md).
struct ServerSecurity {
  std::shared_ptr<grpc::ServerCredentials> credentials;  // null: plaintext
  std::unique_ptr<AccessControl> access;                 // null: every call is let in
};

// From the flags every service shares: --tls_cert, --tls_key, --tls_client_ca, --access_policy
// and --max_calls_per_caller (mutual TLS and the access policy, all required), or
// --insecure_plaintext (none of them; logs a warning). The error names the flag.
absl::StatusOr<ServerSecurity> ServerSecurityFromFlags(prometheus::Registry& registry);

}  // namespace loyalty::rpc
