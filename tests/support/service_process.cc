#include "tests/support/service_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

extern char** environ;

namespace loyalty::testing {
namespace {

constexpr absl::Duration kPollInterval = absl::Milliseconds(10);

// A socket connected to 127.0.0.1:port, or -1.
int ConnectLoopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// True when something accepts TCP connections on 127.0.0.1:port.
bool Listening(int port) {
  const int fd = ConnectLoopback(port);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

}  // namespace

std::string HttpGet(int port, const std::string& path) {
  const int fd = ConnectLoopback(port);
  if (fd < 0) return "";
  const timeval timeout{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  const std::string request = absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: localhost\r\n\r\n");
  std::string answer;
  if (::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(fd, buffer, sizeof(buffer))) > 0) {
      answer.append(buffer, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  return answer;
}

std::string HttpGetMetrics(int port) { return HttpGet(port, "/metrics"); }

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return absl::StrCat("exited with status ", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return absl::StrCat("killed by signal ", WTERMSIG(status));
  return absl::StrCat("wait status ", status);
}

ServiceProcess::ServiceProcess(std::string binary, std::vector<std::string> args, int grpc_port,
                               std::string log_path)
    : binary_(std::move(binary)),
      args_(std::move(args)),
      grpc_port_(grpc_port),
      log_path_(std::move(log_path)) {}

ServiceProcess::~ServiceProcess() {
  if (pid_ == 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
}

bool ServiceProcess::Start(absl::Duration timeout) {
  if (pid_ != 0) return false;
  std::vector<std::string> words = {binary_};
  words.insert(words.end(), args_.begin(), args_.end());
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path_.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return false;
  pid_ = pid;
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (!Running()) return false;
    if (Listening(grpc_port_)) return true;
    absl::SleepFor(kPollInterval);
  }
  return false;
}

bool ServiceProcess::Reap(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    int status = 0;
    const pid_t reaped = ::waitpid(pid_, &status, WNOHANG);
    if (reaped == pid_) {
      status_ = status;
      pid_ = 0;
      return true;
    }
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(kPollInterval);
  }
}

bool ServiceProcess::Running() {
  if (pid_ == 0) return false;
  if (!Reap(absl::ZeroDuration())) return true;
  unexpected_exits_.push_back(DescribeWaitStatus(status_));
  return false;
}

bool ServiceProcess::Kill() {
  if (!Running()) return false;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status_, 0);
  pid_ = 0;
  ++kills_;
  return WIFSIGNALED(status_) && WTERMSIG(status_) == SIGKILL;
}

int ServiceProcess::Stop(absl::Duration timeout) {
  if (!Running()) return -1;
  ::kill(pid_, SIGTERM);
  if (Reap(timeout)) return status_;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = 0;
  return -1;
}

std::string ServiceProcess::LogTail(size_t bytes) const {
  std::ifstream file(log_path_);
  std::stringstream content;
  content << file.rdbuf();
  const std::string log = content.str();
  return log.size() <= bytes ? log : log.substr(log.size() - bytes);
}

}  // namespace loyalty::testing
