// RunInTransaction: commit, rollback, retry on serialization failures, exhausted retries,
// deadlines.
#include <atomic>
#include <latch>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "libs/base/status_macros.h"
#include "libs/pg/transaction.h"
#include "tests/support/pg_cluster.h"

namespace loyalty::pg {
namespace {

constexpr Statement kSelectBalances = {
    "test_select_balances", "SELECT id, balance FROM accounts ORDER BY id"};
constexpr Statement kSetBalance = {"test_set_balance",
                                   "UPDATE accounts SET balance = $2 WHERE id = $1"};
constexpr Statement kInsertNote = {"test_insert_note", "INSERT INTO notes (text) VALUES ($1)"};

class RecordingObserver final : public PoolObserver {
 public:
  void OnAcquire(absl::Duration /*waited*/) override {}
  void OnInUseChanged(int /*in_use*/, int /*size*/) override {}
  void OnRetry(std::string_view sqlstate) override {
    std::lock_guard<std::mutex> lock(mutex_);
    retries_.emplace_back(sqlstate);
  }
  std::vector<std::string> Retries() {
    std::lock_guard<std::mutex> lock(mutex_);
    return retries_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> retries_;
};

class PgTransactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_ = std::make_unique<Pool>(
        PoolOptions{.url = loyalty::testing::SharedPgCluster().CreateDatabase(), .size = 4},
        &observer_);
    absl::StatusOr<Lease> lease = pool_->Acquire();
    ASSERT_TRUE(lease.ok()) << lease.status();
    ASSERT_TRUE((*lease)
                    ->ExecuteText("CREATE TABLE accounts (id bigint PRIMARY KEY, balance bigint);"
                                  "INSERT INTO accounts VALUES (1, 100), (2, 200);"
                                  "CREATE TABLE notes (text text NOT NULL)")
                    .ok());
  }

  int64_t Query(const char* sql) {
    absl::StatusOr<Lease> lease = pool_->Acquire();
    EXPECT_TRUE(lease.ok()) << lease.status();
    if (!lease.ok()) return -1;
    absl::StatusOr<Result> result = (*lease)->ExecuteText(sql);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? result->Int64(0, 0) : -1;
  }

