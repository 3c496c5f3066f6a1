#pragma once

#include <string>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/support/status.h"

namespace loyalty::testing {

// The google.rpc.Status a refused call carries in its status details (the
// grpc-status-details-bin trailer, as generated clients of any language read it). Empty when
// there is none or it does not parse.
inline google::rpc::Status StatusDetailsOf(const grpc::Status& status) {
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) details.Clear();
  return details;
}

// The first detail of type `Detail` (google::rpc::ErrorInfo, BadRequest), unpacked as
// Any::UnpackTo does, which checks the type URL. Empty when there is none.
template <typename Detail>
Detail DetailOf(const grpc::Status& status) {
  Detail detail;
  const google::rpc::Status details = StatusDetailsOf(status);
  for (const google::protobuf::Any& any : details.details()) {
    if (any.Is<Detail>() && any.UnpackTo(&detail)) return detail;
  }
  return Detail();
}

// The ErrorInfo a refused call carries in its status details. Empty ErrorInfo when there is none.
inline google::rpc::ErrorInfo ErrorInfoOf(const grpc::Status& status) {
  return DetailOf<google::rpc::ErrorInfo>(status);
}

// The machine-readable reason code, e.g. "INSUFFICIENT_POINTS".
inline std::string ErrorReason(const grpc::Status& status) { return ErrorInfoOf(status).reason(); }

// The offending field of an INVALID_ARGUMENT, e.g. "points".
inline std::string ErrorField(const grpc::Status& status) {
  const google::rpc::ErrorInfo info = ErrorInfoOf(status);
  auto field = info.metadata().find("field");
  return field == info.metadata().end() ? "" : field->second;
}

}  // namespace loyalty::testing
