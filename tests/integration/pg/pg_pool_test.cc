// Pool: lazy opening, reuse, bounded waiting, dropping broken connections, observer callbacks.
#include <atomic>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "libs/pg/pool.h"
#include "libs/pg/transaction.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/row_locks.h"

namespace loyalty::pg {
namespace {

constexpr Statement kBackendPid = {"test_backend_pid", "SELECT pg_backend_pid()"};

class CountingObserver final : public PoolObserver {
 public:
  void OnAcquire(absl::Duration /*waited*/) override { ++acquires; }
  void OnInUseChanged(int in_use, int size) override {
    last_in_use = in_use;
    EXPECT_LE(in_use, size);
  }
  void OnRetry(std::string_view sqlstate) override {
    std::lock_guard<std::mutex> lock(mutex);
    retries.emplace_back(sqlstate);
  }

  std::atomic<int> acquires{0};
  std::atomic<int> last_in_use{-1};
  std::mutex mutex;
  std::vector<std::string> retries;
};

int64_t BackendPid(Connection& connection) {
  absl::StatusOr<Result> result = connection.Execute(kBackendPid);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? result->Int64(0, 0) : -1;
}

class PgPoolTest : public ::testing::Test {
 protected:
  void SetUp() override { url_ = loyalty::testing::SharedPgCluster().CreateDatabase(); }
  std::string url_;
};

TEST_F(PgPoolTest, ReusesAReleasedConnection) {
  CountingObserver observer;
  Pool pool(PoolOptions{.url = url_, .size = 4}, &observer);
  int64_t first_pid = 0;
  {
    absl::StatusOr<Lease> lease = pool.Acquire();
    ASSERT_TRUE(lease.ok()) << lease.status();
    first_pid = BackendPid(**lease);
    EXPECT_EQ(observer.last_in_use, 1);
  }
  EXPECT_EQ(observer.last_in_use, 0);
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<Lease> lease = pool.Acquire();
    ASSERT_TRUE(lease.ok()) << lease.status();
    EXPECT_EQ(BackendPid(**lease), first_pid);  // the same session, statement already prepared
  }
  EXPECT_EQ(observer.acquires, 4);
}

TEST_F(PgPoolTest, OpensLazilyUpToSize) {
  Pool pool(PoolOptions{.url = url_, .size = 3});
  std::vector<Lease> leases;
  std::vector<int64_t> pids;
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<Lease> lease = pool.Acquire();
    ASSERT_TRUE(lease.ok()) << lease.status();
    pids.push_back(BackendPid(**lease));
    leases.push_back(*std::move(lease));
  }
  EXPECT_NE(pids[0], pids[1]);
  EXPECT_NE(pids[1], pids[2]);
  EXPECT_NE(pids[0], pids[2]);
}

TEST_F(PgPoolTest, ExhaustedPoolWaitsOutTheTimeoutThenRefuses) {
  const absl::Duration timeout = absl::Milliseconds(200);
  Pool pool(PoolOptions{.url = url_, .size = 1, .acquire_timeout = timeout});
  absl::StatusOr<Lease> held = pool.Acquire();
  ASSERT_TRUE(held.ok()) << held.status();
  const absl::Time start = absl::Now();
  absl::StatusOr<Lease> second = pool.Acquire();
  const absl::Duration waited = absl::Now() - start;
  EXPECT_EQ(second.status().code(), absl::StatusCode::kResourceExhausted) << second.status();
  EXPECT_GE(waited, timeout);  // it waited for a connection to come back before refusing
}

TEST_F(PgPoolTest, WaiterGetsTheReleasedConnection) {
  Pool pool(PoolOptions{.url = url_, .size = 1, .acquire_timeout = absl::Seconds(30)});
  std::optional<Lease> held;
  {
    absl::StatusOr<Lease> lease = pool.Acquire();
    ASSERT_TRUE(lease.ok()) << lease.status();
    held.emplace(*std::move(lease));
  }
  const int64_t pid = BackendPid(**held);
  std::atomic<int64_t> waiter_pid{0};
  std::thread waiter([&] {
    absl::StatusOr<Lease> lease = pool.Acquire();
    ASSERT_TRUE(lease.ok()) << lease.status();
    waiter_pid = BackendPid(**lease);
  });
  held.reset();  // whether the waiter already waits or not, it must get this connection
  waiter.join();
  EXPECT_EQ(waiter_pid, pid);
}

TEST_F(PgPoolTest, DropsBrokenConnections) {
  CountingObserver observer;
  Pool pool(PoolOptions{.url = url_, .size = 1}, &observer);
  int64_t killed_pid = 0;
  {
    absl::StatusOr<Lease> lease = pool.Acquire();
    ASSERT_TRUE(lease.ok()) << lease.status();
    killed_pid = BackendPid(**lease);
    EXPECT_FALSE((*lease)->ExecuteText("SELECT pg_terminate_backend(pg_backend_pid())").ok());
    EXPECT_TRUE((*lease)->IsBroken());
  }
  EXPECT_EQ(observer.last_in_use, 0);
  absl::StatusOr<Lease> lease = pool.Acquire();
  ASSERT_TRUE(lease.ok()) << lease.status();
  const int64_t new_pid = BackendPid(**lease);
  EXPECT_GT(new_pid, 0);
  EXPECT_NE(new_pid, killed_pid);
}

