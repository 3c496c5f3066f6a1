#pragma once

#include <optional>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"

namespace loyalty {

// Errors carry machine-readable detail as Status payloads, so that the one function that maps
// absl::Status to gRPC can put it into the status details generated clients read.
//   Refused("INSUFFICIENT_POINTS", "...")  -> FAILED_PRECONDITION with reason
//   InvalidField("points", "must be > 0")   -> INVALID_ARGUMENT naming the field

inline constexpr absl::string_view kReasonPayload = "loyalty.v1/reason";
inline constexpr absl::string_view kFieldPayload = "loyalty.v1/field";

// A business rule refused the request. `reason` is an upper-snake reason code (SPEC 6), which
// travels in the status details, not in the message.
absl::Status Refused(absl::string_view reason, absl::string_view message);

// Malformed input; `field` is the request field path, e.g. "purchase.amount.minor_units".
absl::Status InvalidField(absl::string_view field, absl::string_view message);

// Unknown org, program, member, ... `what` names the kind ("member"), `id` its identifier.
absl::Status NotFound(absl::string_view what, absl::string_view id);

// `status` with the reason code `reason` attached (PERMISSION_DENIED CALLER_NOT_ALLOWED, ...).
absl::Status WithReason(absl::Status status, absl::string_view reason);

// A business-rule refusal: FAILED_PRECONDITION with a reason code.
bool IsRefusal(const absl::Status& status);

std::optional<std::string> ReasonOf(const absl::Status& status);
std::optional<std::string> FieldOf(const absl::Status& status);

}  // namespace loyalty
