#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "tools/loyaltyctl/format.h"

namespace loyalty::ctl {

// Reads an enum flag given as its lower-case label ("suspended" for MEMBER_STATUS_SUSPENDED)
// with the generated `parse` function; the UNSPECIFIED value (0) is refused. `allowed` lists the
// labels for the usage error.
template <typename Enum>
absl::StatusOr<Enum> ParseEnumFlag(absl::string_view flag, const std::string& label,
                                   absl::string_view prefix,
                                   bool (*parse)(const std::string&, Enum*),
                                   absl::string_view allowed) {
  Enum value{};
  if (!parse(EnumName(label, prefix), &value) || static_cast<int>(value) == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, " must be one of ", allowed, ", got '", label, "'"));
  }
  return value;
}

}  // namespace loyalty::ctl