  RecordingObserver observer_;
  std::unique_ptr<Pool> pool_;
};

TEST_F(PgTransactionTest, CommitsTheBody) {
  absl::Status status =
      RunInTransaction(*pool_, Isolation::kReadCommitted, RetryPolicy{}, [](Transaction& tx) {
        if (absl::Status s = tx.Execute(kInsertNote, Params().Add("one")).status(); !s.ok()) {
          return s;
        }
        return tx.ExecuteText("INSERT INTO notes VALUES ('two')").status();
      });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(Query("SELECT count(*) FROM notes"), 2);
  EXPECT_TRUE(observer_.Retries().empty());
}

TEST_F(PgTransactionTest, RollsBackWhenTheBodyFails) {
  int runs = 0;
  absl::Status status =
      RunInTransaction(*pool_, Isolation::kSerializable, RetryPolicy{}, [&](Transaction& tx) {
        ++runs;
        EXPECT_TRUE(tx.Execute(kInsertNote, Params().Add("lost")).ok());
        return absl::FailedPreconditionError("domain refusal");
      });
  EXPECT_EQ(status, absl::FailedPreconditionError("domain refusal"));
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(Query("SELECT count(*) FROM notes"), 0);
}

TEST_F(PgTransactionTest, RollsBackWhenAStatementFails) {
  absl::Status status =
      RunInTransaction(*pool_, Isolation::kRepeatableRead, RetryPolicy{}, [](Transaction& tx) {
        EXPECT_TRUE(tx.Execute(kInsertNote, Params().Add("lost")).ok());
        return tx.Execute(kInsertNote, Params().AddNull()).status();
      });
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_EQ(Query("SELECT count(*) FROM notes"), 0);
}

TEST_F(PgTransactionTest, SwallowedStatementErrorFailsTheCommit) {
  absl::Status status =
      RunInTransaction(*pool_, Isolation::kReadCommitted, RetryPolicy{}, [](Transaction& tx) {
        EXPECT_TRUE(tx.Execute(kInsertNote, Params().Add("lost")).ok());
        EXPECT_FALSE(tx.ExecuteText("SELEKT").ok());
        return absl::OkStatus();
      });
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
  EXPECT_EQ(Query("SELECT count(*) FROM notes"), 0);
}

TEST_F(PgTransactionTest, RunsInTheRequestedIsolation) {
  const std::pair<Isolation, const char*> levels[] = {
      {Isolation::kReadCommitted, "read committed"},
      {Isolation::kRepeatableRead, "repeatable read"},
      {Isolation::kSerializable, "serializable"}};
  for (const auto& [isolation, name] : levels) {
    std::string seen;
    absl::Status status = RunInTransaction(*pool_, isolation, RetryPolicy{}, [&](Transaction& tx) {
      absl::StatusOr<Result> result = tx.ExecuteText("SHOW transaction_isolation");
      if (!result.ok()) return result.status();
      seen = result->Text(0, 0);
      return absl::OkStatus();
    });
    ASSERT_TRUE(status.ok()) << status;
    EXPECT_EQ(seen, name);
  }
}

// Two serializable transactions read both balances, wait for each other, then write both: the
// second writer must fail with 40001, be retried on fresh data, and no increment may be lost.
TEST_F(PgTransactionTest, RetriesSerializationFailures) {
  std::latch both_read(2);
  auto transfer = [&] {
    int attempt = 0;
    return RunInTransaction(
        *pool_, Isolation::kSerializable, RetryPolicy{}, [&](Transaction& tx) -> absl::Status {
          ++attempt;
          absl::StatusOr<Result> balances = tx.Execute(kSelectBalances);
          if (!balances.ok()) return balances.status();
          if (attempt == 1) both_read.arrive_and_wait();
          for (int row = 0; row < balances->Rows(); ++row) {
            const absl::Status updated =
                tx.Execute(kSetBalance, Params()
                                            .Add(balances->Int64(row, 0))
                                            .Add(balances->Int64(row, 1) + 10))
                    .status();
            if (!updated.ok()) return updated;
          }
          return absl::OkStatus();
        });
  };
  absl::Status first, second;
  std::thread one([&] { first = transfer(); });
  std::thread two([&] { second = transfer(); });
  one.join();
  two.join();
  EXPECT_TRUE(first.ok()) << first;
  EXPECT_TRUE(second.ok()) << second;
  EXPECT_EQ(Query("SELECT balance FROM accounts WHERE id = 1"), 120);
  EXPECT_EQ(Query("SELECT balance FROM accounts WHERE id = 2"), 220);
  const std::vector<std::string> retries = observer_.Retries();
  ASSERT_FALSE(retries.empty());
  for (const std::string& sqlstate : retries) EXPECT_EQ(sqlstate, "40001");
}

// A deferred constraint trigger raises 40001 at COMMIT for the first two commits.
TEST_F(PgTransactionTest, RetriesAFailureAtCommit) {
  {
    absl::StatusOr<Lease> lease = pool_->Acquire();
    ASSERT_TRUE(lease.ok()) << lease.status();
    ASSERT_TRUE((*lease)
                    ->ExecuteText(R"sql(
        CREATE SEQUENCE commit_failures;
        CREATE FUNCTION fail_commit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF nextval('commit_failures') <= 2 THEN
            RAISE EXCEPTION 'forced at commit' USING ERRCODE = 'serialization_failure';
          END IF;
          RETURN NULL;
        END $$;
        CREATE CONSTRAINT TRIGGER notes_commit AFTER INSERT ON notes
          DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fail_commit();)sql")
                    .ok());
  }
  int runs = 0;
  absl::Status status =
      RunInTransaction(*pool_, Isolation::kReadCommitted, RetryPolicy{}, [&](Transaction& tx) {
        ++runs;
        return tx.Execute(kInsertNote, Params().Add("kept")).status();
      });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(runs, 3);
  EXPECT_EQ(Query("SELECT count(*) FROM notes"), 1);
  EXPECT_EQ(observer_.Retries(), (std::vector<std::string>{"40001", "40001"}));
}

TEST_F(PgTransactionTest, ExhaustedRetriesAreAborted) {
  int runs = 0;
  const RetryPolicy policy{.max_attempts = 3};
  absl::Status status =
      RunInTransaction(*pool_, Isolation::kSerializable, policy, [&](Transaction& tx) {
        ++runs;
        EXPECT_TRUE(tx.Execute(kInsertNote, Params().Add("lost")).ok());
        return tx
            .ExecuteText("DO $$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = '40P01'; END $$")
            .status();
      });
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted) << status;
  EXPECT_NE(status.message().find("retries exhausted"), std::string_view::npos) << status;
  EXPECT_EQ(SqlStateOf(status), "40P01");
  EXPECT_EQ(runs, 3);
  EXPECT_EQ(observer_.Retries(), (std::vector<std::string>{"40P01", "40P01"}));
  EXPECT_EQ(Query("SELECT count(*) FROM notes"), 0);
}

