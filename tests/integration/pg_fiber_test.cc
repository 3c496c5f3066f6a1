// pg on the fibers of a fiber::EventLoop: every wait for the server, for a connection and for a
// retry's backoff suspends only its fiber, so one thread drives many transactions at once.
// Were any of them to block the thread, these tests would never end (ctest's timeout fails
// them).
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "libs/fiber/event_loop.h"
#include "libs/fiber/wait.h"
#include "libs/pg/transaction.h"
#include "tests/support/pg_cluster.h"

namespace loyalty::pg {
namespace {

constexpr Statement kBackendPid = {"test_backend_pid", "SELECT pg_backend_pid()"};
constexpr Statement kLockRow = {"test_lock_row", "SELECT v FROM counters WHERE id = 1 FOR UPDATE"};
constexpr Statement kIncrement = {"test_increment",
                                  "UPDATE counters SET v = v + 1 WHERE id = 1 RETURNING v"};
constexpr Statement kBlockedBackends = {
    "test_blocked_backends", "SELECT count(*) FROM pg_stat_activity WHERE cardinality("
                             "pg_blocking_pids(pid)) > 0"};

class PgFiberTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = loyalty::testing::SharedPgCluster().CreateDatabase();
    absl::StatusOr<std::unique_ptr<Connection>> connection = Connection::Open(url_);
    ASSERT_TRUE(connection.ok()) << connection.status();
    ASSERT_TRUE((*connection)
                    ->ExecuteText("CREATE TABLE counters (id bigint PRIMARY KEY, v bigint);"
                                  "INSERT INTO counters VALUES (1, 0)")
                    .ok());
  }
  std::string url_;
};

TEST_F(PgFiberTest, FibersShareAOneConnectionPoolOnOneThread) {
  // The first fiber opens the connection (an asynchronous connect); the others wait for it in
  // the pool while it waits for the server.
  constexpr int kFibers = 8;
  Pool pool(PoolOptions{.url = url_, .size = 1});
  std::vector<absl::Status> statuses(kFibers, absl::UnknownError("not run"));
  std::vector<int64_t> pids(kFibers, 0);
  {
    fiber::EventLoop loop(kFibers, kFibers);
    for (int i = 0; i < kFibers; ++i) {
      ASSERT_TRUE(loop.TrySubmit([&, i] {
        const size_t at = static_cast<size_t>(i);
        statuses[at] = RunInTransaction(
            pool, Isolation::kReadCommitted, RetryPolicy{}, [&](Transaction& tx) -> absl::Status {
              absl::StatusOr<Result> pid = tx.Execute(kBackendPid);
              if (!pid.ok()) return pid.status();
              pids[at] = pid->Int64(0, 0);
              return tx.Execute(kIncrement).status();
            });
      }));
    }
  }
  for (int i = 0; i < kFibers; ++i) {
    EXPECT_TRUE(statuses[static_cast<size_t>(i)].ok()) << statuses[static_cast<size_t>(i)];
    EXPECT_EQ(pids[static_cast<size_t>(i)], pids[0]);
  }
  absl::StatusOr<std::unique_ptr<Connection>> check = Connection::Open(url_);
  ASSERT_TRUE(check.ok()) << check.status();
  absl::StatusOr<Result> total = (*check)->ExecuteText("SELECT v FROM counters WHERE id = 1");
  ASSERT_TRUE(total.ok()) << total.status();
  EXPECT_EQ(total->Int64(0, 0), kFibers);
}

TEST_F(PgFiberTest, AStatementWaitingForALockLeavesTheThreadToTheLockHolder) {
  // The holder takes the row lock, and commits only once the server shows the other fiber's
  // update waiting for it: both run on the loop's one thread.
  Pool pool(PoolOptions{.url = url_, .size = 3});
  absl::Status holder = absl::UnknownError("not run"), waiter = holder;
  int64_t blocked_seen = 0;
  int64_t after_update = 0;
  fiber::Parker locked;
  {
    fiber::EventLoop loop(2, 2);
    ASSERT_TRUE(loop.TrySubmit([&] {
      holder = RunInTransaction(
          pool, Isolation::kReadCommitted, RetryPolicy{}, [&](Transaction& tx) -> absl::Status {
            if (absl::Status status = tx.Execute(kLockRow).status(); !status.ok()) return status;
            locked.Unpark();
            absl::StatusOr<Lease> observer = pool.Acquire();
            if (!observer.ok()) return observer.status();
            for (int i = 0; i < 10000 && blocked_seen == 0; ++i) {  // about 10 s at most
              absl::StatusOr<Result> blocked = (*observer)->Execute(kBlockedBackends);
              if (!blocked.ok()) return blocked.status();
              blocked_seen = blocked->Int64(0, 0);
              if (blocked_seen == 0) fiber::SleepFor(absl::Milliseconds(1));
            }
            return absl::OkStatus();
          });
    }));
    ASSERT_TRUE(loop.TrySubmit([&] {
      locked.Wait();
      waiter = RunInTransaction(pool, Isolation::kReadCommitted, RetryPolicy{},
                                [&](Transaction& tx) -> absl::Status {
                                  absl::StatusOr<Result> updated = tx.Execute(kIncrement);
                                  if (!updated.ok()) return updated.status();
                                  after_update = updated->Int64(0, 0);
                                  return absl::OkStatus();
                                });
    }));
  }
  EXPECT_TRUE(holder.ok()) << holder;
  EXPECT_TRUE(waiter.ok()) << waiter;
  EXPECT_EQ(blocked_seen, 1);
  EXPECT_EQ(after_update, 1);
}

TEST_F(PgFiberTest, AFiberWaitingForAConnectionTimesOutWithResourceExhausted) {
  Pool pool(PoolOptions{.url = url_, .size = 1, .acquire_timeout = absl::Milliseconds(20)});
  absl::Status second = absl::UnknownError("not run");
  fiber::Parker release;
  {
    fiber::EventLoop loop(2, 2);
    ASSERT_TRUE(loop.TrySubmit([&] {
      absl::StatusOr<Lease> held = pool.Acquire();
      release.Wait();
    }));
    ASSERT_TRUE(loop.TrySubmit([&] {
      second = pool.Acquire().status();
      release.Unpark();
    }));
  }
  EXPECT_EQ(second.code(), absl::StatusCode::kResourceExhausted) << second;
}

}  // namespace
}  // namespace loyalty::pg
