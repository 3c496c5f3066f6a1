#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace loyalty::ctl {

// The whole CLI: parses `arguments` (without the program name), runs the command, prints to
// `out` / `err`, and returns the exit code (see limits.h).
int Run(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err);

}  // namespace loyalty::ctl
