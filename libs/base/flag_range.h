#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace loyalty {

// OK when `min` <= `value` <= `max`; else INVALID_ARGUMENT naming the flag: "--<flag> must be
// <min>..<max>". The binaries' Config checks (services/*/*_config.h).
absl::Status CheckFlagRange(absl::string_view flag, int64_t value, int64_t min, int64_t max);

}  // namespace loyalty
