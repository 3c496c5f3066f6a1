#pragma once

#include <string>

#include "absl/time/time.h"
#include "grpcpp/security/auth_context.h"

namespace loyalty::rpc {

// Who made a call and until when it may run: what a handler learns of its call besides the
// request.
struct CallInfo {
  absl::Time deadline = absl::InfiniteFuture();
  // The caller's identity (CallerIdentity), recorded for audit; empty over plaintext.
  std::string caller;
  // The trace id of the call's W3C `traceparent` (CallTraceId), recorded for audit; empty when
  // the call has none or an invalid one.
  std::string trace_id;
};

// The identity of a TLS peer's verified client certificate: its SPIFFE ID (a URI SAN of scheme
// spiffe), else its first DNS SAN, else its subject's common name; empty when the peer showed
// no certificate (or the call came over plaintext).
std::string CallerIdentity(const grpc::AuthContext& auth);

}  // namespace loyalty::rpc
