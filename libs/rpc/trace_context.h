#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "grpcpp/server_context.h"

namespace loyalty::rpc {

// The trace id of a W3C Trace Context `traceparent` header
// ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01": version, trace id, parent id,
// flags, in lowercase hex), or "" when it is not valid: a version other than two hex digits (or
// "ff"), a version 00 header of other than 55 characters, a later version's header not cut after
// the flags or by a '-', an all-zero trace or parent id, upper case.
std::string TraceIdOf(absl::string_view traceparent);

// The trace id of the call's `traceparent` metadata (TraceIdOf), or "" when the call has none,
// more than one, or an invalid one: a call is never refused for it.
std::string CallTraceId(const grpc::ServerContextBase& server_context);

}  // namespace loyalty::rpc
