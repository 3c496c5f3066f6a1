#include "libs/pg/connection.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/types/optional.h"
#include "libs/base/check.h"
#include "libs/base/status_macros.h"

namespace loyalty::pg {
namespace {

constexpr absl::string_view kSqlStatePayload = "loyalty.v1/sqlstate";
constexpr char kConnectTimeoutSeconds[] = "5";
// Reported when libpq loses the socket without a server error (connection_failure).
constexpr absl::string_view kConnectionFailure = "08006";
// Reported when a connection cannot be established.
constexpr absl::string_view kCannotConnect = "08001";
// in_failed_sql_transaction: COMMIT found the transaction already aborted.
constexpr absl::string_view kInFailedTransaction = "25P02";

absl::StatusCode CodeForSqlState(absl::string_view sqlstate) {
  if (sqlstate == "40001" || sqlstate == "40P01") return absl::StatusCode::kAborted;
  if (absl::StartsWith(sqlstate, "08") || sqlstate == "57P01" || sqlstate == "57P02" ||
      sqlstate == "57P03") {
    return absl::StatusCode::kUnavailable;
  }
  if (sqlstate == "57014") return absl::StatusCode::kDeadlineExceeded;
  if (absl::StartsWith(sqlstate, "53")) return absl::StatusCode::kResourceExhausted;
  if (sqlstate == "23505") return absl::StatusCode::kAlreadyExists;
  if (sqlstate == "23503") return absl::StatusCode::kNotFound;
  if (sqlstate == "23514" || sqlstate == "23502") return absl::StatusCode::kFailedPrecondition;
  if (absl::StartsWith(sqlstate, "22")) return absl::StatusCode::kInvalidArgument;
  return absl::StatusCode::kInternal;
}

absl::Status StatusWithSqlState(absl::string_view sqlstate, absl::string_view message) {
  absl::Status status(CodeForSqlState(sqlstate), message);
  status.SetPayload(kSqlStatePayload, absl::Cord(sqlstate));
  return status;
}

std::string ConnectionMessage(const PGconn* connection) {
  const char* message = connection == nullptr ? nullptr : PQerrorMessage(connection);
  if (message == nullptr || *message == '\0') return "connection lost";
  return std::string(absl::StripAsciiWhitespace(message));
}

// The server's message: primary text plus detail when there is one.
std::string ServerMessage(const PGresult* result, const PGconn* connection) {
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  if (primary == nullptr) {
    const char* message = PQresultErrorMessage(result);
    if (message != nullptr && *message != '\0') {
      return std::string(absl::StripAsciiWhitespace(message));
    }
    return ConnectionMessage(connection);
  }
  const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL);
  return detail == nullptr ? std::string(primary) : absl::StrCat(primary, " (", detail, ")");
}

bool IsCommit(absl::string_view sql) {
  sql = absl::StripAsciiWhitespace(sql);
  absl::ConsumeSuffix(&sql, ";");
  sql = absl::StripAsciiWhitespace(sql);
  return absl::StartsWithIgnoreCase(sql, "commit") || absl::EqualsIgnoreCase(sql, "end");
}

// Takes ownership of `raw` and turns it into a Result or a Status.
absl::StatusOr<Result> TakeResult(PGconn* connection, PGresult* raw) {
  Result result(raw);
  if (raw == nullptr) {
    if (PQstatus(connection) == CONNECTION_BAD) {
      return StatusWithSqlState(kConnectionFailure, ConnectionMessage(connection));
    }
    return absl::InternalError(ConnectionMessage(connection));
  }
  switch (PQresultStatus(raw)) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
    case PGRES_EMPTY_QUERY:
      return result;
    default:
      break;
  }
  const char* sqlstate = PQresultErrorField(raw, PG_DIAG_SQLSTATE);
  if (sqlstate == nullptr || *sqlstate == '\0') {
    if (PQstatus(connection) == CONNECTION_BAD) {
      return StatusWithSqlState(kConnectionFailure, ServerMessage(raw, connection));
    }
    return absl::InternalError(
        absl::StrCat("unexpected result ", PQresStatus(PQresultStatus(raw)), ": ",
                     ServerMessage(raw, connection)));
  }
  return StatusWithSqlState(sqlstate, ServerMessage(raw, connection));
}

std::vector<const char*> ParamPointers(const Params& params) {
  std::vector<const char*> pointers;
  pointers.reserve(params.Values().size());
  for (const std::optional<std::string>& value : params.Values()) {
    pointers.push_back(value.has_value() ? value->c_str() : nullptr);
  }
  return pointers;
}

