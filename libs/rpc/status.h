#pragma once

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace loyalty::rpc {

// The one place absl::Status becomes a gRPC status. Details travel as a serialized
// loyalty.v1.RpcStatus (wire-compatible with google.rpc.Status) holding one ErrorInfo with the
// reason code and, for INVALID_ARGUMENT, the field. INTERNAL and UNKNOWN go out with a generic
// message and a request id; the detail goes to the log under that id.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace loyalty::rpc
