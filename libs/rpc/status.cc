#include "libs/rpc/status.h"

#include <atomic>
#include <string>

#include "absl/strings/str_cat.h"
#include "libs/base/log.h"
#include "libs/base/refusal.h"
#include "loyalty/v1/common.pb.h"

namespace loyalty::rpc {
namespace {

constexpr char kErrorInfoTypeUrl[] = "type.googleapis.com/google.rpc.ErrorInfo";

std::string DefaultReason(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument: return "INVALID_FIELD";
    case absl::StatusCode::kNotFound: return "NOT_FOUND";
    case absl::StatusCode::kAlreadyExists: return "IDEMPOTENCY_KEY_REUSED";
    case absl::StatusCode::kAborted: return "CONFLICT_RETRIES_EXHAUSTED";
    case absl::StatusCode::kUnavailable: return "UNAVAILABLE";
    case absl::StatusCode::kResourceExhausted: return "OVERLOADED";
    case absl::StatusCode::kDeadlineExceeded: return "DEADLINE_EXCEEDED";
    case absl::StatusCode::kUnimplemented: return "UNIMPLEMENTED";
    default: return "INTERNAL";
  }
}

std::string NextRequestId() {
  static std::atomic<uint64_t> counter{0};
  return absl::StrCat("err-", absl::ToUnixMillis(absl::Now()), "-", counter.fetch_add(1));
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  std::string message(status.message());
  v1::ErrorInfo info;
  info.set_domain("loyalty.v1");
  info.set_reason(ReasonOf(status).value_or(DefaultReason(status.code())));
  if (std::optional<std::string> field = FieldOf(status)) {
    (*info.mutable_metadata())["field"] = *field;
  }
  absl::StatusCode code = status.code();
  if (code == absl::StatusCode::kInternal || code == absl::StatusCode::kUnknown ||
      code == absl::StatusCode::kDataLoss) {
    const std::string request_id = NextRequestId();
    LogError(absl::StrCat("request ", request_id, ": ", status.ToString()));
    (*info.mutable_metadata())["request_id"] = request_id;
    message = absl::StrCat("internal error (request id ", request_id, ")");
    code = absl::StatusCode::kInternal;
  }
  v1::RpcStatus details;
  details.set_code(static_cast<int32_t>(code));
  details.set_message(message);
  google::protobuf::Any* any = details.add_details();
  any->set_type_url(kErrorInfoTypeUrl);
  any->set_value(info.SerializeAsString());
  return grpc::Status(static_cast<grpc::StatusCode>(code), message, details.SerializeAsString());
}

}  // namespace loyalty::rpc
