#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"

namespace loyalty::rpc {

// The one place absl::Status becomes a gRPC status. Its details (the grpc-status-details-bin
// trailer) are a serialized google.rpc.Status of the same code and message holding a
// google.rpc.ErrorInfo (domain "loyalty.v1", the reason code; metadata "field" for
// INVALID_ARGUMENT, "request_id") and, for INVALID_ARGUMENT naming a field, a google.rpc.BadRequest
// with that field's violation. INTERNAL and UNKNOWN go out with a generic message and a request
// id; the detail goes to the log under that id, with the call's `trace_id` (CallTraceId) when it
// has one.
grpc::Status ToGrpcStatus(const absl::Status& status, absl::string_view trace_id);

}  // namespace loyalty::rpc
