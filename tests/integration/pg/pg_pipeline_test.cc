// Pipelines: Connection::ExecuteAll, and the deferred writes and prefetched reads of Transaction,
// with the round trips they take.
#include <string>

#include "gtest/gtest.h"
#include "libs/pg/transaction.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/round_trip_observer.h"

namespace loyalty::pg {
namespace {

constexpr Statement kCountNotes = {"test_count_notes",
                                   "SELECT count(*) FROM notes WHERE text = $1"};
constexpr Statement kInsertNote = {"test_insert_note", "INSERT INTO notes (text) VALUES ($1)"};
constexpr Statement kEcho = {"test_echo", "SELECT $1::bigint"};

using loyalty::testing::RoundTripObserver;

class PgPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_ = std::make_unique<Pool>(
        PoolOptions{.url = loyalty::testing::SharedPgCluster().CreateDatabase(), .size = 1},
        &observer_);
    {
      absl::StatusOr<Lease> lease = pool_->Acquire();
      ASSERT_TRUE(lease.ok()) << lease.status();
      ASSERT_TRUE((*lease)->ExecuteText("CREATE TABLE notes (text text NOT NULL)").ok());
    }
    observer_.Take();
  }

  int64_t Notes(const std::string& text) {
    absl::StatusOr<Lease> lease = pool_->Acquire();
    EXPECT_TRUE(lease.ok()) << lease.status();
    absl::StatusOr<Result> result = (*lease)->Execute(kCountNotes, Params().Add(text));
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? result->Int64(0, 0) : -1;
  }

  absl::Status Run(const std::function<absl::Status(Transaction&)>& body) {
    return RunInTransaction(*pool_, Isolation::kReadCommitted, RetryPolicy{.max_attempts = 1},
                            body);
  }

  // Declares an echo of `echo` and a count of `text` notes, then the COMMIT.
  static void DeclareReadsAndCommit(Transaction& tx, int64_t echo, const std::string& text) {
    tx.Prefetch(kEcho, Params().Add(echo));
    tx.Prefetch(kCountNotes, Params().Add(text));
    tx.PrefetchCommit();
  }

  RoundTripObserver observer_;
  std::unique_ptr<Pool> pool_;
};

TEST_F(PgPipelineTest, ExecuteAllRunsEveryQueryInOneRoundTripPreparingNewStatements) {
  absl::StatusOr<Lease> lease = pool_->Acquire();
  ASSERT_TRUE(lease.ok());
  const Query queries[] = {{&kEcho, Params().Add(int64_t{7})},
                           {&kInsertNote, Params().Add("a")},
                           {&kEcho, Params().Add(int64_t{8})},
                           {&kCountNotes, Params().Add("a")}};
  absl::StatusOr<std::vector<Result>> results = (*lease)->ExecuteAll(queries);
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), 4u);
  EXPECT_EQ((*results)[0].Int64(0, 0), 7);
  EXPECT_EQ((*results)[1].AffectedRows(), 1);
  EXPECT_EQ((*results)[2].Int64(0, 0), 8);
  EXPECT_EQ((*results)[3].Int64(0, 0), 1);
  EXPECT_EQ((*lease)->TakeRoundTrips(), 1);
}

TEST_F(PgPipelineTest, ExecuteAllStopsAtTheFirstFailureAndNamesIt) {
  {
    absl::StatusOr<Lease> lease = pool_->Acquire();
    ASSERT_TRUE(lease.ok());
    const Query queries[] = {{&kInsertNote, Params().Add("before")},
                             {&kInsertNote, Params().AddNull()},
                             {&kInsertNote, Params().Add("after")}};
    absl::StatusOr<std::vector<Result>> results = (*lease)->ExecuteAll(queries);
    EXPECT_EQ(results.status().code(), absl::StatusCode::kFailedPrecondition);  // 23502
    EXPECT_EQ(SqlStateOf(results.status()), "23502");
    EXPECT_NE(results.status().message().find("test_insert_note"), std::string::npos);
    EXPECT_FALSE((*lease)->IsBroken());
  }
  // Without a transaction block the pipeline is one implicit transaction: nothing stays.
  EXPECT_EQ(Notes("before"), 0);
  EXPECT_EQ(Notes("after"), 0);
}

