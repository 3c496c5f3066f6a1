#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/time/time.h"

namespace loyalty::testing {

// Child processes of a test that are not gRPC services (tests/support/service_process.h is for
// those): started with their own environment and working directory, reaped, stopped, and the
// processes found by the directory they run in (PostgreSQL's in their data directory).

// Spawns argv[0] with `env` in `cwd`, stdin from /dev/null, stdout and stderr appended to `log`,
// no other descriptor inherited. Its pid, or 0.
pid_t Spawn(const std::vector<std::string>& args, const std::vector<std::string>& env,
            const std::string& cwd, const std::string& log);

// True while our child `pid` runs; reaps it once it has ended.
bool ChildRuns(pid_t pid);

// Waits, at most `timeout`, for our child `pid` to end (reaped); true when it has.
bool ReapChild(pid_t pid, absl::Duration timeout);

// Sends `signal_number` to our child `pid` (0: none), SIGKILL when it has not ended within
// `grace`; reaps it and sets `pid` to 0.
void StopChild(pid_t& pid, int signal_number, absl::Duration grace);

// A process that runs (not a zombie) with its working directory within `dir`.
bool RunsWithin(pid_t pid, const std::string& dir);

// Every running process whose working directory is within `dir`, but `except` and this one.
std::vector<pid_t> ProcessesWithin(const std::string& dir, pid_t except);

}  // namespace loyalty::testing
