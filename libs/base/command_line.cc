#include "libs/base/command_line.h"

#include <string>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "libs/base/version.h"

namespace loyalty {
namespace {

// A flag's file relative to the repository ("services/command/main.cc"): what its help shows.
std::string RepositoryPath(absl::string_view path) {
  for (const absl::string_view root : {"/libs/", "/services/", "/tools/"}) {
    const size_t found = path.rfind(root);
    if (found != absl::string_view::npos) return std::string(path.substr(found + 1));
  }
  return std::string(path);
}

bool IsOurs(absl::string_view normalized_path) {
  return absl::StartsWith(normalized_path, "libs/") ||
         absl::StartsWith(normalized_path, "services/") ||
         absl::StartsWith(normalized_path, "tools/");
}

}  // namespace

std::vector<char*> ParseFlags(int argc, char** argv, absl::string_view program,
                              absl::string_view usage) {
  absl::SetProgramUsageMessage(usage);
  absl::FlagsUsageConfig config;
  config.contains_helpshort_flags = &IsOurs;
  config.contains_help_flags = &IsOurs;
  config.version_string = [name = std::string(program)] { return VersionLine(name); };
  config.normalize_filename = &RepositoryPath;
  absl::SetFlagsUsageConfig(config);
  return absl::ParseCommandLine(argc, argv);
}

}  // namespace loyalty
