#include "libs/base/flag_range.h"

#include "absl/strings/str_cat.h"

namespace loyalty {

absl::Status CheckFlagRange(absl::string_view flag, int64_t value, int64_t min, int64_t max) {
  if (value >= min && value <= max) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("--", flag, " must be ", min, "..", max));
}

}  // namespace loyalty
