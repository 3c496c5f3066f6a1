#include "libs/base/refusal.h"

#include "absl/strings/cord.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace loyalty {
namespace {

std::optional<std::string> PayloadOf(const absl::Status& status, absl::string_view key) {
  absl::optional<absl::Cord> payload = status.GetPayload(key);
  if (!payload.has_value()) return std::nullopt;
  return std::string(*payload);
}

}  // namespace

absl::Status Refused(absl::string_view reason, absl::string_view message) {
  return WithReason(absl::FailedPreconditionError(message), reason);
}

absl::Status WithReason(absl::Status status, absl::string_view reason) {
  status.SetPayload(kReasonPayload, absl::Cord(reason));
  return status;
}

absl::Status InvalidField(absl::string_view field, absl::string_view message) {
  absl::Status status = absl::InvalidArgumentError(absl::StrCat(field, ": ", message));
  status.SetPayload(kFieldPayload, absl::Cord(field));
  return status;
}

absl::Status NotFound(absl::string_view what, absl::string_view id) {
  absl::Status status = absl::NotFoundError(absl::StrCat(what, " '", id, "' not found"));
  status.SetPayload(kReasonPayload,
                    absl::Cord(absl::StrCat(absl::AsciiStrToUpper(what), "_NOT_FOUND")));
  return status;
}

bool IsRefusal(const absl::Status& status) {
  return status.code() == absl::StatusCode::kFailedPrecondition && ReasonOf(status).has_value();
}

std::optional<std::string> ReasonOf(const absl::Status& status) {
  return PayloadOf(status, kReasonPayload);
}

std::optional<std::string> FieldOf(const absl::Status& status) {
  return PayloadOf(status, kFieldPayload);
}

}  // namespace loyalty