void IgnoreNotice(void* /*arg*/, const char* /*message*/) {}

}  // namespace

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const std::string& url) {
  // Keywords before "dbname" are defaults that the expanded URL may override.
  const char* const keywords[] = {"connect_timeout", "client_encoding", "options", "dbname",
                                  nullptr};
  const char* const values[] = {kConnectTimeoutSeconds, "UTF8", "-c TimeZone=UTC", url.c_str(),
                                nullptr};
  PGconn* raw = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (raw == nullptr) return StatusWithSqlState(kCannotConnect, "cannot allocate a connection");
  if (PQstatus(raw) != CONNECTION_OK) {
    absl::Status status = StatusWithSqlState(
        kCannotConnect, absl::StrCat("cannot connect to PostgreSQL: ", ConnectionMessage(raw)));
    PQfinish(raw);
    return status;
  }
  PQsetNoticeProcessor(raw, IgnoreNotice, nullptr);
  std::unique_ptr<Connection> connection(new Connection(raw));
  const char* time_zone = PQparameterStatus(raw, "TimeZone");
  if (time_zone == nullptr || std::string_view(time_zone) != "UTC") {
    // The URL overrode "options": set the session time zone explicitly.
    absl::StatusOr<Result> set = connection->ExecuteText("SET TimeZone = 'UTC'");
    if (!set.ok()) return set.status();
  }
  return connection;
}

Connection::Connection(pg_conn* connection)
    : connection_(connection), cancel_(PQgetCancel(connection)) {}

Connection::~Connection() {
  PQfreeCancel(cancel_);
  PQfinish(connection_);
}

bool Connection::Cancel() {
  absl::MutexLock lock(&round_trip_mutex_);
  cancelled_ = true;
  if (!in_flight_) return false;
  char error[256];
  if (cancel_ != nullptr) (void)PQcancel(cancel_, error, sizeof error);
  return true;
}

absl::Status Connection::BeginRoundTrip() {
  absl::MutexLock lock(&round_trip_mutex_);
  if (cancelled_) {
    broken_ = true;
    return absl::UnavailableError("the server is shutting down: the statement was not sent");
  }
  in_flight_ = true;
  return absl::OkStatus();
}

template <typename T>
absl::StatusOr<T> Connection::EndRoundTrip(absl::StatusOr<T> result) {
  absl::MutexLock lock(&round_trip_mutex_);
  in_flight_ = false;
  if (result.ok() || !cancelled_) return result;
  broken_ = true;
  return Rewrite(result.status(), absl::StatusCode::kUnavailable,
                 "the server is shutting down: the statement was cancelled: ");
}

absl::StatusOr<std::vector<Result>> Connection::ExecuteAll(std::span<const Query> queries) {
  LOYALTY_RETURN_IF_ERROR(BeginRoundTrip());
  return EndRoundTrip(RunPipeline(queries));
}

absl::StatusOr<Result> Connection::ExecuteText(std::string_view sql, const Params& params) {
  LOYALTY_RETURN_IF_ERROR(BeginRoundTrip());
  return EndRoundTrip(RunText(sql, params));
}

absl::StatusOr<Result> Connection::Execute(const Statement& statement, const Params& params) {
  const Query query{&statement, params};
  LOYALTY_ASSIGN_OR_RETURN(std::vector<Result> results,
                           ExecuteAll(std::span<const Query>(&query, 1)));
  return std::move(results.front());
}

absl::StatusOr<std::vector<Result>> Connection::RunPipeline(std::span<const Query> queries) {
  LOYALTY_CHECK(!queries.empty() && queries.size() <= kMaxPipelineQueries);
  ++round_trips_;
  if (PQenterPipelineMode(connection_) != 1) {
    return StatusWithSqlState(kConnectionFailure, ConnectionMessage(connection_));
  }
  // What was sent, in order: a Parse before the first use of a statement, then its Execute.
  std::vector<bool> prepares(queries.size(), false);
  absl::flat_hash_set<std::string_view> parsing;
  bool sent = true;
  for (size_t i = 0; i < queries.size() && sent; ++i) {
    const Statement& statement = *queries[i].statement;
    if (!prepared_.contains(statement.name) && parsing.insert(statement.name).second) {
      prepares[i] = true;
      sent = PQsendPrepare(connection_, statement.name, statement.sql, 0, nullptr) == 1;
    }
    const std::vector<const char*> values = ParamPointers(queries[i].params);
    sent = sent && PQsendQueryPrepared(connection_, statement.name, queries[i].params.Size(),
                                       values.data(), nullptr, nullptr, 0) == 1;
  }
  if (!sent || PQpipelineSync(connection_) != 1) {
    broken_ = true;  // the server may hold part of the pipeline: the connection is done for
    return StatusWithSqlState(kConnectionFailure, ConnectionMessage(connection_));
  }
  std::vector<Result> results;
  results.reserve(queries.size());
  // The first failure, named by its statement (for the log: rpc::ToGrpcStatus shows a client
  // none of it): what the others were skipped for.
  absl::Status failure;
  const auto note = [&](const absl::Status& status, std::string_view name) {
    if (!failure.ok()) return;
    failure = Rewrite(status, status.code(), absl::StrCat(std::string(name), ": "));
  };
  for (size_t i = 0; i < queries.size(); ++i) {
    const std::string_view name = queries[i].statement->name;
    if (prepares[i]) {
      absl::StatusOr<Result> prepared = NextResult();
      if (prepared.ok()) {
        prepared_.insert(std::string(name));
      } else {
        note(prepared.status(), name);  // its Execute comes back skipped
      }
      if (broken_) return failure;
    }
    absl::StatusOr<Result> result = NextResult();
    if (result.ok() && result->CommandTag() == "ROLLBACK" && IsCommit(queries[i].statement->sql)) {
      result =
          StatusWithSqlState(kInFailedTransaction,
                             "COMMIT rolled back: an earlier statement in the transaction failed");
    }
    if (result.ok()) {
      results.push_back(*std::move(result));
    } else {
      note(result.status(), name);
    }
    if (broken_) return failure;
  }
  DrainPipeline();
  if (!failure.ok()) return failure;
  if (broken_) return StatusWithSqlState(kConnectionFailure, ConnectionMessage(connection_));
  return results;
}

