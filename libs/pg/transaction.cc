#include "libs/pg/transaction.h"

#include <algorithm>
#include <random>
#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/base/check.h"

namespace loyalty::pg {
namespace {

constexpr int kMaxAttempts = 32;

std::string_view BeginSql(Isolation isolation) {
  switch (isolation) {
    case Isolation::kReadCommitted:
      return "BEGIN ISOLATION LEVEL READ COMMITTED";
    case Isolation::kRepeatableRead:
      return "BEGIN ISOLATION LEVEL REPEATABLE READ";
    case Isolation::kSerializable:
      return "BEGIN ISOLATION LEVEL SERIALIZABLE";
  }
  LOYALTY_CHECK(false);
  return "";
}

// One attempt: BEGIN, body, COMMIT; ROLLBACK when the body or COMMIT fails.
absl::Status RunOnce(Connection& connection, Isolation isolation,
                     const std::function<absl::Status(Transaction&)>& body) {
  if (absl::StatusOr<Result> begin = connection.ExecuteText(BeginSql(isolation)); !begin.ok()) {
    return begin.status();
  }
  Transaction transaction(connection);
  absl::Status status = body(transaction);
  if (status.ok()) {
    absl::StatusOr<Result> commit = connection.ExecuteText("COMMIT");
    if (commit.ok()) return absl::OkStatus();
    status = commit.status();
  }
  // Best effort: after a failed COMMIT the server has already ended the transaction, and on a
  // dead socket this fails too (the lease then drops the connection).
  (void)connection.ExecuteText("ROLLBACK");
  return status;
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

// `status` with another code and a prefixed message, keeping its payloads (the SQLSTATE).
absl::Status Rewrite(const absl::Status& status, absl::StatusCode code,
                     absl::string_view prefix) {
  absl::Status result(code, absl::StrCat(prefix, status.message()));
  status.ForEachPayload([&result](absl::string_view type_url, const absl::Cord& payload) {
    result.SetPayload(type_url, payload);
  });
  return result;
}

}  // namespace

absl::Status RunInTransaction(Pool& pool, Isolation isolation, const RetryPolicy& policy,
                              const std::function<absl::Status(Transaction&)>& body) {
  LOYALTY_CHECK(policy.max_attempts >= 1 && policy.max_attempts <= kMaxAttempts);
  LOYALTY_CHECK(policy.first_backoff >= absl::ZeroDuration());
  LOYALTY_CHECK(policy.max_backoff >= policy.first_backoff);
  for (int attempt = 1;; ++attempt) {
    absl::Status status;
    {
      absl::StatusOr<Lease> lease = pool.Acquire();
      if (!lease.ok()) return lease.status();
      status = RunOnce(**lease, isolation, body);
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
    absl::SleepFor(Backoff(policy, attempt));
  }
}

}  // namespace loyalty::pg
