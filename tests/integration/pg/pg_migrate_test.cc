// Migrate: applies each migration once, also when several processes race; refuses newer schemas.
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "libs/pg/migrate.h"
#include "tests/support/pg_cluster.h"

namespace loyalty::pg {
namespace {

// Plain CREATE TABLE / INSERT: applying any of them twice would fail or double the rows.
constexpr Migration kMigrations[] = {
    {1, "001_members.sql", "CREATE TABLE members (id bigint PRIMARY KEY, name text NOT NULL);"},
    {2, "002_lots.sql",
     "CREATE TABLE lots (member_id bigint NOT NULL REFERENCES members, points bigint NOT NULL);"
     "CREATE INDEX lots_member ON lots (member_id);"},
    {3, "003_seed.sql", "INSERT INTO members VALUES (1, 'first');"},
};

class PgMigrateTest : public ::testing::Test {
 protected:
  void SetUp() override { url_ = loyalty::testing::SharedPgCluster().CreateDatabase(); }

  std::unique_ptr<Connection> Open() {
    absl::StatusOr<std::unique_ptr<Connection>> opened = Connection::Open(url_);
    EXPECT_TRUE(opened.ok()) << opened.status();
    return opened.ok() ? *std::move(opened) : nullptr;
  }

  int64_t Query(Connection& connection, const char* sql) {
    absl::StatusOr<Result> result = connection.ExecuteText(sql);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? result->Int64(0, 0) : -1;
  }

  std::string url_;
};

TEST_F(PgMigrateTest, AppliesAllInOrderAndRecordsThem) {
  std::unique_ptr<Connection> connection = Open();
  ASSERT_NE(connection, nullptr);
  ASSERT_TRUE(Migrate(*connection, kMigrations).ok());
  absl::StatusOr<Result> recorded = connection->ExecuteText(
      "SELECT version, name, applied_at FROM schema_migrations ORDER BY version");
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  ASSERT_EQ(recorded->Rows(), 3);
  for (int row = 0; row < 3; ++row) {
    EXPECT_EQ(recorded->Int32(row, 0), kMigrations[row].version);
    EXPECT_EQ(recorded->Text(row, 1), kMigrations[row].name);
    EXPECT_FALSE(recorded->IsNull(row, 2));
  }
  EXPECT_EQ(Query(*connection, "SELECT count(*) FROM members"), 1);
}

TEST_F(PgMigrateTest, SecondRunIsANoOp) {
  std::unique_ptr<Connection> connection = Open();
  ASSERT_NE(connection, nullptr);
  ASSERT_TRUE(Migrate(*connection, kMigrations).ok());
  const absl::Status again = Migrate(*connection, kMigrations);
  EXPECT_TRUE(again.ok()) << again;
  EXPECT_EQ(Query(*connection, "SELECT count(*) FROM schema_migrations"), 3);
  EXPECT_EQ(Query(*connection, "SELECT count(*) FROM members"), 1);
}

TEST_F(PgMigrateTest, AppliesOnlyTheNewOnes) {
  std::unique_ptr<Connection> connection = Open();
  ASSERT_NE(connection, nullptr);
  ASSERT_TRUE(Migrate(*connection, std::span(kMigrations).first(1)).ok());
  EXPECT_EQ(Query(*connection, "SELECT count(*) FROM schema_migrations"), 1);
  ASSERT_TRUE(Migrate(*connection, kMigrations).ok());
  EXPECT_EQ(Query(*connection, "SELECT count(*) FROM schema_migrations"), 3);
  EXPECT_EQ(Query(*connection, "SELECT count(*) FROM members"), 1);
}

TEST_F(PgMigrateTest, ConcurrentRunsApplyEachMigrationOnce) {
  constexpr int kThreads = 4;
  std::vector<absl::Status> statuses(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      absl::StatusOr<std::unique_ptr<Connection>> connection = Connection::Open(url_);
      statuses[static_cast<size_t>(t)] =
          connection.ok() ? Migrate(**connection, kMigrations) : connection.status();
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const absl::Status& status : statuses) EXPECT_TRUE(status.ok()) << status;
  std::unique_ptr<Connection> connection = Open();
  ASSERT_NE(connection, nullptr);
  EXPECT_EQ(Query(*connection, "SELECT count(*) FROM schema_migrations"), 3);
  EXPECT_EQ(Query(*connection, "SELECT count(*) FROM members"), 1);
}

TEST_F(PgMigrateTest, RefusesANewerRecordedVersion) {
  std::unique_ptr<Connection> connection = Open();
  ASSERT_NE(connection, nullptr);
  ASSERT_TRUE(Migrate(*connection, kMigrations).ok());
  ASSERT_TRUE(
      connection->ExecuteText("INSERT INTO schema_migrations (version, name) VALUES (4, 'x')")
          .ok());
  const absl::Status status = Migrate(*connection, kMigrations);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  // The advisory lock was released: another session can take it at once.
  std::unique_ptr<Connection> other = Open();
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(Query(*other, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"), 0);
}

TEST_F(PgMigrateTest, FailedMigrationIsRolledBackWithItsRecord) {
  constexpr Migration kBroken[] = {
      kMigrations[0],
      {2, "002_broken.sql", "CREATE TABLE half (id int); SELEKT 1;"},
  };
  std::unique_ptr<Connection> connection = Open();
  ASSERT_NE(connection, nullptr);
  const absl::Status status = Migrate(*connection, kBroken);
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
  EXPECT_NE(status.message().find("002_broken.sql"), std::string_view::npos) << status;
  EXPECT_EQ(SqlStateOf(status), "42601");
  EXPECT_EQ(Query(*connection, "SELECT count(*) FROM schema_migrations"), 1);
  EXPECT_EQ(Query(*connection, "SELECT count(*) FROM pg_tables WHERE tablename = 'half'"), 0);
  EXPECT_FALSE(connection->IsBroken());
  EXPECT_EQ(Query(*connection, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"), 0);
}

}  // namespace
}  // namespace loyalty::pg
