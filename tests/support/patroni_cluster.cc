#include "tests/support/patroni_cluster.h"

#include <pwd.h>
#include <signal.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <system_error>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/substitute.h"
#include "absl/time/clock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "libs/pg/connection.h"
#include "tests/support/child_processes.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/service_process.h"

namespace loyalty::testing {
namespace {

constexpr char kEtcd[] = "/usr/bin/etcd";
constexpr char kPatroni[] = "/usr/bin/patroni";
constexpr char kSetpriv[] = "/usr/bin/setpriv";
constexpr char kPgBin[] = "/usr/lib/postgresql/15/bin";
constexpr char kPgUser[] = "postgres";
constexpr absl::Duration kPollInterval = absl::Milliseconds(50);

// A node's patroni.yml: $0 the test's pid, $1 the node's name, $2 its REST API port, $3 etcd's
// client port, $4 its PostgreSQL port, $5 its data directory, $6 PostgreSQL's binaries, $7 the
// node's directory. docs/operations.md ("High availability (Patroni)") says why each setting.
constexpr char kPatroniConfig[] = R"(scope: loyalty-failover-$0
namespace: /loyalty-test/
name: $1
restapi:
  listen: 127.0.0.1:$2
  connect_address: 127.0.0.1:$2
etcd3:
  host: 127.0.0.1:$3
bootstrap:
  dcs:
    ttl: 10
    loop_wait: 2
    retry_timeout: 3
    maximum_lag_on_failover: 1048576
    primary_start_timeout: 0
    synchronous_mode: true
    synchronous_mode_strict: false
    postgresql:
      use_pg_rewind: true
      use_slots: true
      parameters:
        fsync: 'off'
        synchronous_commit: 'on'
        max_connections: 200
  initdb:
  - encoding: UTF8
  - locale: C
  - no-sync
postgresql:
  listen: 127.0.0.1:$4
  connect_address: 127.0.0.1:$4
  data_dir: $5
  bin_dir: $6
  pgpass: $7/pgpass
  authentication:
    superuser:
      username: postgres
    replication:
      username: postgres
    rewind:
      username: postgres
  parameters:
    unix_socket_directories: '$7'
  pg_hba:
  - local all all trust
  - host all all 127.0.0.1/32 trust
  - host replication all 127.0.0.1/32 trust
watchdog:
  mode: 'off'
tags:
  nofailover: false
  noloadbalance: false
  clonefrom: false
  nosync: false
)";

// How long the destructor gives PostgreSQL's processes to end after an immediate shutdown, and
// etcd after SIGTERM, before SIGKILL.
constexpr absl::Duration kStopGrace = absl::Seconds(5);

bool RunningAsRoot() { return ::geteuid() == 0; }

// Makes `path` the postgres user's when running as root (PostgreSQL refuses root).
absl::Status GiveToPostgres(const std::string& path) {
  if (!RunningAsRoot()) return absl::OkStatus();
  const passwd* user = ::getpwnam(kPgUser);
  if (user == nullptr) {
    return absl::FailedPreconditionError("running as root needs a 'postgres' user to run Patroni");
  }
  if (::chown(path.c_str(), user->pw_uid, user->pw_gid) != 0) {
    return absl::InternalError(absl::StrCat("chown ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status MakeDir(const std::string& path) {
  if (::mkdir(path.c_str(), 0700) != 0) {
    return absl::InternalError(absl::StrCat("mkdir ", path, ": ", std::strerror(errno)));
  }
  return GiveToPostgres(path);
}

absl::Status WriteFile(const std::string& path, const std::string& content) {
  {
    std::ofstream file(path, std::ios::trunc);
    file << content;
    if (!file) return absl::InternalError("cannot write " + path);
  }
  return GiveToPostgres(path);
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  if (!file) return "";
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

std::string Tail(const std::string& text, size_t bytes) {
  return text.size() <= bytes ? text : "..." + text.substr(text.size() - bytes);
}

struct HttpAnswer {
  int status = 0;
  std::string body;
};

// GET http://127.0.0.1:port/path of Patroni's REST API or etcd: its status and body.
absl::StatusOr<HttpAnswer> Get(int port, const std::string& path) {
  const std::string answer = HttpGet(port, path);
  const size_t space = answer.find(' ');
  const size_t body = answer.find("\r\n\r\n");
  HttpAnswer parsed;
  if (!absl::StartsWith(answer, "HTTP/") || space == std::string::npos ||
      body == std::string::npos || !absl::SimpleAtoi(answer.substr(space + 1, 3), &parsed.status)) {
    return absl::UnavailableError(
        absl::StrCat("no HTTP answer from 127.0.0.1:", port, path, ": ", Tail(answer, 200)));
  }
  parsed.body = answer.substr(body + 4);
  return parsed;
}

std::string Describe(const std::vector<PatroniMember>& members) {
  std::vector<std::string> parts;
  for (const PatroniMember& member : members) {
    parts.push_back(absl::StrCat(member.name, " ", member.role, " ", member.state, " (timeline ",
                                 member.timeline, ")"));
  }
  return parts.empty() ? "no members" : absl::StrJoin(parts, ", ");
}

// One row, one column of SQL on `url`.
absl::StatusOr<pg::Result> QueryOne(const std::string& url, const std::string& sql,
                                    const pg::Params& params = {}) {
  absl::StatusOr<std::unique_ptr<pg::Connection>> connection = pg::Connection::Open(url);
  if (!connection.ok()) return connection.status();
  return (*connection)->ExecuteText(sql, params);
}

}  // namespace

PatroniCluster::PatroniCluster(int nodes) {
  for (int i = 1; i <= nodes; ++i) {
    Node node;
    node.name = absl::StrCat("node", i);
    nodes_.push_back(std::move(node));
  }
}

PatroniCluster::~PatroniCluster() {
  if (root_dir_.empty()) return;
  if (::testing::Test::HasFailure()) {
    std::printf("--- Patroni cluster logs (%s):\n%s\n", root_dir_.c_str(), Logs().c_str());
    std::fflush(stdout);
  }
  StopAll();
}

const std::string& PatroniCluster::NodeName(int node) const {
  return nodes_.at(static_cast<size_t>(node)).name;
}

int PatroniCluster::NodeIndex(std::string_view name) const {
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

int PatroniCluster::PostgresPort(int node) const {
  return nodes_.at(static_cast<size_t>(node)).postgres_port;
}

std::string PatroniCluster::Url(const std::string& database) const {
  std::vector<std::string> hosts;
  for (const Node& node : nodes_) hosts.push_back(absl::StrCat("127.0.0.1:", node.postgres_port));
  return absl::StrCat("postgresql://postgres@", absl::StrJoin(hosts, ","), "/", database,
                      "?target_session_attrs=read-write");
}

std::string PatroniCluster::NodeUrl(int node, const std::string& database) const {
  return absl::StrCat("postgresql://postgres@127.0.0.1:", PostgresPort(node), "/", database);
}

absl::Status PatroniCluster::Start(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  for (const char* binary : {kEtcd, kPatroni}) {
    if (::access(binary, X_OK) != 0) {
      return absl::FailedPreconditionError(absl::StrCat(binary, " is not installed"));
    }
  }
  if (RunningAsRoot() && ::access(kSetpriv, X_OK) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(kSetpriv, " is not installed"));
  }
  std::string pattern = (TestTempRoot() / "loyalty-patroni-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError("mkdtemp failed for " + pattern);
  }
  root_dir_ = pattern;
  if (absl::Status given = GiveToPostgres(root_dir_); !given.ok()) return given;
  std::set<int> taken;  // six ports, each free a moment ago, and no two the same
  const auto free_port = [&taken] {
    int port = FreeLoopbackPort();
    while (!taken.insert(port).second) port = FreeLoopbackPort();
    return port;
  };
  etcd_client_port_ = free_port();
  etcd_peer_port_ = free_port();
  for (Node& node : nodes_) {
    node.dir = absl::StrCat(root_dir_, "/", node.name);
    node.data_dir = node.dir + "/data";
    node.postgres_port = free_port();
    node.rest_port = free_port();
    if (absl::Status made = MakeDir(node.dir); !made.ok()) return made;
  }
  if (absl::Status started = StartEtcd(); !started.ok()) return started;
  for (Node& node : nodes_) {
    if (absl::Status started = StartPatroni(node); !started.ok()) return started;
  }
  absl::StatusOr<std::string> primary = WaitForPrimary(deadline - absl::Now());
  if (!primary.ok()) return primary.status();
  absl::StatusOr<std::string> standby = WaitForSyncStandby(deadline - absl::Now());
  return standby.status();
}

absl::Status PatroniCluster::StartEtcd() {
  const std::string dir = root_dir_ + "/etcd";
  const std::string client = absl::StrCat("http://127.0.0.1:", etcd_client_port_);
  const std::string peer = absl::StrCat("http://127.0.0.1:", etcd_peer_port_);
  etcd_pid_ =
      Spawn({kEtcd, "--name=etcd", "--data-dir=" + dir, "--listen-client-urls=" + client,
             "--advertise-client-urls=" + client, "--listen-peer-urls=" + peer,
             "--initial-advertise-peer-urls=" + peer, absl::StrCat("--initial-cluster=etcd=", peer),
             "--initial-cluster-state=new", "--logger=zap"},
            {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"}, root_dir_, root_dir_ + "/etcd.log");
  if (etcd_pid_ == 0) return absl::InternalError("cannot spawn etcd");
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (absl::Now() < deadline) {
    if (!ChildRuns(etcd_pid_)) {
      etcd_pid_ = 0;
      return absl::InternalError("etcd exited at start");
    }
    absl::StatusOr<HttpAnswer> health = Get(etcd_client_port_, "/health");
    if (health.ok() && health->status == 200 && absl::StrContains(health->body, "true")) {
      return absl::OkStatus();
    }
    absl::SleepFor(kPollInterval);
  }
  return absl::DeadlineExceededError("etcd did not report healthy within 20 s");
}

absl::Status PatroniCluster::StartPatroni(Node& node) {
  const std::string config =
      absl::Substitute(kPatroniConfig, ::getpid(), node.name, node.rest_port, etcd_client_port_,
                       node.postgres_port, node.data_dir, kPgBin, node.dir);
  const std::string config_path = node.dir + "/patroni.yml";
  if (absl::Status written = WriteFile(config_path, config); !written.ok()) return written;
  std::vector<std::string> args;
  if (RunningAsRoot()) {
    // setpriv execs Patroni in its place: the pid is Patroni's.
    args = {kSetpriv, absl::StrCat("--reuid=", kPgUser), absl::StrCat("--regid=", kPgUser),
            "--init-groups"};
  }
  args.push_back(kPatroni);
  args.push_back(config_path);
  node.patroni_pid = Spawn(
      args,
      {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=" + node.dir, "LANG=C.UTF-8", "LC_ALL=C.UTF-8"},
      node.dir, node.dir + "/patroni.log");
  if (node.patroni_pid == 0) return absl::InternalError("cannot spawn Patroni for " + node.name);
  return absl::OkStatus();
}

absl::Status PatroniCluster::CheckChildren() const {
  if (!ChildRuns(etcd_pid_)) return absl::InternalError("etcd is not running");
  for (const Node& node : nodes_) {
    if (!ChildRuns(node.patroni_pid)) {
      return absl::InternalError(absl::StrCat("Patroni of ", node.name, " is not running"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<PatroniMember>> PatroniCluster::MembersFrom(int node) const {
  absl::StatusOr<HttpAnswer> answer =
      Get(nodes_.at(static_cast<size_t>(node)).rest_port, "/cluster");
  if (!answer.ok()) return answer.status();
  if (answer->status != 200) {
    return absl::UnavailableError(
        absl::StrCat("GET /cluster answered ", answer->status, ": ", Tail(answer->body, 200)));
  }
  google::protobuf::Struct cluster;
  if (!google::protobuf::util::JsonStringToMessage(answer->body, &cluster).ok()) {
    return absl::InternalError("GET /cluster: not JSON: " + Tail(answer->body, 200));
  }
  std::vector<PatroniMember> members;
  const auto found = cluster.fields().find("members");
  if (found == cluster.fields().end()) return members;
  for (const google::protobuf::Value& value : found->second.list_value().values()) {
    const auto& fields = value.struct_value().fields();
    const auto text = [&](const char* key) {
      const auto field = fields.find(key);
      return field == fields.end() ? std::string() : field->second.string_value();
    };
    const auto number = [&](const char* key) {
      const auto field = fields.find(key);
      return field == fields.end() ? 0.0 : field->second.number_value();
    };
    members.push_back({text("name"), text("role"), text("state"), static_cast<int>(number("port")),
                       static_cast<int64_t>(number("timeline"))});
  }
  return members;
}

absl::StatusOr<std::vector<PatroniMember>> PatroniCluster::Members() const {
  absl::Status last = absl::UnavailableError("no Patroni node");
  for (int node = 0; node < nodes(); ++node) {
    absl::StatusOr<std::vector<PatroniMember>> members = MembersFrom(node);
    if (members.ok()) return members;
    last = members.status();
  }
  return last;
}

absl::StatusOr<std::string> PatroniCluster::WaitForPrimary(absl::Duration timeout,
                                                           const std::string& not_name) const {
  const absl::Time deadline = absl::Now() + timeout;
  std::string seen = "nothing yet";
  for (;;) {
    if (absl::Status children = CheckChildren(); !children.ok()) return children;
    // Asked first of the nodes that may become the primary: a deposed leader's Patroni may be
    // slow to answer while it demotes.
    absl::StatusOr<std::vector<PatroniMember>> members = absl::UnavailableError("no Patroni node");
    for (const bool candidates : {true, false}) {
      for (int node = 0; node < nodes() && !members.ok(); ++node) {
        if ((NodeName(node) != not_name) == candidates) members = MembersFrom(node);
      }
    }
    if (members.ok()) {
      seen = Describe(*members);
      for (const PatroniMember& member : *members) {
        const int node = NodeIndex(member.name);
        if (member.role != "leader" || member.state != "running" || member.name == not_name ||
            node < 0) {
          continue;
        }
        absl::StatusOr<pg::Result> recovery =
            QueryOne(NodeUrl(node, "postgres"), "SELECT pg_is_in_recovery()");
        if (recovery.ok() && recovery->Rows() == 1 && !recovery->Bool(0, 0)) return member.name;
        seen += recovery.ok() ? "; the leader is still in recovery"
                              : "; the leader's PostgreSQL: " + recovery.status().ToString();
      }
    } else {
      seen = members.status().ToString();
    }
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("no primary", not_name.empty() ? "" : " other than " + not_name, " within ",
                       absl::FormatDuration(timeout), "; last seen: ", seen));
    }
    absl::SleepFor(kPollInterval);
  }
}

absl::StatusOr<std::string> PatroniCluster::WaitForSyncStandby(absl::Duration timeout) const {
  const absl::Time deadline = absl::Now() + timeout;
  std::string seen = "nothing yet";
  for (;;) {
    if (absl::Status children = CheckChildren(); !children.ok()) return children;
    absl::StatusOr<std::vector<PatroniMember>> members = Members();
    if (members.ok()) {
      seen = Describe(*members);
      int leader = -1;
      for (const PatroniMember& member : *members) {
        if (member.role == "leader" && member.state == "running") leader = NodeIndex(member.name);
      }
      for (const PatroniMember& member : *members) {
        if (leader < 0 || member.role != "sync_standby" || member.state != "running") continue;
        absl::StatusOr<pg::Result> streaming =
            QueryOne(NodeUrl(leader, "postgres"),
                     "SELECT count(*) FROM pg_stat_replication WHERE application_name = $1 AND "
                     "state = 'streaming' AND sync_state = 'sync'",
                     pg::Params().Add(member.name));
        if (streaming.ok() && streaming->Int64(0, 0) == 1) return member.name;
        seen += streaming.ok() ? "; not yet a streaming synchronous standby in pg_stat_replication"
                               : "; " + streaming.status().ToString();
      }
    } else {
      seen = members.status().ToString();
    }
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "no synchronous standby within ", absl::FormatDuration(timeout), "; last seen: ", seen));
    }
    absl::SleepFor(kPollInterval);
  }
}

absl::StatusOr<std::string> PatroniCluster::CreateDatabase(const std::string& name) {
  absl::StatusOr<pg::Result> created = QueryOne(Url("postgres"), "CREATE DATABASE " + name);
  if (!created.ok()) return created.status();
  // A synchronous commit waits for the standby's flush, not its replay: until the standby has
  // replayed it, a connection to the database there fails ("does not exist"), and libpq does not
  // try the next host of a multi-host URL after such an error. So: until every node has it.
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  for (int node = 0; node < nodes(); ++node) {
    for (;;) {
      absl::StatusOr<std::unique_ptr<pg::Connection>> connection =
          pg::Connection::Open(NodeUrl(node, name));
      if (connection.ok()) break;
      if (absl::Now() >= deadline) {
        return absl::DeadlineExceededError(
            absl::StrCat(NodeName(node), " has not replayed CREATE DATABASE ", name,
                         " within 20 s: ", connection.status().ToString()));
      }
      absl::SleepFor(kPollInterval);
    }
  }
  return Url(name);
}

pid_t PatroniCluster::PostmasterPid(int node) const {
  const Node& of = nodes_.at(static_cast<size_t>(node));
  const std::string content = ReadFile(of.data_dir + "/postmaster.pid");
  int pid = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(content.substr(0, content.find('\n'))), &pid)) {
    return 0;
  }
  // A stale file (a killed postmaster's) may name a pid that another process got since.
  return RunsWithin(pid, of.data_dir) ? pid : 0;
}

void PatroniCluster::NoteSharedMemory(const std::string& dir) {
  for (const pid_t pid : ProcessesWithin(dir, etcd_pid_)) {
    std::istringstream maps(ReadFile(absl::StrCat("/proc/", pid, "/maps")));
    for (std::string line; std::getline(maps, line);) {
      if (const size_t posix = line.find("/dev/shm/PostgreSQL."); posix != std::string::npos) {
        const std::string path = line.substr(posix);
        posix_segments_.insert(path.substr(0, path.find(' ')));
      } else if (const size_t sysv = line.find("/SYSV"); sysv != std::string::npos) {
        unsigned int key = 0;
        if (absl::SimpleHexAtoi(line.substr(sysv + 5, 8), &key) && key != 0) {
          sysv_keys_.insert(static_cast<int>(key));
        }
      }
    }
  }
}

absl::StatusOr<pid_t> PatroniCluster::KillPostmaster(int node) {
  const Node& of = nodes_.at(static_cast<size_t>(node));
  const pid_t pid = PostmasterPid(node);
  if (pid == 0) return absl::FailedPreconditionError("no postmaster runs in " + of.data_dir);
  NoteSharedMemory(of.data_dir);
  if (::kill(pid, SIGKILL) != 0) {
    return absl::InternalError(absl::StrCat("kill -9 ", pid, ": ", std::strerror(errno)));
  }
  return pid;
}

std::string PatroniCluster::Logs(size_t bytes) const {
  std::string logs =
      absl::StrCat("--- etcd.log:\n", Tail(ReadFile(root_dir_ + "/etcd.log"), bytes / 2), "\n");
  for (const Node& node : nodes_) {
    absl::StrAppend(&logs, "--- ", node.name, " (Patroni and PostgreSQL) log:\n",
                    Tail(ReadFile(node.dir + "/patroni.log"), bytes), "\n");
  }
  return logs;
}

void PatroniCluster::StopAll() {
  // Patroni first, so that it restarts nothing; then PostgreSQL in immediate mode (nothing is
  // kept); then whatever still runs in the directory (a killed postmaster's orphaned backends,
  // a pg_rewind or pg_basebackup Patroni had started); etcd last.
  for (Node& node : nodes_) StopChild(node.patroni_pid, SIGKILL, kStopGrace);
  NoteSharedMemory(root_dir_);
  for (int node = 0; node < nodes(); ++node) {
    if (const pid_t pid = PostmasterPid(node); pid != 0) ::kill(pid, SIGQUIT);
  }
  const absl::Time deadline = absl::Now() + kStopGrace;
  std::vector<pid_t> left = ProcessesWithin(root_dir_, etcd_pid_);
  while (!left.empty() && absl::Now() < deadline) {
    absl::SleepFor(kPollInterval);
    left = ProcessesWithin(root_dir_, etcd_pid_);
  }
  for (const pid_t pid : left) ::kill(pid, SIGKILL);
  StopChild(etcd_pid_, SIGTERM, kStopGrace);
  const absl::Time killed_by = absl::Now() + absl::Seconds(2);
  while (!(left = ProcessesWithin(root_dir_, 0)).empty() && absl::Now() < killed_by) {
    absl::SleepFor(kPollInterval);
  }
  if (!left.empty()) {
    std::fprintf(stderr, "PatroniCluster: %zu processes still run in %s: kept for a post-mortem\n",
                 left.size(), root_dir_.c_str());
    return;
  }
  // What a killed postmaster left behind (the others removed theirs as they stopped).
  std::error_code ignored;
  for (const std::string& segment : posix_segments_) std::filesystem::remove(segment, ignored);
  for (const int key : sysv_keys_) {
    const int id = ::shmget(key, 0, 0);
    shmid_ds status{};
    if (id >= 0 && ::shmctl(id, IPC_STAT, &status) == 0 && status.shm_nattch == 0) {
      ::shmctl(id, IPC_RMID, nullptr);
    }
  }
  std::filesystem::remove_all(root_dir_, ignored);
}

}  // namespace loyalty::testing
