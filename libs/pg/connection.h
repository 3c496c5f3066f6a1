#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "libs/pg/params.h"
#include "libs/pg/result.h"
#include "libs/pg/statement.h"

struct pg_conn;

namespace loyalty::pg {

// One libpq connection. Sessions run with TimeZone=UTC. Not thread-safe: one user at a time
// (the pool hands it out).
class Connection final {
 public:
  // `url` is a libpq connection string or URI. UNAVAILABLE when the server cannot be reached.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const std::string& url);
  ~Connection();

  // Runs a named statement, preparing it on first use on this connection.
  absl::StatusOr<Result> Execute(const Statement& statement, const Params& params = {});
  // Runs SQL text without preparing it (DDL, migrations, one-off statements; may hold several
  // statements when there are no params).
  absl::StatusOr<Result> ExecuteText(std::string_view sql, const Params& params = {});

  bool IsBroken() const;  // the socket is gone; the pool drops such connections

 private:
  explicit Connection(pg_conn* connection);
  pg_conn* connection_;
  absl::flat_hash_set<std::string> prepared_;
};

// Maps a failed PGresult / connection error to a Status. The SQLSTATE is attached as payload
// "loyalty.v1/sqlstate". Mapping: 40001 serialization failure and 40P01 deadlock -> ABORTED;
// class 08 and 57P01..57P03 (connection, shutdown) -> UNAVAILABLE; 57014 -> DEADLINE_EXCEEDED;
// class 53 -> RESOURCE_EXHAUSTED; 23505 -> ALREADY_EXISTS; 23503 -> NOT_FOUND; 23514 and 23502 ->
// FAILED_PRECONDITION; 22xxx -> INVALID_ARGUMENT; other -> INTERNAL. The message keeps the server's.
bool IsRetryable(const absl::Status& status);  // 40001 or 40P01
std::string SqlStateOf(const absl::Status& status);  // "" when none

}  // namespace loyalty::pg
