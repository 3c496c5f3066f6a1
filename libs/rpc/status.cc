#include "libs/rpc/status.h"

#include <atomic>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "libs/base/log.h"
#include "libs/base/refusal.h"
#include "libs/pg/connection.h"

namespace loyalty::rpc {
namespace {

constexpr char kDomain[] = "loyalty.v1";

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

// What a client is told of a failure that came from the database: its code (one a client can act
// on, else INTERNAL) and a fixed message. The server's text (SQL, statement names, hosts) goes
// only to the log, under the request id.
absl::Status FromDatabase(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
      return absl::UnavailableError(
          "the database is unavailable; retry with the same idempotency key");
    case absl::StatusCode::kDeadlineExceeded:
      return absl::DeadlineExceededError(
          "the deadline passed while the database worked on the call; retry with the same "
          "idempotency key");
    case absl::StatusCode::kAborted:
      return absl::AbortedError(
          "the call conflicted with concurrent calls too many times; retry with the same "
          "idempotency key");
    case absl::StatusCode::kResourceExhausted:
      return absl::ResourceExhaustedError("the database is out of resources; retry later");
    default:
      return absl::InternalError("");
  }
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status, absl::string_view trace_id) {
  if (status.ok()) return grpc::Status::OK;
  const bool from_database = !pg::SqlStateOf(status).empty();
  const absl::Status shown = from_database ? FromDatabase(status) : status;
  std::string message(shown.message());
  google::rpc::ErrorInfo info;
  info.set_domain(kDomain);
  absl::StatusCode code = shown.code();
  info.set_reason(from_database ? DefaultReason(code)
                                : ReasonOf(status).value_or(DefaultReason(code)));
  const std::optional<std::string> field = FieldOf(shown);
  if (field.has_value()) (*info.mutable_metadata())["field"] = *field;
  const bool internal = code == absl::StatusCode::kInternal ||
                        code == absl::StatusCode::kUnknown || code == absl::StatusCode::kDataLoss;
  if (internal || from_database) {
    const std::string request_id = NextRequestId();
    LogError(absl::StrCat("request ", request_id,
                          trace_id.empty() ? "" : absl::StrCat(" (trace ", trace_id, ")"), ": ",
                          status.ToString()));
    (*info.mutable_metadata())["request_id"] = request_id;
    message = internal ? absl::StrCat("internal error (request id ", request_id, ")")
                       : absl::StrCat(message, " (request id ", request_id, ")");
    if (internal) code = absl::StatusCode::kInternal;
  }
  google::rpc::Status details;
  details.set_code(static_cast<int32_t>(code));
  details.set_message(message);
  details.add_details()->PackFrom(info);
  if (field.has_value()) {
    google::rpc::BadRequest bad_request;
    google::rpc::BadRequest::FieldViolation* violation = bad_request.add_field_violations();
    violation->set_field(*field);
    // The message is "<field>: <what is wrong>" (InvalidField).
    violation->set_description(std::string(absl::StripPrefix(message, absl::StrCat(*field, ": "))));
    details.add_details()->PackFrom(bad_request);
  }
  return grpc::Status(static_cast<grpc::StatusCode>(code), message, details.SerializeAsString());
}

}  // namespace loyalty::rpc
