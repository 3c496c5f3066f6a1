#pragma once

#include <sys/types.h>

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace loyalty::testing {

// A member of the cluster as Patroni's REST API reports it (GET /cluster).
struct PatroniMember {
  std::string name;   // "node1", "node2"
  std::string role;   // "leader", "sync_standby" or "replica"
  std::string state;  // "running", "starting", "stopped", "crashed", ...
  int port = 0;       // its PostgreSQL port
  int64_t timeline = 0;
};

// A throwaway highly available PostgreSQL 15 cluster for fault tests: a one-node etcd and one
// Patroni (3.0) per PostgreSQL node, with synchronous replication (Patroni's synchronous_mode,
// synchronous_commit on; fsync off: the tests crash PostgreSQL, never the operating system).
// Every port is a free loopback port; everything lives in a fresh temporary directory (under
// /dev/shm when possible) owned by `postgres`, the user Patroni and PostgreSQL run as when the
// test runs as root (setpriv). Patroni bootstraps the cluster itself (initdb on the node that
// wins the race, pg_basebackup on the other). Its settings fail over after a crash instead of
// restarting the crashed primary in place (primary_start_timeout 0) within a few seconds (ttl
// 10, loop_wait 2, retry_timeout 3); docs/operations.md explains each.
//
// The destructor stops everything (Patroni, every PostgreSQL process of its data directories,
// the orphans of a killed postmaster included, and etcd), removes the shared memory a killed
// postmaster left behind and deletes the directory; when the current test has failed it prints
// the logs first. Not thread-safe.
class PatroniCluster final {
 public:
  explicit PatroniCluster(int nodes = 2);
  ~PatroniCluster();
  PatroniCluster(const PatroniCluster&) = delete;
  PatroniCluster& operator=(const PatroniCluster&) = delete;

  // Starts etcd and the Patroni nodes, then waits, at most `timeout`, until one node is the
  // leader and accepts writes and another is its synchronous standby (Patroni's sync_standby,
  // streaming with sync_state 'sync' in the primary's pg_stat_replication). The error names
  // what was missing; Logs() tells why.
  absl::Status Start(absl::Duration timeout);

  int nodes() const { return static_cast<int>(nodes_.size()); }
  const std::string& NodeName(int node) const;
  int NodeIndex(std::string_view name) const;  // -1 when no node has that name
  int PostgresPort(int node) const;

  // postgresql://postgres@127.0.0.1:P1,127.0.0.1:P2/DATABASE?target_session_attrs=read-write:
  // libpq tries the nodes in order and keeps the first that accepts writes, the primary.
  std::string Url(const std::string& database) const;
  // postgresql://postgres@127.0.0.1:P/DATABASE: that node alone, whatever its role.
  std::string NodeUrl(int node, const std::string& database) const;
  // CREATE DATABASE `name` on the primary, and waits until every node has replayed it; its
  // multi-host Url.
  absl::StatusOr<std::string> CreateDatabase(const std::string& name);

  // The members as the first Patroni REST API that answers reports them.
  absl::StatusOr<std::vector<PatroniMember>> Members() const;
  // Waits, at most `timeout`, until a node other than `not_name` (when not empty) is Patroni's
  // leader, running, and its PostgreSQL accepts writes (out of recovery); returns its name.
  absl::StatusOr<std::string> WaitForPrimary(absl::Duration timeout,
                                             const std::string& not_name = "") const;
  // Waits, at most `timeout`, until a node is Patroni's sync_standby, running, and streams to
  // the primary as its synchronous standby; returns its name.
  absl::StatusOr<std::string> WaitForSyncStandby(absl::Duration timeout) const;

  // The pid of the node's postmaster (the first line of postmaster.pid in its data directory),
  // 0 when there is none or it does not run.
  pid_t PostmasterPid(int node) const;
  // kill -9 of the node's postmaster (its backends are left to notice); the pid killed.
  absl::StatusOr<pid_t> KillPostmaster(int node);

  // The last `bytes` of etcd's log and of each node's Patroni log (which holds its
  // PostgreSQL's log too).
  std::string Logs(size_t bytes = 8000) const;

 private:
  struct Node {
    std::string name;
    std::string dir;  // the node's directory: config, log, socket, data/
    std::string data_dir;
    int postgres_port = 0;
    int rest_port = 0;
    pid_t patroni_pid = 0;
  };

  absl::Status StartEtcd();
  absl::Status StartPatroni(Node& node);
  absl::Status CheckChildren() const;  // etcd and every Patroni still run
  absl::StatusOr<std::vector<PatroniMember>> MembersFrom(int node) const;
  // Notes the shared memory segments the processes running within `dir` map: a postmaster
  // killed with SIGKILL leaves them behind unless it is started again in its data directory.
  void NoteSharedMemory(const std::string& dir);
  void StopAll();

  std::string root_dir_;
  int etcd_client_port_ = 0;
  int etcd_peer_port_ = 0;
  pid_t etcd_pid_ = 0;
  std::vector<Node> nodes_;
  std::set<std::string> posix_segments_;  // /dev/shm/PostgreSQL.N
  std::set<int> sysv_keys_;               // System V keys
};

}  // namespace loyalty::testing
