#include "tests/support/pg_cluster.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "libs/pg/connection.h"
#include "tests/support/shell.h"

namespace loyalty::testing {
namespace {

constexpr int kStartAttempts = 3;  // a fresh port each time, in case another process took it
constexpr char kServerOptions[] = "-c fsync=off -c full_page_writes=off -c max_connections=300";

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "\n*** PgCluster: %s\n", message.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace

int FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) Fail("socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    Fail("cannot bind a loopback port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

std::filesystem::path TestTempRoot() {
  std::error_code error;
  const std::filesystem::path shm = "/dev/shm";
  if (std::filesystem::is_directory(shm, error) && ::access(shm.c_str(), W_OK | X_OK) == 0) {
    return shm;
  }
  return std::filesystem::temp_directory_path();
}

namespace {

std::string Quoted(const std::string& path) { return absl::StrCat("'", path, "'"); }

std::string Script() { return Quoted(absl::StrCat(LOYALTY_SOURCE_DIR, "/scripts/pg-local.sh")); }

// A freshly initialised cluster kept between test processes (initdb is most of a cluster's start
// cost), made once per machine and user. Built aside and renamed into place so that concurrent
// test processes never see half of one. "" when it cannot be made: callers then run initdb.
std::string ClusterTemplate(const std::filesystem::path& root) {
  const std::string path = (root / absl::StrCat("loyalty-pg-template-15-uid", ::getuid())).string();
  std::error_code error;
  if (std::filesystem::exists(path + "/PG_VERSION", error)) return path;
  std::string staging = (root / "loyalty-pg-template-XXXXXX").string();
  if (::mkdtemp(staging.data()) == nullptr) return "";
  const std::string staged = staging + "/data";
  const bool initialised =
      RunShell(absl::StrCat(Script(), " init ", Quoted(staged))).exit_code == 0 &&
      std::rename(staged.c_str(), path.c_str()) == 0;  // fails when another process won
  std::filesystem::remove_all(staging, error);
  if (!initialised && !std::filesystem::exists(path + "/PG_VERSION", error)) return "";
  return path;
}

// Starts the cluster in `data_dir` with `options` on `port`.
ShellResult Start(const std::string& options, const std::string& data_dir, int port) {
  return RunShell(absl::StrCat("PG_LOCAL_OPTIONS='", options, "' ", Script(), " start ",
                               Quoted(data_dir), " ", port));
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  if (!file) return absl::StrCat("(cannot read ", path, ")");
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

}  // namespace

PgCluster::PgCluster(Commits commits)
    : server_options_(absl::StrCat(kServerOptions, commits == Commits::kFast
                                                       ? " -c synchronous_commit=off"
                                                       : " -c synchronous_commit=on")) {
  MakeRootDir();
  const std::string cluster_template = ClusterTemplate(TestTempRoot());
  if (!cluster_template.empty()) {
    RunShell(absl::StrCat("cp -a ", Quoted(cluster_template), " ", Quoted(data_dir_)));
  }
  ShellResult started;
  for (int attempt = 1; attempt <= kStartAttempts; ++attempt) {
    port_ = FreeLoopbackPort();
    started = Start(server_options_, data_dir_, port_);
    if (started.exit_code == 0) return;
    if (attempt == 1 && !cluster_template.empty()) {
      // Maybe a bad template rather than a port clash: retry on a cluster of our own.
      std::error_code ignored;
      std::filesystem::remove_all(data_dir_, ignored);
    }
  }
  const std::string log = ReadFile(data_dir_ + "/server.log");
  RunShell(absl::StrCat(Script(), " stop ", Quoted(data_dir_)));
  std::error_code ignored;
  std::filesystem::remove_all(root_dir_, ignored);
  Fail(absl::StrCat("cannot start PostgreSQL after ", kStartAttempts, " attempts.\n",
                    "--- pg-local.sh output:\n", started.output, "--- server.log:\n", log));
}

PgCluster::PgCluster(const PgCluster& primary, Standby) : server_options_(primary.server_options_) {
  MakeRootDir();
  port_ = FreeLoopbackPort();
  const ShellResult started =
      RunShell(absl::StrCat("PG_LOCAL_OPTIONS='", server_options_, "' ", Script(), " standby ",
                            Quoted(data_dir_), " ", port_, " ", primary.port_));
  if (started.exit_code != 0) {
    Fail(absl::StrCat("cannot start a standby of 127.0.0.1:", primary.port_, ": ", started.output,
                      "--- server.log:\n", ReadFile(data_dir_ + "/server.log")));
  }
}

std::unique_ptr<PgCluster> PgCluster::StartStandby() const {
  return std::unique_ptr<PgCluster>(new PgCluster(*this, Standby{}));
}

void PgCluster::MakeRootDir() {
  std::string pattern = (TestTempRoot() / "loyalty-pg-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) Fail("mkdtemp failed for " + pattern);
  root_dir_ = pattern;
  data_dir_ = root_dir_ + "/data";
}

PgCluster::~PgCluster() {
  const ShellResult stopped = RunShell(absl::StrCat(Script(), " stop ", Quoted(data_dir_)));
  if (stopped.exit_code != 0) {
    std::fprintf(stderr, "PgCluster: stop failed: %s\n", stopped.output.c_str());
    return;  // keep the directory for a post-mortem
  }
  std::error_code ignored;
  std::filesystem::remove_all(root_dir_, ignored);
}

void PgCluster::Crash() {
  const ShellResult crashed = RunShell(absl::StrCat(Script(), " crash ", Quoted(data_dir_)));
  if (crashed.exit_code != 0) Fail("pg_ctl stop -m immediate failed: " + crashed.output);
}

void PgCluster::Stop() {
  const ShellResult stopped = RunShell(absl::StrCat(Script(), " stop ", Quoted(data_dir_)));
  if (stopped.exit_code != 0) Fail("pg_ctl stop -m fast failed: " + stopped.output);
}

void PgCluster::Restart() {
  const ShellResult started = Start(server_options_, data_dir_, port_);
  if (started.exit_code != 0) {
    Fail(absl::StrCat("cannot restart PostgreSQL on port ", port_, ": ", started.output,
                      "--- server.log:\n", ReadFile(data_dir_ + "/server.log")));
  }
}

std::string PgCluster::Url(const std::string& database) const {
  return absl::StrCat("postgresql://postgres@127.0.0.1:", port_, "/", database);
}

std::string PgCluster::CreateDatabase() {
  const std::string name = absl::StrCat("test_", ::getpid(), "_", next_database_.fetch_add(1));
  absl::StatusOr<std::unique_ptr<pg::Connection>> admin = pg::Connection::Open(Url("postgres"));
  if (!admin.ok()) {
    Fail(absl::StrCat("cannot connect to the test cluster: ", admin.status().ToString(),
                      "\n--- server.log:\n", ReadFile(data_dir_ + "/server.log")));
  }
  absl::StatusOr<pg::Result> created =
      (*admin)->ExecuteText(absl::StrCat("CREATE DATABASE ", name));
  if (!created.ok()) Fail("CREATE DATABASE failed: " + created.status().ToString());
  return Url(name);
}

PgCluster& SharedPgCluster() {
  static PgCluster cluster;  // thread-safe start; stopped by static destruction at exit
  return cluster;
}

}  // namespace loyalty::testing
