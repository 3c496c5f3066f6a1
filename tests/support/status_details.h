#pragma once

#include <string>

#include "grpcpp/support/status.h"
#include "loyalty/v1/common.pb.h"

namespace loyalty::testing {

// The ErrorInfo a refused call carries in its status details (a serialized RpcStatus, as
// generated clients of any language read it). Empty ErrorInfo when there is none.
inline v1::ErrorInfo ErrorInfoOf(const grpc::Status& status) {
  v1::RpcStatus details;
  v1::ErrorInfo info;
  if (details.ParseFromString(status.error_details()) && details.details_size() > 0) {
    info.ParseFromString(details.details(0).value());
  }
  return info;
}

// The machine-readable reason code, e.g. "INSUFFICIENT_POINTS".
inline std::string ErrorReason(const grpc::Status& status) { return ErrorInfoOf(status).reason(); }

// The offending field of an INVALID_ARGUMENT, e.g. "points".
inline std::string ErrorField(const grpc::Status& status) {
  const v1::ErrorInfo info = ErrorInfoOf(status);
  auto field = info.metadata().find("field");
  return field == info.metadata().end() ? "" : field->second;
}

}  // namespace loyalty::testing