TEST_F(PgTransactionTest, BrokenConnectionIsUnavailableAndDropped) {
  int runs = 0;
  absl::Status status =
      RunInTransaction(*pool_, Isolation::kReadCommitted, RetryPolicy{}, [&](Transaction& tx) {
        ++runs;
        (void)tx.ExecuteText("SELECT pg_terminate_backend(pg_backend_pid())");
        return absl::OkStatus();  // COMMIT then finds the socket gone
      });
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_EQ(runs, 1);
  // The pool opens a fresh connection next time.
  EXPECT_EQ(Query("SELECT count(*) FROM notes"), 0);
}

}  // namespace
}  // namespace loyalty::pg

namespace loyalty::pg {
namespace {

constexpr Statement kSleep = {"test_sleep", "SELECT pg_sleep(30)"};

TEST_F(PgTransactionTest, ADeadlineCancelsTheRunningStatementAndCommitsNothing) {
  const absl::Time deadline = absl::Now() + absl::Milliseconds(200);
  const absl::Status status = RunInTransaction(
      *pool_, Isolation::kReadCommitted, RetryPolicy{},
      [&](Transaction& tx) -> absl::Status {
        tx.Defer(kInsertNote, Params().Add("written before the deadline"));
        return tx.Execute(kSleep).status();
      },
      deadline);
  EXPECT_GE(absl::Now(), deadline);
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  // Our words, not the server's ("canceling statement due to statement timeout").
  EXPECT_EQ(status.message(),
            "the call's deadline passed while its transaction ran (the statement was cancelled);"
            " nothing was committed");
  EXPECT_EQ(Query("SELECT count(*) FROM notes"), 0);
}

TEST_F(PgTransactionTest, NothingStartsOrCommitsAfterTheDeadline) {
  bool ran = false;
  absl::Status status = RunInTransaction(
      *pool_, Isolation::kReadCommitted, RetryPolicy{},
      [&](Transaction&) {
        ran = true;
        return absl::OkStatus();
      },
      absl::Now() - absl::Milliseconds(1));
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  EXPECT_FALSE(ran);

  // The deadline passes between the body's reads and its COMMIT: the COMMIT is not sent.
  const absl::Time deadline = absl::Now() + absl::Seconds(1);
  status = RunInTransaction(
      *pool_, Isolation::kReadCommitted, RetryPolicy{},
      [&](Transaction& tx) -> absl::Status {
        LOYALTY_RETURN_IF_ERROR(tx.Execute(kSelectBalances).status());
        tx.Defer(kInsertNote, Params().Add("committed after the deadline"));
        absl::SleepFor(deadline - absl::Now());
        return absl::OkStatus();
      },
      deadline);
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  EXPECT_EQ(Query("SELECT count(*) FROM notes"), 0);
}

TEST_F(PgTransactionTest, ADeadlineAddsNoRoundTrip) {
  const auto round_trips = [&](absl::Time deadline) {
    absl::StatusOr<Lease> lease = pool_->Acquire();
    EXPECT_TRUE(lease.ok());
    (*lease)->TakeRoundTrips();
    EXPECT_TRUE(RunTransactionOnce(
                    **lease, Isolation::kReadCommitted,
                    [](Transaction& tx) -> absl::Status {
                      tx.Defer(kInsertNote, Params().Add("note"));
                      return tx.Execute(kSelectBalances).status();
                    },
                    deadline)
                    .ok());
    return (*lease)->TakeRoundTrips();
  };
  EXPECT_EQ(round_trips(absl::Now() + absl::Seconds(10)), round_trips(absl::InfiniteFuture()));
}

}  // namespace
}  // namespace loyalty::pg
