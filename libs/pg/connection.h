#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/pg/params.h"
#include "libs/pg/result.h"
#include "libs/pg/statement.h"

struct pg_conn;
struct pg_cancel;

namespace loyalty::pg {

// A NOTIFY this connection's session LISTENs to.
struct Notification {
  std::string channel;
  std::string payload;
  bool from_self = false;  // sent by this connection's own session
};

// One statement with its parameters, for ExecuteAll.
struct Query {
  const Statement* statement;
  Params params;
};

// One libpq connection. Sessions run with TimeZone=UTC. Not thread-safe: one user at a time
// (the pool hands it out).
class Connection final {
 public:
  // `url` is a libpq connection string or URI. UNAVAILABLE when the server cannot be reached.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const std::string& url);
  ~Connection();

  // The most statements, and parameter bytes, one ExecuteAll sends. The bytes bound keeps what
  // is sent before the first result is read within the socket buffers, so that a blocking
  // pipeline cannot stall on a server that is itself waiting for us to read.
  static constexpr size_t kMaxPipelineQueries = 256;
  static constexpr size_t kMaxPipelineBytes = 64 * 1024;

  // Runs a named statement, preparing it on first use on this connection: one round trip.
  absl::StatusOr<Result> Execute(const Statement& statement, const Params& params = {});
  // Runs `queries` in order in one round trip (libpq pipeline mode), preparing statements used
  // for the first time in the same round trip. Returns one result per query, or the status of
  // the first query that failed, its message led by the statement's name (the queries after it
  // did not run). Inside a transaction block
  // a failure leaves the transaction aborted, as with one statement at a time.
  absl::StatusOr<std::vector<Result>> ExecuteAll(std::span<const Query> queries);
  // Runs SQL text without preparing it (DDL, migrations, one-off statements; may hold several
  // statements when there are no params).
  absl::StatusOr<Result> ExecuteText(std::string_view sql, const Params& params = {});

  bool IsBroken() const;  // the socket is gone; the pool drops such connections

  // The notifications that arrived (for the channels this session LISTENs to), in the order
  // they were sent, waiting up to `timeout` for the first one; empty when none came. UNAVAILABLE
  // when the connection is lost.
  absl::StatusOr<std::vector<Notification>> AwaitNotifications(absl::Duration timeout);

  // Round trips (waits for the server) since the last call: one per Execute, ExecuteText and
  // ExecuteAll. The pool reports them to its observer when the connection comes back.
  int64_t TakeRoundTrips() { return std::exchange(round_trips_, 0); }

  // Thread-safe: from any thread, while the connection lives (the pool's CancelRunning, on
  // shutdown). From now on every statement is refused without being sent (UNAVAILABLE, "the
  // server is shutting down"), and the round trip in flight, if any, is cancelled in the server
  // (PQcancel): it fails there unless it had already finished, and its error comes back as
  // UNAVAILABLE too. A cancel that reaches the server between two statements of the round trip is
  // lost: call again while it is in flight. Returns whether a round trip is still in flight.
  bool Cancel();

 private:
  explicit Connection(pg_conn* connection);
  // Around each round trip: refuses it after Cancel, and marks it in flight until it ends.
  absl::Status BeginRoundTrip();
  template <typename T>
  absl::StatusOr<T> EndRoundTrip(absl::StatusOr<T> result);
  absl::StatusOr<std::vector<Result>> RunPipeline(std::span<const Query> queries);
  absl::StatusOr<Result> RunText(std::string_view sql, const Params& params);
  absl::StatusOr<Result> NextResult();
  void DrainPipeline();

  pg_conn* connection_;
  absl::flat_hash_set<std::string> prepared_;
  int64_t round_trips_ = 0;
  bool broken_ = false;  // a pipeline could not be read to its end
  pg_cancel* const cancel_;  // PQgetCancel's, for Cancel from another thread

  absl::Mutex round_trip_mutex_;
  bool cancelled_ ABSL_GUARDED_BY(round_trip_mutex_) = false;
  bool in_flight_ ABSL_GUARDED_BY(round_trip_mutex_) = false;
};

// Maps a failed PGresult / connection error to a Status. The SQLSTATE is attached as payload
// "loyalty.v1/sqlstate". Mapping: 40001 serialization failure and 40P01 deadlock -> ABORTED;
// class 08 and 57P01..57P03 (connection, shutdown) -> UNAVAILABLE; 57014 -> DEADLINE_EXCEEDED;
// class 53 -> RESOURCE_EXHAUSTED; 23505 -> ALREADY_EXISTS; 23503 -> NOT_FOUND; 23514 and 23502 ->
// FAILED_PRECONDITION; 22xxx -> INVALID_ARGUMENT; other -> INTERNAL. The message keeps the
// server's text.
bool IsRetryable(const absl::Status& status);  // 40001 or 40P01
// `status` with another code and `prefix` before its message, keeping its payloads (SQLSTATE).
absl::Status Rewrite(const absl::Status& status, absl::StatusCode code, absl::string_view prefix);
std::string SqlStateOf(const absl::Status& status);  // "" when none

}  // namespace loyalty::pg
