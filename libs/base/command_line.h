#pragma once

#include <vector>

#include "absl/strings/string_view.h"

namespace loyalty {

// Parses the command line of one of our binaries (absl::ParseCommandLine) with its help set up:
// --help prints `usage`, then every flag defined in our sources (libs/, services/, tools/) with
// its default, and exits with status 1 (absl's convention); --helpfull adds absl's own flags;
// --version prints VersionLine(program) and exits with status 0. Returns the positional
// arguments, argv[0] first. Call it once, first thing in main.
std::vector<char*> ParseFlags(int argc, char** argv, absl::string_view program,
                              absl::string_view usage);

}  // namespace loyalty
