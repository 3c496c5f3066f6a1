// Connection: prepared statement reuse and the SQLSTATE -> absl::Status mapping.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/pg/connection.h"
#include "tests/support/pg_cluster.h"

namespace loyalty::pg {
namespace {

constexpr Statement kInsertAccount = {
    "test_insert_account", "INSERT INTO accounts (id, balance) VALUES ($1, $2)"};
constexpr Statement kCountAccounts = {"test_count_accounts", "SELECT count(*) FROM accounts"};
constexpr Statement kPreparedCount = {
    "test_prepared_count",
    "SELECT count(*) FROM pg_prepared_statements WHERE name = 'test_insert_account'"};

class PgConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<Connection>> opened =
        Connection::Open(loyalty::testing::SharedPgCluster().CreateDatabase());
    ASSERT_TRUE(opened.ok()) << opened.status();
    connection_ = *std::move(opened);
    ASSERT_TRUE(connection_
                    ->ExecuteText("CREATE TABLE accounts (id bigint PRIMARY KEY,"
                                  " balance bigint NOT NULL CHECK (balance >= 0));"
                                  "CREATE TABLE entries (account_id bigint REFERENCES accounts)")
                    .ok());
  }

  std::unique_ptr<Connection> connection_;
};

TEST_F(PgConnectionTest, PreparesOnceAndReuses) {
  for (int64_t id = 1; id <= 5; ++id) {
    absl::StatusOr<Result> inserted =
        connection_->Execute(kInsertAccount, Params().Add(id).Add(int64_t{10}));
    ASSERT_TRUE(inserted.ok()) << inserted.status();
    EXPECT_EQ(inserted->AffectedRows(), 1);
  }
  absl::StatusOr<Result> count = connection_->Execute(kCountAccounts);
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(count->Int64(0, 0), 5);
  absl::StatusOr<Result> prepared = connection_->Execute(kPreparedCount);
  ASSERT_TRUE(prepared.ok()) << prepared.status();
  EXPECT_EQ(prepared->Int64(0, 0), 1);
  EXPECT_FALSE(connection_->IsBroken());
}

