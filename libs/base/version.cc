#include "libs/base/version.h"

#include "absl/strings/str_cat.h"
#include "libs/base/build_info.h"

namespace loyalty {

absl::string_view Version() { return LOYALTY_VERSION; }

absl::string_view Commit() { return LOYALTY_COMMIT; }

std::string VersionLine(absl::string_view program) {
  return absl::StrCat(program, " ", Version(), " (commit ", Commit(), ")\n");
}

}  // namespace loyalty
