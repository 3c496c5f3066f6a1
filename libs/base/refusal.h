#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace loyalty {

// Errors carry machine-readable detail as Status payloads, so that the one function that maps
// absl::Status to gRPC can put it into the status details generated clients read.
//   Refused("INSUFFICIENT_POINTS", "...")  -> FAILED_PRECONDITION with reason
//   InvalidField("points", "must be > 0")   -> INVALID_ARGUMENT naming the field

inline constexpr std::string_view kReasonPayload = "loyalty.v1/reason";
inline constexpr std::string_view kFieldPayload = "loyalty.v1/field";

// A business rule refused the request. `reason` is an upper-snake reason code (SPEC 6).
absl::Status Refused(std::string_view reason, std::string_view message);

// Malformed input; `field` is the request field path, e.g. "purchase.amount.minor_units".
absl::Status InvalidField(std::string_view field, std::string_view message);

// Unknown org, program, member, ... `what` names the kind ("member"), `id` its identifier.
absl::Status NotFound(std::string_view what, std::string_view id);

std::optional<std::string> ReasonOf(const absl::Status& status);
std::optional<std::string> FieldOf(const absl::Status& status);

}  // namespace loyalty
