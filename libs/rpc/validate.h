#pragma once

#include <string_view>

#include "absl/status/status.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace loyalty::rpc {

inline constexpr size_t kMaxIdLength = 64;
inline constexpr size_t kMaxKeyLength = 128;
inline constexpr size_t kMaxTextLength = 256;

// Identifiers (org, program, member, codes): 1..64 characters of [A-Za-z0-9._:-].
absl::Status ValidateId(absl::string_view field, absl::string_view value);
// Same, but empty is allowed (means "the default").
absl::Status ValidateOptionalId(absl::string_view field, absl::string_view value);
// Idempotency keys and order references: 1..128 printable ASCII characters.
absl::Status ValidateKey(absl::string_view field, absl::string_view value);
absl::Status ValidateOptionalKey(absl::string_view field, absl::string_view value);
// Free text: valid UTF-8 of at most 256 bytes, no control characters; required or not.
absl::Status ValidateText(absl::string_view field, absl::string_view value, bool required);
// A protobuf Timestamp within years 1970..9999 with valid nanos.
absl::Status ValidateTimestamp(absl::string_view field, const google::protobuf::Timestamp& value);
// A protobuf Duration as google/protobuf/duration.proto defines it: seconds within
// +-315,576,000,000 (10,000 years), nanos within +-999,999,999 and of the sign of seconds.
absl::Status ValidateDuration(absl::string_view field, const google::protobuf::Duration& value);
// low <= value <= high.
absl::Status ValidateRange(absl::string_view field, int64_t value, int64_t low, int64_t high);
// ISO 4217 code: three upper-case letters.
absl::Status ValidateCurrency(absl::string_view field, absl::string_view value);

}  // namespace loyalty::rpc
