#include "libs/rpc/validate.h"

#include "absl/strings/str_cat.h"
#include "libs/base/refusal.h"

namespace loyalty::rpc {
namespace {

bool IsIdCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == ':' || c == '-';
}

bool IsValidUtf8(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    size_t length = 0;
    if (byte < 0x80) length = 1;
    else if ((byte >> 5) == 0x6) length = 2;
    else if ((byte >> 4) == 0xE) length = 3;
    else if ((byte >> 3) == 0x1E) length = 4;
    else return false;
    if (i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return false;
    }
    i += length;
  }
  return true;
}

}  // namespace

absl::Status ValidateId(absl::string_view field, absl::string_view value) {
  if (value.empty()) return InvalidField(field, "is required");
  if (value.size() > kMaxIdLength) {
    return InvalidField(field, absl::StrCat("is longer than ", kMaxIdLength, " characters"));
  }
  for (char c : value) {
    if (!IsIdCharacter(c)) return InvalidField(field, "may hold only [A-Za-z0-9._:-]");
  }
  return absl::OkStatus();
}

absl::Status ValidateOptionalId(absl::string_view field, absl::string_view value) {
  return value.empty() ? absl::OkStatus() : ValidateId(field, value);
}

absl::Status ValidateKey(absl::string_view field, absl::string_view value) {
  if (value.empty()) return InvalidField(field, "is required");
  if (value.size() > kMaxKeyLength) {
    return InvalidField(field, absl::StrCat("is longer than ", kMaxKeyLength, " characters"));
  }
  for (char c : value) {
    if (c < 0x21 || c > 0x7E) return InvalidField(field, "may hold only printable ASCII");
  }
  return absl::OkStatus();
}

absl::Status ValidateOptionalKey(absl::string_view field, absl::string_view value) {
  return value.empty() ? absl::OkStatus() : ValidateKey(field, value);
}

absl::Status ValidateText(absl::string_view field, absl::string_view value, bool required) {
  if (required && value.empty()) return InvalidField(field, "is required");
  if (value.size() > kMaxTextLength) {
    return InvalidField(field, absl::StrCat("is longer than ", kMaxTextLength, " bytes"));
  }
  if (!IsValidUtf8(value)) return InvalidField(field, "is not valid UTF-8");
  for (char c : value) {
    if (static_cast<unsigned char>(c) < 0x20) {
      return InvalidField(field, "may not hold control characters");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateTimestamp(absl::string_view field, const google::protobuf::Timestamp& value) {
  constexpr int64_t kMaxSeconds = 253402300799;  // 9999-12-31T23:59:59Z
  if (value.seconds() < 0 || value.seconds() > kMaxSeconds || value.nanos() < 0 ||
      value.nanos() > 999999999) {
    return InvalidField(field, "is not a time between 1970 and 9999");
  }
  return absl::OkStatus();
}

absl::Status ValidateDuration(absl::string_view field, const google::protobuf::Duration& value) {
  constexpr int64_t kMaxSeconds = 315576000000;
  constexpr int32_t kMaxNanos = 999999999;
  if (value.seconds() < -kMaxSeconds || value.seconds() > kMaxSeconds) {
    return InvalidField(field, "is not a duration: seconds beyond 315576000000");
  }
  if (value.nanos() < -kMaxNanos || value.nanos() > kMaxNanos) {
    return InvalidField(field, "is not a duration: nanos beyond 999999999");
  }
  if ((value.seconds() > 0 && value.nanos() < 0) || (value.seconds() < 0 && value.nanos() > 0)) {
    return InvalidField(field, "is not a duration: seconds and nanos of opposite signs");
  }
  return absl::OkStatus();
}

absl::Status ValidateRange(absl::string_view field, int64_t value, int64_t low, int64_t high) {
  if (value >= low && value <= high) return absl::OkStatus();
  return InvalidField(field, absl::StrCat("must be between ", low, " and ", high));
}

absl::Status ValidateCurrency(absl::string_view field, absl::string_view value) {
  if (value.size() != 3) return InvalidField(field, "must be a three-letter ISO 4217 code");
  for (char c : value) {
    if (c < 'A' || c > 'Z') return InvalidField(field, "must be a three-letter ISO 4217 code");
  }
  return absl::OkStatus();
}

}  // namespace loyalty::rpc
