#pragma once

#include <functional>

#include "absl/status/status.h"
#include "libs/pg/pool.h"

namespace loyalty::pg {

enum class Isolation { kReadCommitted, kRepeatableRead, kSerializable };

struct RetryPolicy {
  int max_attempts = 8;  // 1..32
  absl::Duration first_backoff = absl::Milliseconds(1);  // doubled each attempt, with jitter
  absl::Duration max_backoff = absl::Milliseconds(50);
};

// An open SQL transaction on a leased connection: BEGIN at construction by RunInTransaction,
// COMMIT when the body returns OK, ROLLBACK otherwise.
class Transaction final {
 public:
  explicit Transaction(Connection& connection) : connection_(connection) {}
  absl::StatusOr<Result> Execute(const Statement& statement, const Params& params = {}) {
    return connection_.Execute(statement, params);
  }
  absl::StatusOr<Result> ExecuteText(std::string_view sql, const Params& params = {}) {
    return connection_.ExecuteText(sql, params);
  }

 private:
  Connection& connection_;
};

// Leases a connection, runs `body` in one SQL transaction and commits. When the body or the commit
// fails with a retryable error (IsRetryable), rolls back and runs the body again, up to
// policy.max_attempts times in all, with backoff; reports each retry to the pool's observer. A
// body that returns a non-OK status is rolled back and that status is returned (no retry unless
// retryable). After the last attempt the retryable error comes back as ABORTED. The body must be
// safe to run again: keep its effects on local state reset at its start.
absl::Status RunInTransaction(Pool& pool, Isolation isolation, const RetryPolicy& policy,
                              const std::function<absl::Status(Transaction&)>& body);

}  // namespace loyalty::pg
