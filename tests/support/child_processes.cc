#include "tests/support/child_processes.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace loyalty::testing {
namespace {

// The working directory of process `pid`, "" when unknown (gone, or not ours to read).
std::string WorkingDirectory(pid_t pid) {
  std::error_code error;
  const std::filesystem::path cwd =
      std::filesystem::read_symlink(absl::StrCat("/proc/", pid, "/cwd"), error);
  return error ? "" : cwd.string();
}

bool Within(const std::string& path, const std::string& dir) {
  return path == dir || absl::StartsWith(path, dir + "/");
}

}  // namespace

pid_t Spawn(const std::vector<std::string>& args, const std::vector<std::string>& env,
            const std::string& cwd, const std::string& log) {
  std::vector<std::string> words = args;
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  std::vector<std::string> variables = env;
  std::vector<char*> envp;
  for (std::string& variable : variables) envp.push_back(variable.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  return spawned == 0 ? pid : 0;
}

bool ChildRuns(pid_t pid) {
  if (pid == 0) return false;
  int status = 0;
  return ::waitpid(pid, &status, WNOHANG) == 0;
}

bool ReapChild(pid_t pid, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t reaped = ::waitpid(pid, &status, WNOHANG);
    if (reaped == pid || (reaped < 0 && errno == ECHILD)) return true;
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(10));
  }
}

void StopChild(pid_t& pid, int signal_number, absl::Duration grace) {
  if (pid == 0) return;
  ::kill(pid, signal_number);
  if (!ReapChild(pid, grace)) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
  pid = 0;
}

bool RunsWithin(pid_t pid, const std::string& dir) {
  if (pid <= 0 || ::kill(pid, 0) != 0) return false;
  std::ifstream stat_file(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat;
  std::getline(stat_file, stat);
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos || paren + 2 >= stat.size() || stat[paren + 2] == 'Z') {
    return false;
  }
  return Within(WorkingDirectory(pid), dir);
}

std::vector<pid_t> ProcessesWithin(const std::string& dir, pid_t except) {
  std::vector<pid_t> found;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    int pid = 0;
    if (!absl::SimpleAtoi(entry.path().filename().string(), &pid) || pid == except ||
        pid == ::getpid()) {
      continue;
    }
    if (RunsWithin(pid, dir)) found.push_back(pid);
  }
  return found;
}

}  // namespace loyalty::testing
