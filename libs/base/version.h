#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace loyalty {

// The platform's version (CMake's project(VERSION)), e.g. "0.1.0".
absl::string_view Version();
// The commit it was built from (12 hex digits), or "unknown" (libs/base/CMakeLists.txt).
absl::string_view Commit();
// "<program> <version> (commit <commit>)\n": what --version prints.
std::string VersionLine(absl::string_view program);

}  // namespace loyalty
