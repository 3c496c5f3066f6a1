#pragma once

#include <string>

namespace loyalty::testing {

struct ShellResult {
  int exit_code = -1;  // -1 when the command did not exit normally (or could not start)
  std::string output;  // its standard output and standard error, interleaved
};

// Runs `command` through /bin/sh and waits for it.
ShellResult RunShell(const std::string& command);

}  // namespace loyalty::testing