// A statement the server cannot prepare (here: its table does not exist) is the failure named,
// not the skip of its execution that follows.
TEST_F(PgPipelineTest, AStatementThatCannotBePreparedIsTheFailureNamed) {
  constexpr Statement kMissingTable = {"test_missing_table", "SELECT count(*) FROM no_such_table"};
  absl::StatusOr<Lease> lease = pool_->Acquire();
  ASSERT_TRUE(lease.ok());
  const Query queries[] = {{&kEcho, Params().Add(int64_t{1})},
                           {&kMissingTable, Params()},
                           {&kEcho, Params().Add(int64_t{2})}};
  absl::StatusOr<std::vector<Result>> results = (*lease)->ExecuteAll(queries);
  EXPECT_EQ(SqlStateOf(results.status()), "42P01") << results.status();  // undefined_table
  EXPECT_NE(results.status().message().find("test_missing_table"), std::string::npos);
  EXPECT_FALSE((*lease)->IsBroken());
  absl::StatusOr<Result> echo = (*lease)->Execute(kEcho, Params().Add(int64_t{3}));
  ASSERT_TRUE(echo.ok()) << echo.status();
  EXPECT_EQ(echo->Int64(0, 0), 3);
}

TEST_F(PgPipelineTest, DeferredWritesAndPrefetchedReadsTakeTwoRoundTrips) {
  const absl::Status status = Run([](Transaction& tx) -> absl::Status {
    tx.Prefetch(kEcho, Params().Add(int64_t{1}));
    tx.Prefetch(kCountNotes, Params().Add("x"));
    absl::StatusOr<Result> one = tx.Execute(kEcho, Params().Add(int64_t{1}));
    if (!one.ok()) return one.status();
    EXPECT_EQ(one->Int64(0, 0), 1);
    absl::StatusOr<Result> count = tx.Execute(kCountNotes, Params().Add("x"));
    if (!count.ok()) return count.status();
    EXPECT_EQ(count->Int64(0, 0), 0);
    tx.Defer(kInsertNote, Params().Add("x"));
    tx.Defer(kInsertNote, Params().Add("x"));
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(observer_.Take(), 2);  // BEGIN and the reads; the writes and COMMIT
  EXPECT_EQ(Notes("x"), 2);
}

TEST_F(PgPipelineTest, AReadAskedOutOfOrderRunsAgainAndSeesTheDeferredWrites) {
  const absl::Status status = Run([](Transaction& tx) -> absl::Status {
    tx.Prefetch(kCountNotes, Params().Add("y"));
    tx.Prefetch(kEcho, Params().Add(int64_t{2}));
    // Not the declared order: the declared results are dropped, the asked one runs.
    absl::StatusOr<Result> echo = tx.Execute(kEcho, Params().Add(int64_t{3}));
    if (!echo.ok()) return echo.status();
    EXPECT_EQ(echo->Int64(0, 0), 3);
    tx.Defer(kInsertNote, Params().Add("y"));
    absl::StatusOr<Result> count = tx.Execute(kCountNotes, Params().Add("y"));
    if (!count.ok()) return count.status();
    EXPECT_EQ(count->Int64(0, 0), 1);  // after the deferred insert, as the code asked
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(Notes("y"), 1);
}

TEST_F(PgPipelineTest, AWriteDeclaredAfterAPrefetchDropsItSoTheReadSeesTheWrite) {
  const absl::Status status = Run([](Transaction& tx) -> absl::Status {
    tx.Prefetch(kCountNotes, Params().Add("z"));
    tx.Defer(kInsertNote, Params().Add("z"));
    absl::StatusOr<Result> count = tx.Execute(kCountNotes, Params().Add("z"));
    if (!count.ok()) return count.status();
    EXPECT_EQ(count->Int64(0, 0), 1);
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;
}

TEST_F(PgPipelineTest, AFailingDeferredWriteRollsBackTheWholeTransaction) {
  const absl::Status status = Run([](Transaction& tx) -> absl::Status {
    absl::StatusOr<Result> inserted = tx.Execute(kInsertNote, Params().Add("kept?"));
    if (!inserted.ok()) return inserted.status();
    tx.Defer(kInsertNote, Params().Add("deferred"));
    tx.Defer(kInsertNote, Params().AddNull());
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(SqlStateOf(status), "23502");
  EXPECT_EQ(Notes("kept?"), 0);
  EXPECT_EQ(Notes("deferred"), 0);
  // The connection went back clean and serves the next transaction.
  EXPECT_TRUE(Run([](Transaction& tx) {
                return tx.Execute(kInsertNote, Params().Add("next")).status();
              }).ok());
  EXPECT_EQ(Notes("next"), 1);
}

TEST_F(PgPipelineTest, AFullQueueIsSentBeforeItOverflows) {
  const int writes = static_cast<int>(Connection::kMaxPipelineQueries) * 2 + 3;
  const absl::Status status = Run([&](Transaction& tx) {
    for (int i = 0; i < writes; ++i) tx.Defer(kInsertNote, Params().Add("many"));
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(observer_.Take(), 3);  // 255 queued, 255 queued, the rest with COMMIT
  EXPECT_EQ(Notes("many"), writes);
}

TEST_F(PgPipelineTest, APrefetchedCommitGoesWithTheReadsInOneRoundTrip) {
  const absl::Status status = Run([](Transaction& tx) -> absl::Status {
    DeclareReadsAndCommit(tx, 4, "r");
    absl::StatusOr<Result> echo = tx.Execute(kEcho, Params().Add(int64_t{4}));
    if (!echo.ok()) return echo.status();
    EXPECT_EQ(echo->Int64(0, 0), 4);
    absl::StatusOr<Result> count = tx.Execute(kCountNotes, Params().Add("r"));
    if (!count.ok()) return count.status();
    EXPECT_EQ(count->Int64(0, 0), 0);
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(observer_.Take(), 1);
  // The transaction ended on the server: the connection serves a new one.
  EXPECT_TRUE(Run([](Transaction& tx) {
                return tx.Execute(kInsertNote, Params().Add("r")).status();
              }).ok());
  EXPECT_EQ(Notes("r"), 1);
}

TEST_F(PgPipelineTest, AStatementNotDeclaredBeforeAPrefetchedCommitFailsAndRunsNothing) {
  for (const bool deferred : {false, true}) {
    const absl::Status status = Run([&](Transaction& tx) -> absl::Status {
      tx.Prefetch(kEcho, Params().Add(int64_t{5}));
      tx.PrefetchCommit();
      absl::StatusOr<Result> echo = tx.Execute(kEcho, Params().Add(int64_t{5}));
      if (!echo.ok()) return echo.status();
      if (deferred) {
        tx.Defer(kInsertNote, Params().Add("late"));
        return tx.Flush();
      }
      return tx.Execute(kInsertNote, Params().Add("late")).status();
    });
    EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
    EXPECT_NE(status.message().find("test_insert_note"), std::string::npos) << status;
  }
  EXPECT_EQ(Notes("late"), 0);
}

TEST_F(PgPipelineTest, ABodyThatFailsAfterAPrefetchedCommitNeedsNoRollback) {
  const absl::Status status = Run([](Transaction& tx) -> absl::Status {
    DeclareReadsAndCommit(tx, 6, "s");
    absl::StatusOr<Result> echo = tx.Execute(kEcho, Params().Add(int64_t{6}));
    if (!echo.ok()) return echo.status();
    return absl::NotFoundError("stops before its second read");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(observer_.Take(), 1);  // no ROLLBACK after the COMMIT
  const absl::Status unused = Run([](Transaction& tx) {
    tx.Prefetch(kEcho, Params().Add(int64_t{7}));
    tx.PrefetchCommit();
    return absl::OkStatus();
  });
  EXPECT_TRUE(unused.ok()) << unused;
  EXPECT_EQ(observer_.Take(), 0);  // reads no one asked for are not sent
}

TEST_F(PgPipelineTest, AFailingReadBeforeAPrefetchedCommitRollsBack) {
  constexpr Statement kFails = {"test_fails", "SELECT 1 / $1::int"};
  const absl::Status status = Run([&](Transaction& tx) -> absl::Status {
    tx.Prefetch(kFails, Params().Add(int64_t{0}));
    tx.PrefetchCommit();
    return tx.Execute(kFails, Params().Add(int64_t{0})).status();
  });
  EXPECT_EQ(SqlStateOf(status), "22012");  // division by zero
  EXPECT_EQ(observer_.Take(), 2);  // the pipeline; the ROLLBACK of its aborted transaction
  EXPECT_TRUE(Run([](Transaction& tx) {
                return tx.Execute(kInsertNote, Params().Add("after")).status();
              }).ok());
  EXPECT_EQ(Notes("after"), 1);
}

TEST_F(PgPipelineTest, ABodyThatRunsNothingTakesNoRoundTrip) {
  ASSERT_TRUE(Run([](Transaction&) { return absl::OkStatus(); }).ok());
  EXPECT_EQ(observer_.Take(), 0);
}

}  // namespace
}  // namespace loyalty::pg