TEST_F(PgPoolTest, DropsConnectionsLeftInsideATransaction) {
  Pool pool(PoolOptions{.url = url_, .size = 1});
  int64_t first_pid = 0;
  {
    absl::StatusOr<Lease> lease = pool.Acquire();
    ASSERT_TRUE(lease.ok()) << lease.status();
    first_pid = BackendPid(**lease);
    ASSERT_TRUE((*lease)->ExecuteText("BEGIN").ok());
  }
  absl::StatusOr<Lease> lease = pool.Acquire();
  ASSERT_TRUE(lease.ok()) << lease.status();
  EXPECT_NE(BackendPid(**lease), first_pid);
}

TEST_F(PgPoolTest, UnreachableServerIsUnavailable) {
  Pool pool(PoolOptions{.url = "postgresql://postgres@127.0.0.1:1/postgres", .size = 2});
  absl::StatusOr<Lease> lease = pool.Acquire();
  EXPECT_EQ(lease.status().code(), absl::StatusCode::kUnavailable) << lease.status();
  // The failed opening frees its slot.
  absl::StatusOr<Lease> again = pool.Acquire();
  EXPECT_EQ(again.status().code(), absl::StatusCode::kUnavailable) << again.status();
}

TEST_F(PgPoolTest, ManyThreadsShareASmallPool) {
  Pool pool(PoolOptions{.url = url_, .size = 3, .acquire_timeout = absl::Seconds(30)});
  std::atomic<int> done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        absl::StatusOr<Lease> lease = pool.Acquire();
        ASSERT_TRUE(lease.ok()) << lease.status();
        ASSERT_GT(BackendPid(**lease), 0);
        ++done;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(done, 160);
}

// Shutdown at its grace deadline: a transaction waiting for a row lock is cancelled in the server
// and its caller told UNAVAILABLE; once the lock is released nothing of it has committed, and the
// pool leases nothing more.
TEST_F(PgPoolTest, CancelRunningEndsATransactionWaitingForALock) {
  absl::StatusOr<std::unique_ptr<Connection>> holder = Connection::Open(url_);
  ASSERT_TRUE(holder.ok()) << holder.status();
  ASSERT_TRUE((*holder)
                  ->ExecuteText("CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL);"
                                "CREATE TABLE marks (id int);"
                                "INSERT INTO counters VALUES (1, 0)")
                  .ok());
  ASSERT_TRUE((*holder)->ExecuteText("BEGIN").ok());
  ASSERT_TRUE((*holder)->ExecuteText("SELECT n FROM counters WHERE id = 1 FOR UPDATE").ok());

  Pool pool(PoolOptions{.url = url_, .size = 2});
  std::future<absl::Status> held = std::async(std::launch::async, [&pool] {
    return RunInTransaction(pool, Isolation::kReadCommitted, RetryPolicy{}, [](Transaction& sql) {
      if (absl::StatusOr<Result> mark = sql.ExecuteText("INSERT INTO marks VALUES (1)");
          !mark.ok()) {
        return mark.status();
      }
      return sql.ExecuteText("UPDATE counters SET n = n + 1 WHERE id = 1").status();
    });
  });
  absl::StatusOr<std::unique_ptr<Connection>> watcher = Connection::Open(url_);
  ASSERT_TRUE(watcher.ok()) << watcher.status();
  ASSERT_TRUE(loyalty::testing::AwaitLockWaiters(**watcher, 1));

  pool.CancelRunning();
  const absl::Status status = held.get();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_EQ(pool.Acquire().status().code(), absl::StatusCode::kUnavailable);

  ASSERT_TRUE((*holder)->ExecuteText("COMMIT").ok());
  EXPECT_EQ(loyalty::testing::SqlInt(**holder, "SELECT count(*) FROM marks"), 0);
  EXPECT_EQ(loyalty::testing::SqlInt(**holder, "SELECT n FROM counters"), 0);
}

// A connection leased but between two statements at CancelRunning sends nothing more: its
// transaction cannot commit afterwards.
TEST_F(PgPoolTest, CancelRunningRefusesTheNextStatementOfALease) {
  absl::StatusOr<std::unique_ptr<Connection>> check = Connection::Open(url_);
  ASSERT_TRUE(check.ok()) << check.status();
  ASSERT_TRUE((*check)->ExecuteText("CREATE TABLE marks (id int)").ok());
  Pool pool(PoolOptions{.url = url_, .size = 2});
  {
    absl::StatusOr<Lease> lease = pool.Acquire();
    ASSERT_TRUE(lease.ok()) << lease.status();
    ASSERT_TRUE((*lease)->ExecuteText("BEGIN; INSERT INTO marks VALUES (1)").ok());
    pool.CancelRunning();
    const absl::Status commit = (*lease)->ExecuteText("COMMIT").status();
    EXPECT_EQ(commit.code(), absl::StatusCode::kUnavailable) << commit;
    EXPECT_TRUE((*lease)->IsBroken());
  }  // the pool drops it: its session ends, rolled back
  EXPECT_EQ(loyalty::testing::SqlInt(**check, "SELECT count(*) FROM marks"), 0);
}

}  // namespace
}  // namespace loyalty::pg