// The next command's result in a pipeline, and the NULL that ends it. A command skipped after an
// earlier failure comes back as PGRES_PIPELINE_ABORTED, which is reported as an error too.
absl::StatusOr<Result> Connection::NextResult() {
  PGresult* raw = PQgetResult(connection_);
  if (raw == nullptr) {
    broken_ = true;
    return StatusWithSqlState(kConnectionFailure, ConnectionMessage(connection_));
  }
  const bool aborted = PQresultStatus(raw) == PGRES_PIPELINE_ABORTED;
  absl::StatusOr<Result> result = TakeResult(connection_, raw);
  while (PGresult* extra = PQgetResult(connection_)) PQclear(extra);
  if (aborted) return StatusWithSqlState(kInFailedTransaction, "skipped after an earlier failure");
  return result;
}

// Reads the pipeline's sync point and leaves pipeline mode; marks the connection broken when
// that is not what comes.
void Connection::DrainPipeline() {
  PGresult* sync = PQgetResult(connection_);
  const bool synced = sync != nullptr && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
  PQclear(sync);
  if (!synced || PQexitPipelineMode(connection_) != 1) broken_ = true;
}

absl::StatusOr<Result> Connection::RunText(std::string_view sql, const Params& params) {
  ++round_trips_;
  const std::string text(sql);
  PGresult* raw = nullptr;
  if (params.Size() == 0) {
    raw = PQexec(connection_, text.c_str());
  } else {
    const std::vector<const char*> values = ParamPointers(params);
    raw = PQexecParams(connection_, text.c_str(), params.Size(), nullptr, values.data(), nullptr,
                       nullptr, 0);
  }
  absl::StatusOr<Result> result = TakeResult(connection_, raw);
  // A COMMIT of a transaction that an earlier (ignored) error aborted "succeeds" as ROLLBACK.
  if (result.ok() && raw != nullptr && std::string_view(PQcmdStatus(raw)) == "ROLLBACK" &&
      IsCommit(absl::string_view(sql.data(), sql.size()))) {
    return StatusWithSqlState(kInFailedTransaction,
                              "COMMIT rolled back: an earlier statement in the transaction failed");
  }
  return result;
}

bool Connection::IsBroken() const {
  // A session left inside a transaction block is as unusable for the next user as a dead socket.
  return broken_ || PQstatus(connection_) == CONNECTION_BAD ||
         PQpipelineStatus(connection_) != PQ_PIPELINE_OFF ||
         PQtransactionStatus(connection_) != PQTRANS_IDLE;
}

absl::StatusOr<std::vector<Notification>> Connection::AwaitNotifications(absl::Duration timeout) {
  const auto lost = [this] {
    broken_ = true;
    return StatusWithSqlState(kConnectionFailure, absl::StrCat("connection lost while listening: ",
                                                               ConnectionMessage(connection_)));
  };
  std::vector<Notification> arrived;
  const auto take = [&] {
    while (PGnotify* notify = PQnotifies(connection_)) {
      arrived.push_back(
          {notify->relname, notify->extra, notify->be_pid == PQbackendPID(connection_)});
      PQfreemem(notify);
    }
  };
  take();  // those a statement's results brought along
  if (!arrived.empty()) return arrived;
  pollfd socket{PQsocket(connection_), POLLIN, 0};
  if (socket.fd < 0) return lost();
  const int64_t wait_ms = std::clamp<int64_t>(absl::ToInt64Milliseconds(timeout), 0, 3600000);
  const int ready = poll(&socket, 1, static_cast<int>(wait_ms));
  if (ready < 0 && errno != EINTR) return lost();
  if (ready > 0 && PQconsumeInput(connection_) == 0) return lost();
  take();
  if (PQstatus(connection_) == CONNECTION_BAD) return lost();
  return arrived;
}

absl::Status Rewrite(const absl::Status& status, absl::StatusCode code, absl::string_view prefix) {
  absl::Status result(code, absl::StrCat(prefix, status.message()));
  status.ForEachPayload([&result](absl::string_view type_url, const absl::Cord& payload) {
    result.SetPayload(type_url, payload);
  });
  return result;
}

bool IsRetryable(const absl::Status& status) {
  const std::string sqlstate = SqlStateOf(status);
  return sqlstate == "40001" || sqlstate == "40P01";
}

std::string SqlStateOf(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(kSqlStatePayload);
  return payload.has_value() ? std::string(*payload) : std::string();
}

}  // namespace loyalty::pg