TEST_F(PgConnectionTest, FailedStatementKeepsPreparedStatementUsable) {
  ASSERT_TRUE(connection_->Execute(kInsertAccount, Params().Add(int64_t{1}).Add(int64_t{1})).ok());
  absl::StatusOr<Result> duplicate =
      connection_->Execute(kInsertAccount, Params().Add(int64_t{1}).Add(int64_t{1}));
  EXPECT_EQ(duplicate.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(connection_->Execute(kInsertAccount, Params().Add(int64_t{2}).Add(int64_t{1})).ok());
}

TEST_F(PgConnectionTest, UniqueViolationIsAlreadyExists) {
  ASSERT_TRUE(connection_->Execute(kInsertAccount, Params().Add(int64_t{1}).Add(int64_t{1})).ok());
  absl::Status status =
      connection_->Execute(kInsertAccount, Params().Add(int64_t{1}).Add(int64_t{1})).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
  EXPECT_EQ(SqlStateOf(status), "23505");
  EXPECT_NE(status.message().find("duplicate key"), std::string_view::npos) << status;
  EXPECT_FALSE(IsRetryable(status));
}

TEST_F(PgConnectionTest, CheckViolationIsFailedPrecondition) {
  absl::Status status =
      connection_->Execute(kInsertAccount, Params().Add(int64_t{1}).Add(int64_t{-1})).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_EQ(SqlStateOf(status), "23514");
}

TEST_F(PgConnectionTest, NotNullViolationIsFailedPrecondition) {
  absl::Status status = connection_->ExecuteText(
      "INSERT INTO accounts (id, balance) VALUES ($1, $2)", Params().Add(int64_t{1}).AddNull())
                            .status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_EQ(SqlStateOf(status), "23502");
}

TEST_F(PgConnectionTest, ForeignKeyViolationIsNotFound) {
  absl::Status status =
      connection_->ExecuteText("INSERT INTO entries VALUES ($1)", Params().Add(int64_t{7}))
          .status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << status;
  EXPECT_EQ(SqlStateOf(status), "23503");
}

TEST_F(PgConnectionTest, DataExceptionIsInvalidArgument) {
  absl::Status status =
      connection_->ExecuteText("SELECT $1::bigint", Params().Add("not a number")).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_EQ(SqlStateOf(status), "22P02");
}

TEST_F(PgConnectionTest, SyntaxErrorIsInternal) {
  absl::Status status = connection_->ExecuteText("SELEKT 1").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
  EXPECT_EQ(SqlStateOf(status), "42601");
  absl::Status prepared = connection_->Execute(Statement{"test_bad_syntax", "SELEKT 1"}).status();
  EXPECT_EQ(prepared.code(), absl::StatusCode::kInternal) << prepared;
  EXPECT_EQ(SqlStateOf(prepared), "42601") << prepared;  // the Parse's error, not the skip after it
  EXPECT_FALSE(connection_->IsBroken());
}

TEST_F(PgConnectionTest, ForcedSqlStatesMapExactly) {
  const struct {
    const char* sqlstate;
    absl::StatusCode code;
  } cases[] = {
      {"40001", absl::StatusCode::kAborted},
      {"40P01", absl::StatusCode::kAborted},
      {"57014", absl::StatusCode::kDeadlineExceeded},
      {"53300", absl::StatusCode::kResourceExhausted},
      {"57P03", absl::StatusCode::kUnavailable},
      {"22012", absl::StatusCode::kInvalidArgument},
      {"P0001", absl::StatusCode::kInternal},
  };
  for (const auto& test_case : cases) {
    absl::Status status =
        connection_
            ->ExecuteText(absl::StrCat("DO $$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = '",
                                       test_case.sqlstate, "'; END $$"))
            .status();
    EXPECT_EQ(status.code(), test_case.code) << test_case.sqlstate << ": " << status;
    EXPECT_EQ(SqlStateOf(status), test_case.sqlstate);
    EXPECT_EQ(IsRetryable(status), std::string_view(test_case.sqlstate).starts_with("40"));
  }
}

TEST_F(PgConnectionTest, StatementTimeoutIsDeadlineExceeded) {
  ASSERT_TRUE(connection_->ExecuteText("SET statement_timeout = '50ms'").ok());
  absl::Status status = connection_->ExecuteText("SELECT pg_sleep(5)").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  EXPECT_EQ(SqlStateOf(status), "57014");
}

TEST_F(PgConnectionTest, TerminatedBackendIsUnavailableAndBroken) {
  absl::Status status =
      connection_->ExecuteText("SELECT pg_terminate_backend(pg_backend_pid())").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_TRUE(connection_->IsBroken());
  EXPECT_EQ(connection_->ExecuteText("SELECT 1").status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(PgConnectionTest, AwaitNotificationsReturnsThemInOrderAndALostSession) {
  ASSERT_TRUE(connection_->ExecuteText("LISTEN news").ok());
  absl::StatusOr<std::vector<Notification>> none =
      connection_->AwaitNotifications(absl::Milliseconds(20));
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());

  const std::string url = loyalty::testing::SharedPgCluster().CreateDatabase();
  absl::StatusOr<std::unique_ptr<Connection>> other = Connection::Open(url);
  ASSERT_TRUE(other.ok());
  // Another database's notifications are not this session's.
  ASSERT_TRUE((*other)->ExecuteText("NOTIFY news, 'elsewhere'").ok());
  ASSERT_TRUE(connection_->ExecuteText("NOTIFY news, 'mine'").ok());
  ASSERT_TRUE(connection_->ExecuteText("BEGIN; NOTIFY news, 'one'; NOTIFY news, 'two'; COMMIT")
                  .ok());
  absl::StatusOr<std::vector<Notification>> arrived =
      connection_->AwaitNotifications(absl::Seconds(10));
  ASSERT_TRUE(arrived.ok()) << arrived.status();
  ASSERT_EQ(arrived->size(), 3u);
  EXPECT_EQ((*arrived)[0].payload, "mine");
  EXPECT_EQ((*arrived)[1].payload, "one");
  EXPECT_EQ((*arrived)[2].payload, "two");
  EXPECT_EQ((*arrived)[0].channel, "news");
  EXPECT_TRUE((*arrived)[0].from_self);

  // Ended from elsewhere while it waits.
  absl::StatusOr<Result> pid = connection_->ExecuteText("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid.ok());
  ASSERT_TRUE((*other)->ExecuteText(absl::StrCat("SELECT pg_terminate_backend(",
                                                 pid->Int64(0, 0), ")")).ok());
  absl::Status lost;
  for (int i = 0; i < 100 && lost.ok(); ++i) {  // the error message may come before the EOF
    lost = connection_->AwaitNotifications(absl::Milliseconds(100)).status();
  }
  EXPECT_EQ(lost.code(), absl::StatusCode::kUnavailable) << lost;
  EXPECT_TRUE(connection_->IsBroken());
}

TEST_F(PgConnectionTest, CommitOfFailedTransactionIsAnError) {
  ASSERT_TRUE(connection_->ExecuteText("BEGIN").ok());
  EXPECT_FALSE(connection_->ExecuteText("SELEKT 1").ok());
  absl::Status commit = connection_->ExecuteText("COMMIT").status();
  EXPECT_EQ(commit.code(), absl::StatusCode::kInternal) << commit;
  EXPECT_EQ(SqlStateOf(commit), "25P02");
  EXPECT_FALSE(connection_->IsBroken());
}

TEST(PgConnectionOpenTest, ClosedPortIsUnavailable) {
  // A port nobody listens on: bind, read the port, close.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  ::close(fd);
  absl::StatusOr<std::unique_ptr<Connection>> opened = Connection::Open(
      absl::StrCat("postgresql://postgres@127.0.0.1:", ntohs(address.sin_port), "/postgres"));
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kUnavailable) << opened.status();
}

TEST(PgConnectionOpenTest, SessionRunsInUtcEvenWhenUrlSetsOptions) {
  const std::string url = absl::StrCat(loyalty::testing::SharedPgCluster().CreateDatabase(),
                                       "?options=-c%20application_name%3Dx");
  absl::StatusOr<std::unique_ptr<Connection>> opened = Connection::Open(url);
  ASSERT_TRUE(opened.ok()) << opened.status();
  absl::StatusOr<Result> zone = (*opened)->ExecuteText("SHOW TimeZone");
  ASSERT_TRUE(zone.ok()) << zone.status();
  EXPECT_EQ(zone->Text(0, 0), "UTC");
}

}  // namespace
}  // namespace loyalty::pg
