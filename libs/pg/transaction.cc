#include "libs/pg/transaction.h"

#include <algorithm>
#include <optional>
#include <random>
#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/base/check.h"
#include "libs/base/status_macros.h"

namespace loyalty::pg {
namespace {

constexpr int kMaxAttempts = 32;

constexpr Statement kBeginReadCommitted{"begin_read_committed",
                                        "BEGIN ISOLATION LEVEL READ COMMITTED"};
constexpr Statement kBeginRepeatableRead{"begin_repeatable_read",
                                         "BEGIN ISOLATION LEVEL REPEATABLE READ"};
constexpr Statement kBeginSerializable{"begin_serializable", "BEGIN ISOLATION LEVEL SERIALIZABLE"};
constexpr Statement kCommit{"commit", "COMMIT"};
// SET LOCAL statement_timeout, with a parameter: the milliseconds left before the deadline.
constexpr Statement kStatementTimeout{"statement_timeout",
                                      "SELECT set_config('statement_timeout', $1, true)"};
constexpr Statement kSavepoint{"savepoint", "SAVEPOINT command"};
constexpr Statement kRollbackToSavepoint{"rollback_to_savepoint", "ROLLBACK TO SAVEPOINT command"};

const Statement& BeginStatement(Isolation isolation) {
  switch (isolation) {
    case Isolation::kReadCommitted:
      return kBeginReadCommitted;
    case Isolation::kRepeatableRead:
      return kBeginRepeatableRead;
    case Isolation::kSerializable:
      return kBeginSerializable;
  }
  LOYALTY_CHECK(false);
  return kBeginReadCommitted;
}

// Exponential backoff for the retry after `attempt` (1-based), with jitter in [half, full].
absl::Duration Backoff(const RetryPolicy& policy, int attempt) {
  absl::Duration backoff = policy.first_backoff;
  for (int i = 1; i < attempt && backoff < policy.max_backoff; ++i) backoff *= 2;
  backoff = std::min(backoff, policy.max_backoff);
  thread_local std::mt19937_64 random(std::random_device{}());
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return backoff * jitter(random);
}

// The longest statement timeout set: a deadline further away sets none.
constexpr absl::Duration kMaxStatementTimeout = absl::Hours(24);

absl::Status DeadlinePassed(absl::string_view when) {
  return absl::DeadlineExceededError(
      absl::StrCat("the call's deadline passed ", when, "; nothing was committed"));
}

}  // namespace

Transaction::Transaction(Connection& connection, Isolation isolation, absl::Time deadline)
    : connection_(connection), deadline_(deadline) {
  Queue(BeginStatement(isolation), {}, /*keep_result=*/false);
  preamble_ = 1;
  const absl::Duration left = deadline - absl::Now();
  if (left < kMaxStatementTimeout) {
    // Whole milliseconds, rounded up: the server cancels at the deadline, not before it.
    const int64_t ms = absl::ToInt64Milliseconds(absl::Ceil(left, absl::Milliseconds(1)));
    Queue(kStatementTimeout, Params().Add(std::max<int64_t>(ms, 1)), /*keep_result=*/false);
    preamble_ = 2;
  }
}

absl::StatusOr<Result> Transaction::Execute(const Statement& statement, const Params& params) {
  LOYALTY_RETURN_IF_ERROR(failure_);
  LOYALTY_ASSIGN_OR_RETURN(std::optional<Result> prefetched, TakePrefetched(statement, params));
  if (prefetched.has_value()) return *std::move(prefetched);
  if (RefusedAfterCommit(statement.name)) return failure_;
  Queue(statement, params, /*keep_result=*/true);
  LOYALTY_RETURN_IF_ERROR(failure_);
  LOYALTY_RETURN_IF_ERROR(Flush());
  LOYALTY_CHECK(prefetched_.size() == 1);
  Result result = std::move(prefetched_.front().result);
  prefetched_.clear();
  return result;
}

absl::StatusOr<Result> Transaction::ExecuteText(std::string_view sql, const Params& params) {
  LOYALTY_RETURN_IF_ERROR(failure_);
  if (RefusedAfterCommit(sql)) return failure_;
  DropPrefetched();
  LOYALTY_RETURN_IF_ERROR(Flush());
  return connection_.ExecuteText(sql, params);
}

void Transaction::Defer(const Statement& statement, Params params) {
  if (RefusedAfterCommit(statement.name)) return;
  DropPrefetched();
  Queue(statement, std::move(params), /*keep_result=*/false);
}

void Transaction::Prefetch(const Statement& statement, Params params) {
  if (RefusedAfterCommit(statement.name)) return;
  Queue(statement, std::move(params), /*keep_result=*/true);
}

void Transaction::PrefetchCommit() {
  if (commit_declared_) return;
  commit_declared_ = true;
  Queue(kCommit, {}, /*keep_result=*/false);
}

bool Transaction::RefusedAfterCommit(std::string_view what) {
  if (!commit_declared_) return false;
  if (failure_.ok()) {
    failure_ = absl::InternalError(absl::StrCat("'", absl::string_view(what.data(), what.size()),
                                                "' was not declared before the transaction's"
                                                " prefetched COMMIT"));
  }
  return true;
}

absl::Status Transaction::Commit() {
  LOYALTY_RETURN_IF_ERROR(failure_);
  DropPrefetched();
  // BEGIN (and the statement timeout, and the declared COMMIT)
  const size_t nothing_run = preamble_ + (commit_declared_ ? 1 : 0);
  if (!begun_ && queued_.size() == nothing_run) {  // nothing ran, nothing to commit
    queued_.clear();
    return absl::OkStatus();
  }
  if (!commit_declared_) Queue(kCommit, {}, /*keep_result=*/false);
  LOYALTY_RETURN_IF_ERROR(failure_);
  return Flush();
}

void Transaction::Savepoint() {
  if (RefusedAfterCommit(kSavepoint.name)) return;
  Queue(kSavepoint, {}, /*keep_result=*/false);
}

void Transaction::RollbackToSavepoint() {
  prefetched_.clear();
  auto savepoint = std::find_if(queued_.begin(), queued_.end(), [](const Queued& queued) {
    return queued.query.statement == &kSavepoint;
  });
  if (savepoint != queued_.end()) {  // nothing since the SAVEPOINT has run
    queued_.erase(savepoint, queued_.end());
    queued_bytes_ = 0;
    for (const Queued& queued : queued_) queued_bytes_ += queued.query.params.Bytes();
    return;
  }
  queued_.clear();
  queued_bytes_ = 0;
  Queue(kRollbackToSavepoint, {}, /*keep_result=*/false);
}

void Transaction::Rollback() {
  queued_.clear();
  prefetched_.clear();
  // Best effort: after a failed COMMIT the server has already ended the transaction, and on a
  // dead socket this fails too (the lease then drops the connection).
  if (begun_ && !ended_) (void)connection_.ExecuteText("ROLLBACK");
}

void Transaction::Queue(const Statement& statement, Params params, bool keep_result) {
  const size_t bytes = params.Bytes();
  if (queued_.size() + 1 >= Connection::kMaxPipelineQueries ||
      queued_bytes_ + bytes > Connection::kMaxPipelineBytes) {
    if (absl::Status flushed = Flush(); !flushed.ok() && failure_.ok()) failure_ = flushed;
  }
  queued_bytes_ += bytes;
  queued_.push_back({{&statement, std::move(params)}, keep_result});
}

void Transaction::DropPrefetched() {
  prefetched_.clear();
  std::erase_if(queued_, [](const Queued& queued) { return queued.keep_result; });
}

absl::Status Transaction::Flush() {
  if (queued_.empty()) return absl::OkStatus();
  std::vector<Query> queries;
  std::vector<bool> keep;
  queries.reserve(queued_.size());
  for (Queued& queued : queued_) {
    queries.push_back(std::move(queued.query));
    keep.push_back(queued.keep_result);
  }
  queued_.clear();
  queued_bytes_ = 0;
  if (absl::Now() >= deadline_) {
    // Not sent: after its deadline a call starts nothing and commits nothing.
    round_trip_failed_ = true;
    return DeadlinePassed(begun_ ? "while its transaction ran" : "before its transaction began");
  }
  begun_ = true;
  absl::StatusOr<std::vector<Result>> run = connection_.ExecuteAll(queries);
  if (!run.ok()) {
    round_trip_failed_ = true;
    if (SqlStateOf(run.status()) == "57014" && absl::Now() >= deadline_) {
      return DeadlinePassed("while its transaction ran (the statement was cancelled)");
    }
    return run.status();
  }
  std::vector<Result> results = *std::move(run);
  ended_ = ended_ || queries.back().statement == &kCommit;
  for (size_t i = 0; i < results.size(); ++i) {
    if (keep[i]) {
      prefetched_.push_back({queries[i].statement, std::move(queries[i].params),
                             std::move(results[i])});
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<Result>> Transaction::TakePrefetched(const Statement& statement,
                                                                  const Params& params) {
  const bool declared = std::any_of(queued_.begin(), queued_.end(),
                                    [](const Queued& queued) { return queued.keep_result; });
  if (prefetched_.empty() && declared) LOYALTY_RETURN_IF_ERROR(Flush());
  if (prefetched_.empty()) return std::nullopt;
  Prefetched& next = prefetched_.front();
  if (std::string_view(next.statement->name) == statement.name && next.params == params) {
    Result result = std::move(next.result);
    prefetched_.pop_front();
    return std::optional<Result>(std::move(result));
  }
  DropPrefetched();
  return std::nullopt;
}

absl::Status RunTransactionOnce(Connection& connection, Isolation isolation,
                                const std::function<absl::Status(Transaction&)>& body,
                                absl::Time deadline) {
  Transaction transaction(connection, isolation, deadline);
  absl::Status status = body(transaction);
  if (status.ok()) status = transaction.Commit();
  if (!status.ok()) transaction.Rollback();
  return status;
}

absl::Status RunInTransaction(Pool& pool, Isolation isolation, const RetryPolicy& policy,
                              const std::function<absl::Status(Transaction&)>& body,
                              absl::Time deadline) {
  LOYALTY_CHECK(policy.max_attempts >= 1 && policy.max_attempts <= kMaxAttempts);
  LOYALTY_CHECK(policy.first_backoff >= absl::ZeroDuration());
  LOYALTY_CHECK(policy.max_backoff >= policy.first_backoff);
  for (int attempt = 1;; ++attempt) {
    if (absl::Now() >= deadline) {
      return DeadlinePassed(attempt == 1 ? "before its transaction began"
                                         : "before its transaction could be retried");
    }
    absl::Status status;
    {
      absl::StatusOr<Lease> lease = pool.Acquire(deadline);
      if (!lease.ok()) return lease.status();
      status = RunTransactionOnce(**lease, isolation, body, deadline);
      if (status.ok()) return status;
      if ((*lease)->IsBroken()) {
        // The connection died mid-transaction; the lease drops it. The outcome of a COMMIT that
        // was in flight is unknown, so this is not retried here.
        if (status.code() == absl::StatusCode::kUnavailable) return status;
        return Rewrite(status, absl::StatusCode::kUnavailable, "connection lost: ");
      }
    }
    if (!IsRetryable(status)) return status;
    if (attempt >= policy.max_attempts) {
      return Rewrite(status, absl::StatusCode::kAborted,
                     absl::StrCat("transaction retries exhausted after ", attempt,
                                  " attempts; last error (", SqlStateOf(status), "): "));
    }
    if (pool.observer() != nullptr) pool.observer()->OnRetry(SqlStateOf(status));
    absl::SleepFor(std::min(Backoff(policy, attempt), deadline - absl::Now()));
  }
}

}  // namespace loyalty::pg
