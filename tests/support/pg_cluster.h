#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

namespace loyalty::testing {

// A throwaway PostgreSQL cluster for tests, run through scripts/pg-local.sh in a fresh temporary
// directory on a free loopback port with durability switched off. Stopped and deleted on
// destruction. When the cluster cannot start, prints the server log and aborts: a missing
// database is a test failure, never a skip.
class PgCluster final {
 public:
  // kFast turns synchronous_commit off: a commit may be lost when the server crashes. kCrashSafe
  // keeps it on, so that every acknowledged commit survives Crash() (fsync stays off in both:
  // the tests crash PostgreSQL, never the operating system).
  enum class Commits { kFast, kCrashSafe };

  explicit PgCluster(Commits commits = Commits::kFast);
  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  int port() const { return port_; }
  // postgresql://postgres@127.0.0.1:PORT/NAME
  std::string Url(const std::string& database) const;
  // Creates a uniquely named, empty database and returns its URL. Thread-safe.
  std::string CreateDatabase();

  // Stops the server in immediate mode (`pg_ctl stop -m immediate`): every backend is killed at
  // once, no checkpoint; the next start runs crash recovery.
  void Crash();
  // Stops the server cleanly (`pg_ctl stop -m fast`): the sessions are ended, and what was
  // committed is kept.
  void Stop();
  // Starts the stopped server again on the same port (crash recovery included); aborts with the
  // server log when it cannot.
  void Restart();

  // A hot standby of this cluster, with the same settings, on a free loopback port: a base
  // backup streaming from it (`scripts/pg-local.sh standby`, pg_basebackup -R). Read-only; it
  // replays what this cluster commits, all databases included. Aborts when it cannot start.
  std::unique_ptr<PgCluster> StartStandby() const;

 private:
  struct Standby {};
  PgCluster(const PgCluster& primary, Standby);
  // A new temporary directory: root_dir_ and data_dir_ (not created).
  void MakeRootDir();

  std::string root_dir_;  // temporary directory holding data_dir_
  std::string data_dir_;
  std::string server_options_;
  int port_ = 0;
  std::atomic<int> next_database_{0};
};

// One cluster per test process, started on first use (thread-safe), stopped at exit.
PgCluster& SharedPgCluster();

// A loopback TCP port that was free a moment ago; aborts when none can be bound.
int FreeLoopbackPort();

// Where test clusters live: /dev/shm when writable (initdb, CREATE DATABASE and pg_basebackup
// write thousands of small files), else the temporary directory.
std::filesystem::path TestTempRoot();

}  // namespace loyalty::testing
